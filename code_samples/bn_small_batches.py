# region: setup
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
# en: One thread: the same rounding errors on every run.
# fr: Un seul thread : les mêmes erreurs d'arrondi à chaque exécution.
torch.set_num_threads(1)

batch_sizes = [2, 4, 8, 16, 32, 64, 128, 256]
# en: Number of batches drawn per size.
# fr: Nombre de lots tirés par taille.
draws = 10_000
print("batch sizes:", batch_sizes, "| draws per size:", draws)
# endregion

# region: noise
# en: One feature whose true distribution has mean 0 and std 1. For each batch size,
# en: draw many batches and look at how much the batch estimates fluctuate.
# fr: Une caractéristique de vraie moyenne 0 et de vrai écart-type 1. Pour chaque taille
# fr: de lot, on tire de nombreux lots et on regarde combien les estimations fluctuent.
print(f"{'N':>4} | {'sd(mu_B)':>8} | {'x sqrt(N)':>9} | {'sd(sigma_B)':>11} | {'x sqrt(2N)':>10} | {'mean(sigma_B)':>13}")
std_mu, std_sigma, sigma_b_means = [], [], []
for n in batch_sizes:
    batches = torch.randn(draws, n)
    # en: Batch means, and batch standard deviations as BN computes them (divided by N).
    # fr: Moyennes de lot, et écarts-types de lot calculés comme la BN (division par N).
    mu_b = batches.mean(dim=1)
    sigma_b = batches.var(dim=1, unbiased=False).sqrt()
    std_mu.append(mu_b.std().item())
    std_sigma.append(sigma_b.std().item())
    sigma_b_means.append(sigma_b.mean().item())
    print(f"{n:4d} | {std_mu[-1]:8.3f} | {n**0.5 * std_mu[-1]:9.3f} | {std_sigma[-1]:11.3f} |"
          f" {(2 * n)**0.5 * std_sigma[-1]:10.3f} | {sigma_b_means[-1]:13.3f}")

# en: The noise of mu_B is exactly 1/sqrt(N): dividing the batch by 4 doubles it.
# fr: Le bruit de mu_B vaut exactement 1/sqrt(N) : diviser le lot par 4 le double.
assert all(abs(n**0.5 * s - 1.0) < 0.05 for n, s in zip(batch_sizes, std_mu))
# en: That of sigma_B approaches 1/sqrt(2N) only for large N; from N = 2 to 256 it
# en: shrinks less than sqrt(128).
# fr: Celui de sigma_B ne tend vers 1/sqrt(2N) que pour N grand ; de N = 2 à 256, il
# fr: diminue moins que sqrt(128).
ratio = std_sigma[0] / std_sigma[-1]
print(f"sd(sigma_B) from N = 2 to 256: divided by {ratio:.1f} (sqrt(128) = {128**0.5:.1f})")
assert all(abs((2 * n)**0.5 * s - 1.0) < 0.05 for n, s in zip(batch_sizes, std_sigma) if n >= 32)
assert ratio < 128**0.5 - 1
# en: And for tiny batches, sigma_B is biased: on average well below the true 1.
# fr: Et pour les tout petits lots, sigma_B est biaisé : en moyenne bien en dessous du vrai 1.
assert sigma_b_means[0] < 0.6 < 0.99 < sigma_b_means[-1]
# endregion

# region: layernorm
C = 6
x = torch.randn(8, C) * 2.0 + 1.0
other = x.clone()
# en: Same first example, different batch mates.
# fr: Même premier exemple, autres voisins de lot.
other[1:] = torch.randn(7, C) * 5.0 - 3.0

# en: Statistics over the batch (per feature).
# fr: Statistiques sur le lot (par caractéristique).
bn = nn.BatchNorm1d(C)
# en: Statistics over the features (per example).
# fr: Statistiques sur les caractéristiques (de chaque exemple).
ln = nn.LayerNorm(C)
# en: For each example, over groups of 3 features.
# fr: Pour chaque exemple, sur des groupes de 3 caractéristiques.
gn = nn.GroupNorm(2, C)

