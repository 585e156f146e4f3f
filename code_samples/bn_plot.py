"""Figures of the BN post, drawn in the page's language.

The French and English pages run the same code once, so the kernel cannot know which page
it serves: each figure is drawn twice, `lang="fr"` and `lang="en"`, by two blocks, and each
page shows only its own. Sizes are chosen for a 390 px phone: a 5-inch-wide figure is shown
at about 60 % of its size there, so the text is drawn large and panels are stacked.
"""
import sys

import matplotlib
if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

WIDTH = 5.0
STYLE = {"font.size": 14, "axes.titlesize": 14, "axes.labelsize": 14, "xtick.labelsize": 13,
         "ytick.labelsize": 13, "legend.fontsize": 12.5, "lines.linewidth": 2.0,
         "axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False}

# One colour per model throughout the post (colour-blind-safe pairs).
COLORS = {"plain": "#d55e00", "bn": "#0072b2", "noisy": "#009e73", "gn": "#cc79a7", "glorot": "#e69f00"}

TEXT = {
    "fr": {
        "step": "pas d'entraînement", "test_acc": "exactitude de test", "no_bn": "sans BN", "bn": "avec BN",
        "lr": "taux d'apprentissage", "batch": "taille du lot", "loss": "perte",
        "init_default": "(a) initialisation par défaut de PyTorch", "init_glorot": "(b) initialisation de Glorot",
        "sigmoid_input": "entrée de la sigmoïde", "pct_plain": "(b) sans BN", "pct_bn": "(c) avec BN",
        "noisy": "BN bruitée", "noisy_acc": "(a) exactitude de test (init. de Glorot)",
        "noisy_median": "(b) moyenne sur le mini-lot", "noisy_median_y": "entrée de la sigmoïde",
        "BN": "BN", "GN, 32 groups": "GN, 32 groupes", "GN, 1 group (LN)": "GN, 1 groupe (= LN)",
        "diverged": "× : la perte diverge",
        "land_a": "(a) le long du gradient, au pas {step}", "land_b": "(b) écart de perte le long du gradient",
        "land_loss": "perte (mini-lot)", "land_eta": "pas η (θ − η g)", "land_current": "perte au point de départ",
        "land_spread": "max − min",
        "scale_norm": "(a) norme ‖W‖ d'une couche", "scale_eff": "(b) taux effectif η / ‖wᵢ‖²",
        "scale_run": "η = {lr}", "scale_run_wd": "η = {lr}, pénalité {wd}",
        "cond_raw": "(a) brutes : κ = {cond}, {steps} pas", "cond_std": "(b) standardisées : κ = {cond}, {steps} pas",
        "paper_steps": "millions de pas pour atteindre 72,2\u202f%", "paper_best": "{best}\u202f%",
        "paper_never": "jamais ({best}\u202f%)", "paper_title": "au bout de la barre : meilleure exactitude",
    },
    "en": {
        "step": "training step", "test_acc": "test accuracy", "no_bn": "no BN", "bn": "with BN",
        "lr": "learning rate", "batch": "batch size", "loss": "loss",
        "init_default": "(a) PyTorch's default initialization", "init_glorot": "(b) Glorot initialization",
        "sigmoid_input": "input of the sigmoid", "pct_plain": "(b) no BN", "pct_bn": "(c) with BN",
        "noisy": "noisy BN", "noisy_acc": "(a) test accuracy (Glorot init)",
        "noisy_median": "(b) mean over the mini-batch", "noisy_median_y": "sigmoid input",
        "BN": "BN", "GN, 32 groups": "GN, 32 groups", "GN, 1 group (LN)": "GN, 1 group (= LN)",
        "diverged": "×: the loss diverges",
        "land_a": "(a) along the gradient, at step {step}", "land_b": "(b) loss spread along the gradient",
        "land_loss": "loss (mini-batch)", "land_eta": "step η (θ − η g)", "land_current": "loss at the starting point",
        "land_spread": "max − min",
        "scale_norm": "(a) norm ‖W‖ of one layer", "scale_eff": "(b) effective rate η / ‖wᵢ‖²",
        "scale_run": "η = {lr}", "scale_run_wd": "η = {lr}, decay {wd}",
        "cond_raw": "(a) raw: κ = {cond}, {steps} steps", "cond_std": "(b) standardized: κ = {cond}, {steps} steps",
        "paper_steps": "millions of steps to reach 72.2%", "paper_best": "{best}%",
        "paper_never": "never ({best}%)", "paper_title": "at the end of each bar: best accuracy",
    },
}

# French typography in figures too: a no-break space before a colon, as the build does in text.
TEXT["fr"] = {key: value.replace(" :", "\u00a0:") for key, value in TEXT["fr"].items()}


def tr(lang, key):
    return TEXT[lang][key]


def number(value, lang, digits=3, decimals=None):
    """A tick or a label in the page's conventions: 0,5 and 1 000 in French, 0.5 and 1,000 in English."""
    if decimals is not None:
        text = f"{value:.{decimals}f}"
        return (text.replace(".", ",") if lang == "fr" else text).replace("-", "\u2212")
    if value == 0:
        return "0"
    if abs(value) >= 1000 and float(value).is_integer():
        text = f"{int(value):,}".replace(",", "\u202f" if lang == "fr" else ",")
    else:
        text = f"{value:.{digits}g}"
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}×10^{int(exponent)}" if mantissa != "1" else f"10^{int(exponent)}"
        if lang == "fr":
            text = text.replace(".", ",")
    return text.replace("-", "\u2212")


