# region: sweep
import numpy as np
import torch

from bn_common import load_digits_tensors, make_mlp, train

torch.manual_seed(0)
# en: One thread: bit-for-bit reproducible on CPU.
# fr: Un seul thread : reproductible au bit près sur CPU.
torch.set_num_threads(1)
data = load_digits_tensors()

# en: A deeper ReLU perceptron: 6 hidden layers of 100 units, He initialization (made for
# en: ReLU, so the network without BN starts well too), 250 steps of plain SGD with
# en: batches of 60. Seven learning rates from 0.01 to 10, three seeds each.
# fr: Un perceptron ReLU plus profond : 6 couches cachées de 100 unités, initialisation de He
# fr: (faite pour la ReLU : le réseau sans BN démarre bien, lui aussi), 250 pas de SGD simple
# fr: sur des lots de 60. Sept taux d'apprentissage de 0,01 à 10, trois graines chacun.
LRS, SEEDS, STEPS = np.logspace(-2, 1, 7), (0, 1, 2), 250

def deep_mlp(use_bn, seed):
    return make_mlp(bn="before" if use_bn else "none", hidden=(100,) * 6, seed=seed, init="he")

sweep = {use_bn: np.array([[train(deep_mlp(use_bn, s), data, STEPS, lr, seed=s)[STEPS] for s in SEEDS]
                           for lr in LRS]) for use_bn in (False, True)}

def cell(accs):
    # en: NaN: the loss overflowed, training diverged.
    # fr: NaN : la perte a débordé, l'entraînement a divergé.
    if np.isnan(accs).all():
        return "diverged"
    return f"{np.nanmean(accs):.2f}" + (f" ({np.isnan(accs).sum()} div.)" if np.isnan(accs).any() else "")

print(f"test accuracy after {STEPS} steps, mean over 3 seeds")
print("    lr | no BN    | BN")
for lr, plain, bn in zip(LRS, sweep[False], sweep[True]):
    print(f"{lr:6.2f} | {cell(plain):8s} | {cell(bn)}")

# en: The largest learning rate at which every seed learns (test accuracy above 0.8).
# fr: Le plus grand taux d'apprentissage auquel chaque graine apprend (exactitude de test au-delà de 0,8).
def largest_ok(accs):
    ok = np.nan_to_num(accs, nan=0.0).min(axis=1) > 0.8
    return LRS[ok].max()

top_plain, top_bn = largest_ok(sweep[False]), largest_ok(sweep[True])
print(f"largest learning rate with every seed above 0.8: no BN {top_plain:.2f}, BN {top_bn:.2f}")
assert top_bn >= 10 * top_plain * 0.99
# en: And without BN, training diverges for every seed from lr = 1 on.
# fr: Et sans BN, l'entraînement diverge pour toutes les graines dès lr = 1.
assert np.isnan(sweep[False][LRS >= 1]).all()
# endregion

# en: Run as a script, this sample draws its figures in both languages; the post draws
# en: each one from its own block, one per language.
# fr: Exécuté comme script, cet exemple trace ses figures dans les deux langues ; le billet
# fr: trace chacune depuis son propre bloc, un par langue.
from bn_plot import fig_lr_sweep
for lang in ("fr", "en"):
    fig_lr_sweep(LRS, sweep, lang=lang)
