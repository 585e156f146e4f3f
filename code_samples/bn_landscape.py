# region: probe
import numpy as np
import torch
import torch.nn.functional as F
from torch.func import functional_call

from bn_common import load_digits_tensors, make_mlp, train

torch.manual_seed(0)
# en: One thread: bit-for-bit reproducible on CPU.
# fr: Un seul thread : reproductible au bit près sur CPU.
torch.set_num_threads(1)
data = load_digits_tensors()

# en: Loss and gradient of the model at parameters `params`, on one mini-batch.
# fr: Perte et gradient du modèle pour les paramètres `params`, sur un mini-lot.
def loss_and_grad(model, params, buffers, xb, yb):
    params = {k: v.detach().requires_grad_() for k, v in params.items()}
    loss = F.cross_entropy(functional_call(model, (params, buffers), (xb,)), yb)
    grads = torch.autograd.grad(loss, list(params.values()))
    return loss.item(), dict(zip(params, grads))

def flat(grads):
    return torch.cat([g.flatten() for g in grads.values()])

# en: Santurkar et al.'s measure: from the current point, move along the gradient by
# en: steps eta * g, and record the loss and how much the gradient changes.
# fr: La mesure de Santurkar et al. : depuis le point courant, avancer le long du gradient
# fr: par pas eta * g, et relever la perte et la variation du gradient.
ETAS = 0.1 * np.array([0.5, 1, 2, 4, 8])

def probe(model, xb, yb):
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.clone() for k, v in model.named_buffers()}
    loss0, g0 = loss_and_grad(model, params, buffers, xb, yb)
    losses, betas = [], []
    for eta in ETAS:
        moved = {k: params[k] - eta * g0[k] for k in params}
        loss, g = loss_and_grad(model, moved, buffers, xb, yb)
        losses.append(loss)
        # en: Change of the gradient per unit of distance travelled ("effective beta-smoothness").
        # fr: Variation du gradient par unité de distance parcourue (« beta-régularité effective »).
        betas.append((flat(g) - flat(g0)).norm().item() / (eta * flat(g0).norm().item()))
    return (loss0, *losses, max(betas))

# en: The 6-layer ReLU network of the learning-rate sweep, lr = 0.1 (where both train),
# en: probed every 15 steps during its first 300 steps, for 3 seeds.
# fr: Le réseau ReLU à 6 couches du balayage des taux d'apprentissage, lr = 0,1 (où les deux
# fr: apprennent), sondé tous les 15 pas pendant ses 300 premiers pas, pour 3 graines.
SEEDS, STEPS, EVERY = (0, 1, 2), 300, 15
probes = {}
for use_bn in (False, True):
    for seed in SEEDS:
        rows = []
        def on_step(step, model, xb, yb):
            if step % EVERY == 1:
                rows.append((step, *probe(model, xb, yb)))
        model = make_mlp(bn="before" if use_bn else "none", hidden=(100,) * 6, seed=seed, init="he")
        train(model, data, STEPS, 0.1, seed=seed, on_step=on_step)
        probes[use_bn, seed] = np.array(rows)

# en: Compared at equal training loss: both networks pass through the same loss levels.
# fr: Comparaison à perte d'entraînement égale : les deux réseaux passent par les mêmes niveaux.
levels = [(0.3, 3.0), (0.1, 0.3), (0.03, 0.1)]
print("median over the probes whose current loss lies in each range (3 seeds)")
print("loss range  | loss spread along g: no BN, BN, ratio | beta: no BN, BN")
medians = {}
for lo, hi in levels:
    row = []
    for use_bn in (False, True):
        p = np.concatenate([probes[use_bn, s] for s in SEEDS])
        inside = (p[:, 1] >= lo) & (p[:, 1] < hi)
        losses = p[inside, 2:-1]
        spread = losses.max(1) - losses.min(1)
        medians[use_bn, lo] = np.median(spread), np.median(p[inside, -1]), inside.sum()
    (s0, b0, n0), (s1, b1, n1) = medians[False, lo], medians[True, lo]
    print(f"{lo:4.2f}-{hi:4.2f}   | {s0:6.3f} {s1:6.3f} {s0 / s1:5.0f}x (n = {n0:2d}, {n1:2d}) | {b0:5.1f}  {b1:5.1f}")

# en: At every loss level, for BN: a loss spread along the gradient at least 5x smaller,
# en: and a gradient that changes less over the same distance (median over the probes).
# fr: À chaque niveau de perte, avec BN : un écart de perte le long du gradient au moins 5x
# fr: plus petit, et un gradient qui varie moins sur la même distance (médiane des sondages).
for lo, hi in levels:
    assert medians[True, lo][0] * 5 < medians[False, lo][0] and medians[True, lo][1] < medians[False, lo][1]
# endregion

# en: Run as a script, this sample draws its figures in both languages; the post draws
# en: each one from its own block, one per language.
# fr: Exécuté comme script, cet exemple trace ses figures dans les deux langues ; le billet
# fr: trace chacune depuis son propre bloc, un par langue.
from bn_plot import fig_landscape
for lang in ("fr", "en"):
    fig_landscape(probes, SEEDS, ETAS, lang=lang)