def localize(ax, lang, x=True, y=True):
    """Tick labels with the page's decimal separator (log axes included, minor ticks unlabelled)."""
    formatter = FuncFormatter(lambda v, pos: number(round(v, 10), lang))
    empty = FuncFormatter(lambda v, pos: "")
    for axis, wanted in ((ax.xaxis, x), (ax.yaxis, y)):
        if wanted:
            axis.set_major_formatter(formatter)
            axis.set_minor_formatter(empty)


def figure(rows=1, height=3.0, **kwargs):
    plt.rcParams.update(STYLE)
    fig, axes = plt.subplots(rows, 1, figsize=(WIDTH, height * rows), squeeze=False, **kwargs)
    return fig, list(axes[:, 0])


def show(fig):
    fig.tight_layout()
    plt.show()
    plt.close(fig)


def band(ax, x, runs, color, label):
    """Mean curve over seeds, with the band from the worst to the best seed."""
    import numpy as np
    runs = np.asarray(runs)
    ax.fill_between(x, runs.min(0), runs.max(0), color=color, alpha=0.2, linewidth=0)
    ax.plot(x, runs.mean(0), color=color, label=label)


def log_ticks(ax, values, lang, axis="x"):
    ticks = [v for v in values if v > 0]
    getattr(ax, f"set_{axis}ticks")(ticks)
    getattr(ax, f"set_{axis}ticklabels")([number(v, lang) for v in ticks])
    getattr(ax, f"{axis}axis").set_minor_formatter(FuncFormatter(lambda v, pos: ""))


def fig_training(steps, acc, lang):
    """Figure 1 (a) of the paper, for two initializations, mean and range over the seeds."""
    fig, axes = figure(2, 2.9, sharex=True)
    for ax, init in zip(axes, ("default", "glorot")):
        band(ax, steps, acc[init, False], COLORS["plain"], tr(lang, "no_bn"))
        band(ax, steps, acc[init, True], COLORS["bn"], tr(lang, "bn"))
        ax.set_ylim(0, 1.02)
        ax.set_title(tr(lang, f"init_{init}"), loc="left")
        ax.set_ylabel(tr(lang, "test_acc"))
        localize(ax, lang)
    axes[0].legend(loc="lower right")
    axes[-1].set_xlabel(tr(lang, "step"))
    show(fig)


