# region: setup
import torch
import torch.nn as nn

torch.manual_seed(0)
# en: One thread: the same rounding errors on every run.
# fr: Un seul thread : les mêmes erreurs d'arrondi à chaque exécution.
torch.set_num_threads(1)

batch_sizes = [2, 4, 8, 16, 32, 64, 128, 256]
# en: Number of batches drawn per size.
# fr: Nombre de batches tirés par taille.
draws = 10_000
print("batch sizes:", batch_sizes, "| draws per size:", draws)
# endregion

# region: noise
# en: One feature whose true distribution has mean 0 and std 1. For each batch size,
# en: draw many batches and look at how much the batch estimates fluctuate.
# fr: Une caractéristique de vraie moyenne 0 et de vrai écart-type 1. Pour chaque taille
# fr: de batch, on tire de nombreux batches et on regarde combien les estimations fluctuent.
print(f"{'N':>4} | {'std(mu_B)':>9} | {'sqrt(N)*std(mu_B)':>17} | {'std(sigma_B)':>12} | {'mean(sigma_B)':>13}")
std_mu, std_sigma, sigma_b_means = [], [], []
for n in batch_sizes:
    batches = torch.randn(draws, n)
    # en: Batch means.
    # fr: Moyennes de batch.
    mu_b = batches.mean(dim=1)
    # en: Batch stds, as BN computes them.
    # fr: Écarts-types de batch, comme BN.
    sigma_b = batches.var(dim=1, unbiased=False).sqrt()
    std_mu.append(mu_b.std().item())
    std_sigma.append(sigma_b.std().item())
    sigma_b_means.append(sigma_b.mean().item())
    print(f"{n:4d} | {std_mu[-1]:9.3f} | {n**0.5 * std_mu[-1]:17.3f} | {std_sigma[-1]:12.3f} | {sigma_b_means[-1]:13.3f}")

# en: The noise decreases with N, like 1/sqrt(N): dividing the batch by 4 doubles it.
# fr: Le bruit diminue avec N, comme 1/sqrt(N) : diviser le batch par 4 le double.
assert all(a > b for a, b in zip(std_mu, std_mu[1:]))
assert all(a > b for a, b in zip(std_sigma, std_sigma[1:]))
assert all(abs(n**0.5 * s - 1.0) < 0.05 for n, s in zip(batch_sizes, std_mu))
# en: And for tiny batches, sigma_B is also biased: on average well below the true 1
# en: (last column).
# fr: Et pour les tout petits batches, sigma_B est en plus biaisé : en moyenne bien en dessous
# fr: du vrai 1 (dernière colonne).
assert sigma_b_means[0] < 0.6 < 0.99 < sigma_b_means[-1]
# endregion

# region: layernorm
C = 6
x = torch.randn(8, C) * 2.0 + 1.0
other = x.clone()
# en: Same first example, different batch mates.
# fr: Même premier exemple, autres voisins.
other[1:] = torch.randn(7, C) * 5.0 - 3.0

# en: Statistics over the batch (per feature).
# fr: Statistiques sur le batch (par caractéristique).
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
        # fr: Sortie pour le premier exemple, dans les deux batches.
        changes[name] = (layer(x)[0] - layer(other)[0]).abs().max().item()
    print(f"{name}: first example's output changes by {changes[name]:.3f}")

# en: Only BN makes an example's output depend on the rest of the batch.
# fr: Seule BN rend la sortie d'un exemple dépendante du reste du batch.
assert changes["BatchNorm"] > 0.1
assert changes["LayerNorm"] < 1e-6 and changes["GroupNorm"] < 1e-6
# endregion
