# region: setup
import sys

import matplotlib
if "ipykernel" not in sys.modules:
    # en: Standalone run: no window.
    # fr: Exécution autonome : pas de fenêtre.
    matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
np.random.seed(0)
# en: One thread: bit-for-bit reproducible on CPU.
# fr: Un seul thread : reproductible au bit près sur CPU.
torch.set_num_threads(1)

# en: Plain SGD (no momentum) with mini-batches of 60 as in the paper; test
# en: accuracy and percentiles are recorded every 50 steps.
# fr: SGD simple (sans momentum) avec des mini-batches de 60 comme dans l'article ;
# fr: exactitude de test et percentiles sont relevés tous les 50 pas.
STEPS, BATCH, LR, EVAL_EVERY = 3000, 60, 0.5, 50
print(f"steps={STEPS} batch={BATCH} lr={LR} eval_every={EVAL_EVERY}")
# endregion

# region: data
# en: 1,797 handwritten digits of 8x8 pixels, shipped with scikit-learn.
# fr: 1 797 chiffres manuscrits de 8x8 pixels, fournis avec scikit-learn.
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=0, stratify=y)
# en: Standardize the inputs with the training set's statistics only.
# fr: On standardise les entrées avec les statistiques du seul jeu d'entraînement.
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)
print("train:", tuple(X_train.shape), "test:", tuple(X_test.shape), "classes:", len(y_train.unique()))
# endregion

# region: model
def make_mlp(use_bn, seed=0):
    # en: 64 -> 100 -> 100 -> 100 -> 10, sigmoid activations as in the paper.
    # en: With BN, it sits between each linear layer and its sigmoid.
    # fr: 64 -> 100 -> 100 -> 100 -> 10, activations sigmoïdes comme dans l'article.
    # fr: Avec BN, elle s'insère entre chaque couche linéaire et sa sigmoïde.
    # en: Same seed => same initial weights.
    # fr: Même graine => mêmes poids initiaux.
    torch.manual_seed(seed)
    layers, width = [], 64
    for hidden in (100, 100, 100):
        # en: The bias is redundant before BN (beta plays its role), but we keep it
        # en: so that both networks start from exactly the same weights.
        # fr: Le biais est redondant avant BN (beta joue son rôle), mais on le garde
        # fr: pour que les deux réseaux partent exactement des mêmes poids.
        layers.append(nn.Linear(width, hidden))
        if use_bn:
            layers.append(nn.BatchNorm1d(hidden))
        layers.append(nn.Sigmoid())
        width = hidden
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)

plain, with_bn = make_mlp(use_bn=False), make_mlp(use_bn=True)
print(with_bn)
same_init = all(torch.equal(a.weight, b.weight) for a, b in zip(
    [m for m in plain if isinstance(m, nn.Linear)], [m for m in with_bn if isinstance(m, nn.Linear)]))
print("same initial weights:", same_init)
assert same_init
# endregion

# region: train
def train(model, unit=0, seed=0):
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    # en: Same mini-batches for both.
    # fr: Mêmes mini-batches pour les deux.
    gen = torch.Generator().manual_seed(seed)
    # en: A hook captures the input of the last sigmoid (the paper's Fig. 1 b, c).
    # fr: Un hook capture l'entrée de la dernière sigmoïde (fig. 1 b, c de l'article).
    captured = {}
    last_sigmoid = [m for m in model if isinstance(m, nn.Sigmoid)][-1]
    last_sigmoid.register_forward_hook(lambda mod, inp, out: captured.update(z=inp[0]))
    steps, accs, pcts = [], [], []
    perm, pos = torch.randperm(len(X_train), generator=gen), 0
    for step in range(1, STEPS + 1):
        # en: Reshuffle at each new epoch.
        # fr: Nouveau mélange à chaque époque.
        if pos + BATCH > len(X_train):
            perm, pos = torch.randperm(len(X_train), generator=gen), 0
        idx = perm[pos:pos + BATCH]
        pos += BATCH
        model.train()
        loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % EVAL_EVERY == 0:
            # en: BN uses its running statistics.
            # fr: BN utilise ses statistiques mobiles.
            model.eval()
            with torch.no_grad():
                acc = (model(X_test).argmax(1) == y_test).float().mean().item()
            # en: One unit, over the test set.
            # fr: Une unité, sur le jeu de test.
            z = captured["z"][:, unit]
            steps.append(step)
            accs.append(acc)
            pcts.append(torch.quantile(z, torch.tensor([0.15, 0.50, 0.85])).tolist())
    return np.array(steps), np.array(accs), np.array(pcts)