def fig_percentiles(steps, pct_plain, pct_bn, lang):
    """Figure 1 (b, c) of the paper: 15th, 50th, 85th percentiles of one sigmoid's input."""
    fig, axes = figure(2, 2.7, sharex=True, sharey=True)
    for ax, pct, key in [(axes[0], pct_plain, "pct_plain"), (axes[1], pct_bn, "pct_bn")]:
        for k, (q, style) in enumerate(zip(("15", "50", "85"), ("--", "-", ":"))):
            ax.plot(steps, pct[:, k], color="k", linestyle=style, label=f"$q_{{{q}}}$")
        ax.set_title(tr(lang, key), loc="left")
        ax.set_ylabel(tr(lang, "sigmoid_input"))
        localize(ax, lang)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.55, 1.0), ncol=3, handlelength=2.2)
    axes[-1].set_xlabel(tr(lang, "step"))
    show(fig)


def fig_noisy(steps, acc, runs, lang):
    """Santurkar et al.'s noisy BN on the Figure 1 network: accuracy, and one unit's input."""
    fig, axes = figure(2, 2.9, sharex=True)
    ax = axes[0]
    for key, color, label in [(("glorot", False), COLORS["plain"], tr(lang, "no_bn")),
                              (("glorot", True), COLORS["bn"], tr(lang, "bn")),
                              (("glorot", "noisy"), COLORS["noisy"], tr(lang, "noisy"))]:
        band(ax, steps, acc[key], color, label)
    ax.set_ylim(0, 1.02)
    ax.set_title(tr(lang, "noisy_acc"), loc="left")
    ax.legend(loc="lower right")
    localize(ax, lang)
    ax = axes[1]
    for key, color, label in [(("glorot", True), COLORS["bn"], tr(lang, "bn")),
                              (("glorot", "noisy"), COLORS["noisy"], tr(lang, "noisy"))]:
        ax.plot(steps, runs[key][0]["batch_mean"], color=color, label=label, linewidth=1.5)
    ax.set_xlim(0, 1000)
    ax.set_title(tr(lang, "noisy_median"), loc="left")
    ax.set_ylabel(tr(lang, "noisy_median_y"))
    ax.set_xlabel(tr(lang, "step"))
    localize(ax, lang)
    show(fig)


def fig_small_batches(sizes, accs, lang):
    """Test accuracy against the batch size, for BN and two GNs; band from worst to best seed."""
    fig, (ax,) = figure(1, 3.6)
    for (name, a), color, marker in zip(accs.items(), (COLORS["bn"], COLORS["gn"], COLORS["noisy"]), "osD"):
        ax.fill_between(sizes, a.min(1), a.max(1), color=color, alpha=0.2, linewidth=0)
        ax.plot(sizes, a.mean(1), color=color, marker=marker, label=tr(lang, name))
    ax.set_xscale("log", base=2)
    log_ticks(ax, sizes, lang)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(tr(lang, "batch"))
    ax.set_ylabel(tr(lang, "test_acc"))
    localize(ax, lang, x=False)
    ax.legend(loc="lower right")
    show(fig)


