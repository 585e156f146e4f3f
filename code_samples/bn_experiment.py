# region: setup
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from bn_common import batches, load_digits_tensors, make_mlp

torch.manual_seed(0)
np.random.seed(0)
# en: One thread: bit-for-bit reproducible on CPU.
# fr: Un seul thread : reproductible au bit près sur CPU.
torch.set_num_threads(1)

# en: Plain SGD (no momentum) with mini-batches of 60 as in the paper; test
# en: accuracy and percentiles are recorded every 25 steps, for 3 seeds.
# fr: SGD simple (sans momentum) avec des mini-lots de 60 comme dans l'article ;
# fr: exactitude de test et percentiles relevés tous les 25 pas, pour 3 graines.
STEPS, BATCH, LR, EVAL_EVERY, SEEDS = 1500, 60, 0.5, 25, (0, 1, 2)
print(f"steps={STEPS} batch={BATCH} lr={LR} eval_every={EVAL_EVERY} seeds={SEEDS}")
# endregion

# region: data
# en: 1,797 handwritten digits of 8x8 pixels, shipped with scikit-learn, standardized
# en: with the training set's statistics only (see bn_common.py).
# fr: 1 797 chiffres manuscrits de 8x8 pixels, fournis avec scikit-learn, standardisés
# fr: avec les statistiques du seul jeu d'entraînement (voir bn_common.py).
X_train, y_train, X_test, y_test = load_digits_tensors()
print("train:", tuple(X_train.shape), "test:", tuple(X_test.shape), "classes:", len(y_train.unique()))
# endregion

# region: model
# en: 64 -> 100 -> 100 -> 100 -> 10 with sigmoids, as in the paper; with BN, a
# en: BatchNorm1d sits between each linear layer and its sigmoid. The same seed
# en: gives both networks the same linear weights (PyTorch's default init).
# fr: 64 -> 100 -> 100 -> 100 -> 10 avec des sigmoïdes, comme dans l'article ; avec BN,
# fr: une BatchNorm1d s'insère entre chaque couche linéaire et sa sigmoïde. La même
# fr: graine donne aux deux réseaux les mêmes poids linéaires (init. par défaut de PyTorch).
def sigmoid_mlp(use_bn, seed=0, init="default"):
    return make_mlp(bn="before" if use_bn else "none", act=nn.Sigmoid, seed=seed, init=init)

plain, with_bn = sigmoid_mlp(False), sigmoid_mlp(True)
print(with_bn)
linears = [[m for m in net if isinstance(m, nn.Linear)] for net in (plain, with_bn)]
same_init = all(torch.equal(a.weight, b.weight) for a, b in zip(*linears))
print("same initial weights:", same_init)
assert same_init
# endregion

# region: signal
# en: At initialization, how much does each layer shrink the spread of the signal?
# en: Variance over the test examples of each sigmoid's input, averaged over units.
# fr: À l'initialisation, de combien chaque couche réduit-elle l'étalement du signal ?
# fr: Variance sur les exemples de test de l'entrée de chaque sigmoïde, moyennée sur les unités.
@torch.no_grad()
def input_variances(net):
    variances, h = [], X_test
    for layer in net:
        if isinstance(layer, nn.Sigmoid):
            variances.append(h.var(0).mean().item())
        h = layer(h)
    return variances

shrink = {}
for init in ("default", "glorot"):
    v = np.array([input_variances(sigmoid_mlp(False, s, init)) for s in SEEDS]).mean(0)
    shrink[init] = v[0] / v[1], v[1] / v[2]
    print(f"{init:7s}: variance of the sigmoid inputs {v[0]:.3f} -> {v[1]:.4f} -> {v[2]:.5f}"
          f"  (shrunk {shrink[init][0]:.0f}x, then {shrink[init][1]:.0f}x)")
# en: Theory: a sigmoid's slope at 0 is 1/4, so it divides the variance by 16; the next
# en: layer multiplies it by 100 * Var(w): 1/3 with PyTorch's default, 1 with Glorot's.
# fr: Théorie : la pente de la sigmoïde en 0 vaut 1/4, elle divise la variance par 16 ; la couche
# fr: suivante la multiplie par 100 * Var(w) : 1/3 par défaut dans PyTorch, 1 avec Glorot.
print(f"in theory: {16 * 3:.0f}x with the default init, {16 * 1:.0f}x with Glorot's")
assert all(40 < s < 90 for s in shrink["default"]) and all(14 < s < 35 for s in shrink["glorot"])
# endregion