steps, acc_plain, pct_plain = train(plain)
_, acc_bn, pct_bn = train(with_bn)

print(" step | no BN |  BN")
for s in (100, 250, 500, 1000, 2000, 3000):
    i = s // EVAL_EVERY - 1
    print(f"{s:5d} | {acc_plain[i]:.3f} | {acc_bn[i]:.3f}")

# en: Drift: how much each percentile curve moves over training (max - min), averaged.
# fr: Dérive : de combien chaque courbe de percentile bouge pendant l'entraînement (max - min), en moyenne.
drift_plain = (pct_plain.max(0) - pct_plain.min(0)).mean()
drift_bn = (pct_bn.max(0) - pct_bn.min(0)).mean()
print(f"percentile drift: no BN {drift_plain:.2f}, BN {drift_bn:.2f}")

# en: With BN: much faster learning, a higher final accuracy,
# en: and a sigmoid input that moves much less.
# fr: Avec BN : apprentissage bien plus rapide, exactitude finale plus haute,
# fr: et une entrée de sigmoïde qui bouge bien moins.
i500 = 500 // EVAL_EVERY - 1
assert acc_bn[i500] > acc_plain[i500] + 0.3
assert acc_bn[-1] > acc_plain[-1]
assert drift_plain > 2 * drift_bn
# endregion

# region: figure
fig, axes = plt.subplots(1, 3, figsize=(9, 3.1))
ax = axes[0]
ax.plot(steps, acc_plain, color="tab:orange", label="no BN")
ax.plot(steps, acc_bn, color="tab:blue", label="BN")
ax.set_ylim(0, 1)
ax.set_title("(a)")
ax.legend(loc="lower right")

# en: Same vertical scale for (b) and (c) so the drifts can be compared.
# fr: Même échelle verticale pour (b) et (c), pour comparer les dérives.
lo = min(pct_plain.min(), pct_bn.min()) - 0.3
hi = max(pct_plain.max(), pct_bn.max()) + 0.3
for ax, pct, title in [(axes[1], pct_plain, "(b) no BN"), (axes[2], pct_bn, "(c) BN")]:
    for k, (q, style) in enumerate(zip(("15", "50", "85"), ("--", "-", ":"))):
        ax.plot(steps, pct[:, k], "k" + style, label=f"$q_{{{q}}}$")
    ax.set_ylim(lo, hi)
    ax.set_title(title)
axes[2].legend(loc="lower center", ncol=3, handlelength=1.5, columnspacing=0.8, fontsize=10)
for ax in axes:
    ax.set_xlabel("t")
    ax.set_xticks([0, 1000, 2000, 3000])
    ax.grid(alpha=0.3)
fig.tight_layout()

# en: The (q_15, q_50, q_85) percentiles at the first and last evaluations.
# fr: Les percentiles (q_15, q_50, q_85) à la première et à la dernière évaluation.
for name, pct in [("no BN", pct_plain), ("BN", pct_bn)]:
    first, last = (" ".join(f"{v:+.2f}" for v in pct[i]) for i in (0, -1))
    print(f"{name:5s}: t={steps[0]}: {first}   t={steps[-1]}: {last}")
plt.show()
plt.close("all")
# endregion