changes = {}
for name, layer in [("BatchNorm", bn), ("LayerNorm", ln), ("GroupNorm", gn)]:
    layer.train()
    with torch.no_grad():
        # en: Output for the first example, in the two batches.
        # fr: Sortie pour le premier exemple, dans les deux lots.
        changes[name] = (layer(x)[0] - layer(other)[0]).abs().max().item()
    print(f"{name}: first example's output changes by {changes[name]:.3f}")

# en: Only BN makes an example's output depend on the rest of the batch.
# fr: Seule la BN fait dépendre la sortie d'un exemple du reste du lot.
assert changes["BatchNorm"] > 0.1
assert changes["LayerNorm"] < 1e-6 and changes["GroupNorm"] < 1e-6
# endregion

# region: training
from bn_common import load_digits_tensors, make_mlp, train

data = load_digits_tensors()
# en: The same ReLU perceptron (3 hidden layers of 128 units, no bias before the
# en: normalization), with BN, GN with 32 groups (Wu and He's default: 4 units per group
# en: here) or one group (that is LN), trained 400 steps with small batches.
# fr: Le même perceptron ReLU (3 couches cachées de 128 unités, sans biais avant la
# fr: normalisation), avec BN, GN à 32 groupes (le choix par défaut de Wu et He : 4 unités
# fr: par groupe ici) ou à un groupe (c'est la LN), entraîné 400 pas sur de petits lots.
norms = {"BN": nn.BatchNorm1d, "GN, 32 groups": lambda n: nn.GroupNorm(32, n),
         "GN, 1 group (LN)": lambda n: nn.GroupNorm(1, n)}
sizes, seeds, steps = (2, 4, 8, 32), (0, 1, 2), 400
small_acc = {name: np.array([[train(make_mlp(bn="before", hidden=(128,) * 3, seed=s, norm=norm, bias=False),
                                    data, steps, lr=0.05, batch=b, seed=s)[steps] for s in seeds] for b in sizes])
             for name, norm in norms.items()}
print("test accuracy, mean over 3 seeds [min-max]")
print(f"{'batch':>5s}" + "".join(f" | {name[:16]:16s}" for name in norms))
for i, b in enumerate(sizes):
    print(f"{b:5d}" + "".join(f" | {a[i].mean():.2f} [{a[i].min():.2f}-{a[i].max():.2f}]" for a in small_acc.values()))

# en: For every seed: with 2 examples per batch BN fails where GN still learns; with 32,
# en: BN is as good as either GN.
# fr: Pour chaque graine : avec 2 exemples par lot, la BN échoue là où la GN apprend
# fr: encore ; avec 32, la BN vaut l'une ou l'autre GN.
bn, gn32, ln = small_acc.values()
assert bn[0].max() < 0.6 < 0.7 < min(gn32[0].min(), ln[0].min())
assert bn[-1].min() > max(gn32[-1].max(), ln[-1].max()) - 0.01
# en: And 32 groups of 4 units are the worst choice here as soon as BN has 4 examples.
# fr: Et 32 groupes de 4 unités sont ici le plus mauvais choix dès que la BN a 4 exemples.
assert all(gn32[i].mean() < min(bn[i].mean(), ln[i].mean()) for i in range(1, len(sizes)))
# endregion

# en: Run as a script, this sample draws its figures in both languages; the post draws
# en: each one from its own block, one per language.
# fr: Exécuté comme script, cet exemple trace ses figures dans les deux langues ; le billet
# fr: trace chacune depuis son propre bloc, un par langue.
from bn_plot import fig_norm_axes, fig_small_batches
fig_norm_axes()
for lang in ("fr", "en"):
    fig_small_batches(sizes, small_acc, lang=lang)