# region: train
def train(net, seed, unit=0):
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    # en: A hook keeps the input of the last sigmoid (the paper's Fig. 1 b, c).
    # fr: Un hook garde l'entrée de la dernière sigmoïde (fig. 1 b, c de l'article).
    seen = {}
    last_sigmoid = [m for m in net if isinstance(m, nn.Sigmoid)][-1]
    last_sigmoid.register_forward_hook(lambda mod, inp, out: seen.update(z=inp[0][:, unit]))
    log = {"acc": [], "pct": [], "batch_mean": []}
    # en: Same seed, same mini-batches for every network.
    # fr: Même graine, mêmes mini-lots pour tous les réseaux.
    for step, idx in zip(range(1, STEPS + 1), batches(len(X_train), BATCH, seed)):
        net.train()
        loss = F.cross_entropy(net(X_train[idx]), y_train[idx])
        batch_mean = seen["z"].mean().item()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % EVAL_EVERY == 0:
            # en: Evaluation mode: BN uses its running statistics.
            # fr: Mode évaluation : la BN utilise ses statistiques glissantes.
            net.eval()
            with torch.no_grad():
                log["acc"].append((net(X_test).argmax(1) == y_test).float().mean().item())
            log["pct"].append(torch.quantile(seen["z"], torch.tensor([0.15, 0.50, 0.85])).tolist())
            log["batch_mean"].append(batch_mean)
    return {k: np.array(v) for k, v in log.items()}

steps = np.arange(EVAL_EVERY, STEPS + 1, EVAL_EVERY)
runs = {(init, use_bn): [train(sigmoid_mlp(use_bn, s, init), s) for s in SEEDS]
        for init in ("default", "glorot") for use_bn in (False, True)}
acc = {key: np.array([r["acc"] for r in rs]) for key, rs in runs.items()}

def steps_to(curve, level=0.9):
    return steps[np.argmax(curve >= level)] if (curve >= level).any() else np.inf

