# region: invariance
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
# en: One thread: bit-for-bit reproducible on CPU.
# fr: Un seul thread : reproductible au bit près sur CPU.
torch.set_num_threads(1)

# en: A linear layer followed by BN (training mode), and some loss of its output.
# fr: Une couche linéaire suivie d'une BN (mode entraînement), et une perte de sa sortie.
x = torch.randn(64, 20)
W = torch.randn(5, 20) / 20**0.5
bn = nn.BatchNorm1d(5)
target = torch.randn(64, 5)

def loss_at(W):
    W = W.detach().requires_grad_()
    loss = ((bn(x @ W.T) - target) ** 2).mean()
    loss.backward()
    return bn(x @ W.T).detach(), W.grad

y, g = loss_at(W)
for a in (2.0, 10.0):
    y_a, g_a = loss_at(a * W)
    # en: Same output, and a gradient divided by a (as long as a^2 Var(Wx) >> eps).
    # fr: Même sortie, et un gradient divisé par a (tant que a^2 Var(Wx) >> eps).
    print(f"a = {a:4.1f}: max |BN(aWx) - BN(Wx)| = {(y_a - y).abs().max().item():.1e},"
          f"  |grad at aW| / |grad at W| = {g_a.norm().item() / g.norm().item():.4f}")
    assert (y_a - y).abs().max().item() < 1e-4 and abs(g_a.norm() / g.norm() - 1 / a) < 1e-3

# en: Each row w_i (the weights of one unit) is orthogonal to its gradient.
# fr: Chaque ligne w_i (les poids d'une unité) est orthogonale à son gradient.
cosines = F.cosine_similarity(W, g, dim=1)
print("cos(w_i, grad w_i) per unit:", " ".join(f"{c:+.1e}" for c in cosines.tolist()))
assert cosines.abs().max() < 1e-4

# en: And a bias before BN gets no gradient at all: the mean subtraction removes it.
# fr: Et un biais placé avant la BN ne reçoit aucun gradient : la soustraction de la moyenne l'efface.
linear = nn.Linear(20, 5)
((bn(linear(x)) - target) ** 2).mean().backward()
print(f"max |gradient of the bias before BN| = {linear.bias.grad.abs().max().item():.1e}"
      f"  (weights: {linear.weight.grad.abs().max().item():.1e})")
assert linear.bias.grad.abs().max() < 1e-6
# endregion

# region: weight_decay
from bn_common import batches, load_digits_tensors, make_mlp

X_train, y_train, X_test, y_test = load_digits_tensors()

# en: The 6-layer ReLU network with BN, trained 600 steps with lr = 0.1, except the linear
# en: weights that feed a BN layer (the scale-invariant ones): their own learning rate, and
# en: weight decay when present.
# fr: Le réseau ReLU à 6 couches avec BN, entraîné 600 pas avec lr = 0,1, sauf les poids
# fr: linéaires suivis d'une BN (ceux qui sont invariants d'échelle) : ils ont leur propre
# fr: taux d'apprentissage, et une pénalité L2 (weight decay) quand il y en a une.
STEPS = 600

def run(lr, weight_decay, seed=0):
    model = make_mlp(bn="before", hidden=(100,) * 6, seed=seed, init="he", bias=False)
    invariant = [m.weight for m in model[:-1] if isinstance(m, nn.Linear)]
    others = [p for p in model.parameters() if all(p is not w for w in invariant)]
    opt = torch.optim.SGD([{"params": invariant, "lr": lr, "weight_decay": weight_decay},
                           {"params": others}], lr=0.1)
    W3 = invariant[2]
    norms, effective, growth = [W3.detach().norm().item()], [(lr / W3.detach().norm(dim=1)**2).mean().item()], []
    for step, idx in zip(range(STEPS), batches(len(X_train), 60, seed)):
        model.train()
        loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
        opt.zero_grad()
        loss.backward()
        predicted = W3.detach().pow(2).sum().item() + lr**2 * W3.grad.pow(2).sum().item()
        opt.step()
        # en: Without decay, |W|^2 grows by exactly lr^2 |grad|^2 (the gradient is orthogonal).
        # fr: Sans pénalité, |W|^2 croît d'exactement lr^2 |grad|^2 (le gradient est orthogonal).
        growth.append(W3.detach().pow(2).sum().item() / predicted - 1)
        norms.append(W3.detach().norm().item())
        # en: Effective learning rate of a unit's direction: lr / |w_i|^2, averaged over units.
        # fr: Taux d'apprentissage effectif de la direction d'une unité : lr / |w_i|^2, en moyenne.
        effective.append((lr / W3.detach().norm(dim=1)**2).mean().item())
    model.eval()
    with torch.no_grad():
        acc = (model(X_test).argmax(1) == y_test).float().mean().item()
    return np.array(norms), np.array(effective), np.array(growth), acc

runs = {(0.1, 0.0): run(0.1, 0.0), (10.0, 0.0): run(10.0, 0.0), (0.1, 0.02): run(0.1, 0.02)}
print(" lr  decay | |W| at start, end | effective lr at start, end | accuracy")
for (lr, wd), (norms, effective, growth, acc) in runs.items():
    print(f"{lr:4.1f} {wd:5.2f} | {norms[0]:6.2f} {norms[-1]:6.2f}     | "
          f"{effective[0]:9.4f} {effective[-1]:9.4f}      | {acc:.3f}")

# en: Without decay, the norm only grows, exactly as predicted (up to float32 rounding).
# fr: Sans pénalité, la norme ne fait que croître, exactement comme prévu (aux arrondis float32 près).
gap = max(np.abs(runs[lr, 0.0][2]).max() for lr in (0.1, 10.0))
print(f"max relative gap between |W|^2 and |W|^2 + lr^2 |grad|^2 before the step: {gap:.1e}")
for lr in (0.1, 10.0):
    assert np.all(np.diff(runs[lr, 0.0][0]) >= -1e-6 * runs[lr, 0.0][0][1:]) and gap < 1e-4
# en: A 100x larger rate on those weights: the norm grows and absorbs part of it, and the
# en: network trains as well. Weight decay does the opposite: it shrinks the norm and
# en: raises the effective rate.
# fr: Un taux 100 fois plus grand sur ces poids : la norme grandit et en absorbe une partie,
# fr: et le réseau apprend aussi bien. La pénalité L2 fait l'inverse : elle réduit la norme
# fr: et augmente le taux effectif.
start, end = (runs[10.0, 0.0][1][i] / runs[0.1, 0.0][1][i] for i in (0, -1))
print(f"effective rate, lr 10 vs 0.1: x{start:.0f} at the start, x{end:.1f} at the end")
assert abs(start - 100) < 1e-3 and end < 50 and runs[10.0, 0.0][3] > runs[0.1, 0.0][3] - 0.02
decayed = runs[0.1, 0.02]
print(f"with weight decay: norm divided by {decayed[0][0] / decayed[0][-1]:.1f}, "
      f"effective rate multiplied by {decayed[1][-1] / decayed[1][0]:.1f}")
assert decayed[0][-1] < decayed[0][0] / 2 and decayed[1][-1] > 4 * decayed[1][0]
# endregion

# en: Run as a script, this sample draws its figures in both languages; the post draws
# en: each one from its own block, one per language.
# fr: Exécuté comme script, cet exemple trace ses figures dans les deux langues ; le billet
# fr: trace chacune depuis son propre bloc, un par langue.
from bn_plot import fig_scale
for lang in ("fr", "en"):
    fig_scale(runs, lang=lang)