def _box(ax, C, S, N, lit, color):
    """A (C channels) x (S positions, vertical) x (N examples, in depth) block, oblique view;
    `lit` = (c0, c1, n0, n1): the cells normalized together (all positions)."""
    from matplotlib.patches import Polygon
    d = 0.55                        # depth offset per example, along (1, 1)

    def P(c, s, n):
        return c + d * n, s + d * n

    c0, c1, n0, n1 = lit
    # front face (n = 0), top face (s = S), right face (c = C)
    def quad(points, fc, lw=0.0):
        ax.add_patch(Polygon(points, closed=True, facecolor=fc, edgecolor="k", linewidth=lw))
    quad([P(0, 0, 0), P(C, 0, 0), P(C, S, 0), P(0, S, 0)], "white")
    quad([P(0, S, 0), P(C, S, 0), P(C, S, N), P(0, S, N)], "white")
    quad([P(C, 0, 0), P(C, 0, N), P(C, S, N), P(C, S, 0)], "white")
    if n0 == 0:
        quad([P(c0, 0, 0), P(c1, 0, 0), P(c1, S, 0), P(c0, S, 0)], color)
    quad([P(c0, S, n0), P(c1, S, n0), P(c1, S, n1), P(c0, S, n1)], color)
    if c1 == C:
        quad([P(C, 0, n0), P(C, 0, n1), P(C, S, n1), P(C, S, n0)], color)
    grid = dict(color="k", linewidth=0.6, alpha=0.55)
    for c in range(C + 1):
        ax.plot(*zip(P(c, 0, 0), P(c, S, 0), P(c, S, N)), **grid)
    for s in range(S + 1):
        ax.plot(*zip(P(0, s, 0), P(C, s, 0), P(C, s, N)), **grid)
    for n in range(N + 1):
        ax.plot(*zip(P(0, S, n), P(C, S, n), P(C, 0, n)), **grid)
    outline = dict(color="k", linewidth=1.6)
    for a, b in [((0, 0, 0), (C, 0, 0)), ((C, 0, 0), (C, S, 0)), ((C, S, 0), (0, S, 0)), ((0, S, 0), (0, 0, 0)),
                 ((0, S, 0), (0, S, N)), ((0, S, N), (C, S, N)), ((C, S, N), (C, S, 0)),
                 ((C, 0, 0), (C, 0, N)), ((C, 0, N), (C, S, N))]:
        ax.plot(*zip(P(*a), P(*b)), **outline)
    ax.annotate("", xy=P(C, -0.6, 0), xytext=P(0, -0.6, 0), arrowprops=dict(arrowstyle="->", lw=1.4))
    ax.text(*P(C / 2, -1.35, 0), "C", ha="center", va="center", fontsize=15)
    ax.annotate("", xy=P(-0.6, S, 0), xytext=P(-0.6, 0, 0), arrowprops=dict(arrowstyle="->", lw=1.4))
    ax.text(*P(-1.5, S / 2, 0), "H, W", ha="center", va="center", rotation=90, fontsize=15)
    ax.annotate("", xy=P(C + 0.7, -0.3, N), xytext=P(C + 0.7, -0.3, 0), arrowprops=dict(arrowstyle="->", lw=1.4))
    ax.text(*P(C + 1.7, -0.9, N / 2), "N", ha="center", va="center", fontsize=15)
    ax.set_xlim(-2.3, C + d * N + 2.2)
    ax.set_ylim(-2.0, S + d * N + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")


def fig_norm_axes():
    """The four normalizations (after Wu and He, 2018, Fig. 2): the cells sharing one mean and variance."""
    plt.rcParams.update(STYLE)
    fig, axes = plt.subplots(2, 2, figsize=(WIDTH, WIDTH * 0.8))
    C, S, N = 6, 4, 4
    for ax, (title, lit) in zip(axes.flat, [("BN", (2, 3, 0, N)), ("LN", (0, C, 0, 1)),
                                            ("IN", (2, 3, 0, 1)), ("GN", (2, 4, 0, 1))]):
        _box(ax, C, S, N, lit, COLORS["bn"])
        ax.set_title(title, fontsize=17, fontweight="bold")
    show(fig)


def fig_lr_sweep(lrs, sweep, lang):
    """Test accuracy after training against the learning rate; x for every diverged seed."""
    import numpy as np
    fig, (ax,) = figure(1, 3.6)
    for use_bn, color, marker, shift in [(False, COLORS["plain"], "o", 0.97), (True, COLORS["bn"], "s", 1.03)]:
        accs = sweep[use_bn]
        finite = ~np.isnan(accs).all(axis=1)
        ax.plot(lrs[finite], np.nanmean(accs[finite], axis=1), color=color, marker=marker,
                label=tr(lang, "bn" if use_bn else "no_bn"))
        for lr, row in zip(lrs, accs):
            for k in range(int(np.isnan(row).sum())):
                ax.plot(lr * shift, 0.03 + 0.06 * k, marker="x", color=color, markersize=9, markeredgewidth=2.2)
    ax.set_xscale("log")
    log_ticks(ax, [0.01, 0.1, 1, 10], lang)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(tr(lang, "lr"))
    ax.set_ylabel(tr(lang, "test_acc"))
    localize(ax, lang, x=False)
    ax.legend(loc="center left")
    ax.text(0.02, 0.28, tr(lang, "diverged"), transform=ax.transAxes, fontsize=12.5)
    show(fig)


def fig_landscape(probes, seeds, etas, lang, at=2):
    """(a) The loss along the gradient from one point early in training; (b) the spread of
    that loss against the current loss, for every probe of every seed."""
    import numpy as np
    fig, axes = figure(2, 3.1)
    ax = axes[0]
    for use_bn, color, marker in [(False, COLORS["plain"], "o"), (True, COLORS["bn"], "s")]:
        row = probes[use_bn, seeds[0]][at]
        ax.plot(np.concatenate([[0], etas]), row[1:-1], color=color, marker=marker,
                label=tr(lang, "bn" if use_bn else "no_bn"))
    ax.set_yscale("log")
    ax.set_title(tr(lang, "land_a").format(step=int(probes[False, seeds[0]][at][0])), loc="left")
    ax.set_xlabel(tr(lang, "land_eta"))
    ax.set_ylabel(tr(lang, "land_loss"))
    localize(ax, lang)
    ax.legend(loc="upper left")
    ax = axes[1]
    for use_bn, color, marker in [(False, COLORS["plain"], "o"), (True, COLORS["bn"], "s")]:
        p = np.concatenate([probes[use_bn, s] for s in seeds])
        ax.scatter(p[:, 1], p[:, 2:-1].max(1) - p[:, 2:-1].min(1), color=color, marker=marker, s=16,
                   alpha=0.7, label=tr(lang, "bn" if use_bn else "no_bn"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.invert_xaxis()
    ax.set_title(tr(lang, "land_b"), loc="left")
    ax.set_xlabel(tr(lang, "land_current"))
    ax.set_ylabel(tr(lang, "land_spread"))
    localize(ax, lang)
    show(fig)


def fig_scale(runs, lang):
    """Norm of one scale-invariant layer and its effective learning rate, for three runs."""
    import numpy as np
    fig, axes = figure(2, 2.9, sharex=True)
    colors = [COLORS["bn"], COLORS["plain"], COLORS["noisy"]]
    for ((lr, wd), (norms, effective, growth, acc)), color in zip(runs.items(), colors):
        label = tr(lang, "scale_run_wd" if wd else "scale_run").format(lr=number(lr, lang), wd=number(wd, lang))
        steps = np.arange(1, len(norms) + 1)
        axes[0].plot(steps, norms, color=color, label=label)
        axes[1].plot(steps, effective, color=color, label=label)
    axes[0].set_title(tr(lang, "scale_norm"), loc="left")
    axes[1].set_title(tr(lang, "scale_eff"), loc="left")
    axes[1].set_yscale("log")
    axes[1].set_xlabel(tr(lang, "step"))
    axes[0].legend(loc="center right", fontsize=12)
    for ax in axes:
        localize(ax, lang)
    show(fig)


def fig_sigmoid(x_hat, settings):
    """gamma and beta choose which part of the sigmoid the normalized values use."""
    import numpy as np
    plt.rcParams.update(STYLE)
    fig, axes = plt.subplots(len(settings), 1, figsize=(WIDTH, 2.1 * len(settings)), sharex=True)
    z = np.linspace(-7, 7, 400)
    for ax, (gamma, beta) in zip(axes, settings):
        y = gamma * x_hat + beta
        counts, edges = np.histogram(y, bins=np.linspace(-7, 7, 71))
        ax.fill_between(edges[:-1], counts / counts.max(), step="post", color=COLORS["bn"], alpha=0.35, linewidth=0)
        ax.plot(z, 1 / (1 + np.exp(-z)), color="k")
        ax.set_title(f"$\\gamma = {gamma:g},\\ \\beta = {beta:g}$", loc="left")
        ax.set_yticks([0, 1])
        ax.set_ylabel("$\\sigma(y)$")
    axes[-1].set_xlabel("$y = \\gamma\\,\\hat{x} + \\beta$")
    axes[-1].set_xticks([-6, -3, 0, 3, 6])
    axes[-1].set_xticklabels(["\u22126", "\u22123", "0", "3", "6"])
    show(fig)


def fig_conditioning(conditioning, t, lang):
    """Contours of a least-squares loss (bias at its best) and the path of gradient descent."""
    import numpy as np
    fig, axes = figure(2, 3.3)
    for ax, (name, (X, path, w_best, cond, reached)) in zip(axes, conditioning.items()):
        Xc, tc = X - X.mean(0), t - t.mean()
        span = np.abs(path[:, :2] - w_best[:2]).max(0) * 1.15 + 1e-9
        span = np.array([span.max(), span.max()]) if name == "standardized" else span
        a = np.linspace(w_best[0] - span[0], w_best[0] + span[0], 200)
        b = np.linspace(w_best[1] - span[1], w_best[1] + span[1], 200)
        A, B = np.meshgrid(a, b)
        W = np.stack([A.ravel(), B.ravel()], 1)
        loss = (((Xc @ W.T) - tc[:, None]) ** 2).mean(0).reshape(A.shape) / 2
        levels = np.quantile(loss, np.linspace(0.02, 0.9, 9))
        ax.contour(A, B, loss, levels=levels, colors="0.55", linewidths=1.0)
        ax.plot(path[:60, 0], path[:60, 1], color=COLORS["plain"], marker="o", markersize=3.5, linewidth=1.4)
        ax.plot(*w_best[:2], marker="*", color="k", markersize=14)
        ax.set_title(tr(lang, "cond_raw" if name == "raw" else "cond_std").format(
            cond=number(round(cond, 0 if cond > 10 else 1), lang), steps=number(reached, lang)), loc="left")
        ax.set_xlabel("$w_1$")
        ax.set_ylabel("$w_2$")
        ax.grid(False)
        localize(ax, lang)
    show(fig)


def fig_paper(paper, lang):
    """Ioffe and Szegedy's Figure 3, redrawn from the numbers it reports (not their curves)."""
    fig, (ax,) = figure(1, 4.3)
    names = list(paper)[::-1]
    for i, name in enumerate(names):
        steps, best = paper[name]
        ax.text(1.04, i + 0.3, name, va="bottom", fontsize=13)
        if steps is None:
            ax.text(1.04, i, tr(lang, "paper_never").format(best=number(best, lang, decimals=1)), va="center")
        else:
            color = COLORS["plain"] if name == "Inception" else COLORS["bn"]
            ax.barh(i, steps / 1e6, color=color, height=0.42)
            ax.text(steps / 1e6 * 1.08, i, tr(lang, "paper_best").format(best=number(best, lang, decimals=1)),
                    va="center")
    ax.set_yticks([])
    ax.set_ylim(-0.5, len(names) - 0.1)
    ax.set_xscale("log")
    ax.set_xlim(1, 150)
    log_ticks(ax, [1, 3, 10, 30, 100], lang)
    ax.set_xlabel(tr(lang, "paper_steps"))
    ax.set_title(tr(lang, "paper_title"), loc="left", fontsize=13)
    ax.spines["left"].set_visible(False)
    ax.grid(axis="y", visible=False)
    show(fig)
