# region: setup
import numpy as np
import torch

from bn_common import load_digits_tensors, make_mlp, mean_std, train

torch.manual_seed(0)
np.random.seed(0)
# en: One thread: bit-for-bit reproducible on CPU.
# fr: Un seul thread : reproductible au bit près sur CPU.
torch.set_num_threads(1)

# en: Same digits split as bn_experiment.py.
# fr: Même découpage que bn_experiment.py.
data = load_digits_tensors()
print("train:", tuple(data[0].shape), "test:", tuple(data[2].shape))
# en: One hidden block of each variant:
# fr: Un bloc caché de chaque variante :
for variant in ("none", "before", "after"):
    block = make_mlp(bn=variant, hidden=(100,))[:-1]
    print(f"{variant:6s}:", " -> ".join(type(m).__name__ for m in block))
# endregion

# region: compare
SEEDS = range(5)
STEPS, LR, EARLY = 600, 0.1, 100

# en: Same 3-hidden-layer ReLU MLP, three variants; for each seed the three
# en: variants start from the same weights and see the same mini-batches.
# fr: Même MLP ReLU à 3 couches cachées, trois variantes ; pour chaque graine, les trois
# fr: variantes partent des mêmes poids et voient les mêmes mini-lots.
results = {}
for variant in ("none", "before", "after"):
    runs = [train(make_mlp(bn=variant, seed=s), data, STEPS, LR, seed=s, eval_at=(EARLY,))
            for s in SEEDS]
    results[variant] = {step: [r[step] for r in runs] for step in (EARLY, STEPS)}

labels = {"none": "no BN", "before": "Linear-BN-ReLU", "after": "Linear-ReLU-BN"}
print(f"{'':15s} | {'step ' + str(EARLY):>15s} | {'step ' + str(STEPS):>15s}")
for variant, accs in results.items():
    cells = [f"{m:.3f} ± {s:.3f}" for m, s in (mean_std(accs[EARLY]), mean_std(accs[STEPS]))]
    print(f"{labels[variant]:15s} | {cells[0]:>15s} | {cells[1]:>15s}")

# en: Robust: with BN, either placement learns much faster than without.
# fr: Robuste : avec BN, quel que soit l'emplacement, on apprend bien plus vite que sans.
for variant in ("before", "after"):
    assert min(results[variant][EARLY]) > max(results["none"][EARLY])
    assert mean_std(results[variant][STEPS])[0] > 0.97
# en: Before vs after: for each seed both variants start from the same weights and see the
# en: same batches, so compare them seed by seed. The yardsticks: the standard error of the
# en: mean difference, and one test image (1/540).
# fr: Avant ou après : pour chaque graine, les deux variantes partent des mêmes poids et voient
# fr: les mêmes lots ; on les compare donc graine par graine. Les étalons : l'erreur type de la
# fr: différence moyenne, et une image de test (1/540).
diffs = np.array(results["before"][STEPS]) - np.array(results["after"][STEPS])
stderr = diffs.std(ddof=1) / len(diffs) ** 0.5
one_image = 1 / len(data[3])
print("before - after, per seed:", " ".join(f"{d:+.4f}" for d in diffs))
print(f"mean {diffs.mean():+.4f}, standard error {stderr:.4f}, one test image = {one_image:.4f}")
assert abs(diffs.mean()) < 2 * stderr and abs(diffs.mean()) < one_image
# endregion