print("test accuracy (mean over 3 seeds), and steps to reach 0.9 (each seed)")
print(f"init    BN  | step 100 | step 500 | step {STEPS} | to 0.9")
for (init, use_bn), a in acc.items():
    cells = " | ".join(f"{a[:, i].mean():^8.2f}" for i in (100 // EVAL_EVERY - 1, 500 // EVAL_EVERY - 1, -1))
    reach = " ".join(f"{steps_to(c):4.0f}" for c in a)
    print(f"{init:7s} {'yes' if use_bn else 'no':3s} | {cells}  | {reach}")

# en: Average steps to 0.9: how much of the speed-up is due to the initialization?
# fr: Nombre moyen de pas pour atteindre 0,9 : quelle part du gain vient de l'initialisation ?
reach = {key: np.mean([steps_to(c) for c in a]) for key, a in acc.items()}
print(f"steps to 0.9: no BN {reach['default', False]:.0f} (default init), "
      f"{reach['glorot', False]:.0f} (Glorot); BN {reach['default', True]:.0f} and {reach['glorot', True]:.0f}")
print(f"speed-up of BN: x{reach['default', False] / reach['default', True]:.0f} over the default init, "
      f"x{reach['glorot', False] / reach['glorot', True]:.1f} over Glorot's")

# en: Drift: how far each percentile curve moves (max - min), averaged, from step 100 on:
# en: before that, BN's running statistics still remember their initial 0 and 1.
# fr: Dérive : de combien chaque courbe de percentile bouge (max - min), en moyenne, à partir
# fr: du pas 100 : avant, les statistiques glissantes de la BN gardent la trace de leurs 0 et 1 initiaux.
late = steps >= 100
drift = {key: np.mean([np.ptp(r["pct"][late], axis=0).mean() for r in rs]) for key, rs in runs.items()}
for init in ("default", "glorot"):
    print(f"percentile drift, {init} init: no BN {drift[init, False]:.2f}, BN {drift[init, True]:.2f}"
          f" ({drift[init, False] / drift[init, True]:.1f}x less with BN)")

# en: The claims of the text, for every seed: BN is far ahead at step 100, with either
# en: init; Glorot's init removes most of the plateau; BN's inputs drift 3x less.
# fr: Les affirmations du texte, pour chaque graine : la BN a une large avance au pas 100, avec
# fr: l'une ou l'autre init. ; celle de Glorot supprime l'essentiel du plateau ; la dérive est 3x moindre avec BN.
i100 = 100 // EVAL_EVERY - 1
for init in ("default", "glorot"):
    assert acc[init, True][:, i100].min() > acc[init, False][:, i100].max() + 0.4
    assert drift[init, False] > 3 * drift[init, True]
assert acc["default", False][:, i100].max() < 0.12 < 0.2 < acc["glorot", False][:, i100].min()
assert reach["default", False] > 3 * reach["glorot", False] > 3 * reach["glorot", True]
# endregion



# region: noisy
import math

class NoisyBatchNorm1d(nn.BatchNorm1d):
    """BN, then (in training mode only) a random affine map per unit, drawn afresh at every step."""
    def __init__(self, num_features, seed=0):
        super().__init__(num_features)
        self.gen = torch.Generator().manual_seed(seed)

    def forward(self, x):
        y = super().forward(x)
        if self.training:
            n = y.shape[1]
            # en: A scale between 1/2 and 2 and a shift between -1 and 1, for each unit.
            # fr: Un facteur entre 1/2 et 2 et un décalage entre -1 et 1, pour chaque unité.
            scale = torch.empty(n).uniform_(-math.log(2), math.log(2), generator=self.gen).exp()
            shift = torch.empty(n).uniform_(-1.0, 1.0, generator=self.gen)
            y = y * scale + shift
        return y

noisy_runs = [train(make_mlp(bn="before", act=nn.Sigmoid, seed=s, init="glorot",
                             norm=lambda n, s=s: NoisyBatchNorm1d(n, seed=s)), s) for s in SEEDS]
acc["glorot", "noisy"] = np.array([r["acc"] for r in noisy_runs])
runs["glorot", "noisy"] = noisy_runs

# en: How much the input of the hooked sigmoid jumps from one recorded step to the next
# en: (its mean over the training batch), from step 100 on.
# fr: De combien l'entrée de la sigmoïde observée saute d'un relevé au suivant (moyenne sur
# fr: le mini-lot d'entraînement), à partir du pas 100.
jumps = {key: np.mean([np.abs(np.diff(r["batch_mean"][late])).mean() for r in runs[key]])
         for key in [("glorot", False), ("glorot", True), ("glorot", "noisy")]}
names = {False: "no BN", True: "BN", "noisy": "noisy BN"}
print(f"Glorot init | step 100 | step 500 | step {STEPS} | to 0.9 | jumps")
for key, j in jumps.items():
    a = acc[key]
    print(f"{names[key[1]]:11s} | {a[:, i100].mean():^8.2f} | {a[:, 500 // EVAL_EVERY - 1].mean():^8.2f} |"
          f" {a[:, -1].mean():^9.3f} | {np.mean([steps_to(c) for c in a]):6.0f} | {j:.3f}")

# en: Deliberately unstable inputs, yet as fast as BN and far faster than no BN.
# fr: Des entrées délibérément instables, et pourtant aussi rapide que la BN, bien plus que sans BN.
reach_noisy = np.mean([steps_to(c) for c in acc["glorot", "noisy"]])
assert jumps["glorot", "noisy"] > 5 * jumps["glorot", True]
assert reach_noisy < 2 * reach["glorot", True] and 3 * reach_noisy < reach["glorot", False]
assert acc["glorot", "noisy"][:, i100].min() > acc["glorot", False][:, i100].max() + 0.4
# endregion

# en: Run as a script, this sample draws its figures in both languages; the post draws
# en: each one from its own block, one per language.
# fr: Exécuté comme script, cet exemple trace ses figures dans les deux langues ; le billet
# fr: trace chacune depuis son propre bloc, un par langue.
from bn_plot import fig_noisy, fig_percentiles, fig_training
for lang in ("fr", "en"):
    fig_training(steps, acc, lang=lang)
    fig_percentiles(steps, runs["default", False][0]["pct"], runs["default", True][0]["pct"], lang=lang)
    fig_noisy(steps, acc, runs, lang=lang)
