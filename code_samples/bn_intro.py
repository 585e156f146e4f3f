# region: sigmoid
import numpy as np

# en: Normalized values x_hat ~ N(0, 1), then y = gamma * x_hat + beta into a sigmoid.
# en: How linear is the sigmoid over the values it receives (R^2 of the best straight
# en: line), how steep on average, and how often saturated (output below 0.05 or above 0.95)?
# fr: Des valeurs normalisées x_hat ~ N(0, 1), puis y = gamma * x_hat + beta dans une sigmoïde.
# fr: À quel point la sigmoïde est-elle linéaire sur les valeurs qu'elle reçoit (R^2 de la
# fr: meilleure droite), quelle est sa pente moyenne, et combien de sorties sont saturées
# fr: (sous 0,05 ou au-dessus de 0,95) ?
rng = np.random.default_rng(0)
x_hat = rng.standard_normal(100_000)

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

settings = [(1.0, 0.0), (4.0, 0.0), (1.0, 3.0)]
for gamma, beta in settings:
    y = gamma * x_hat + beta
    s = sigmoid(y)
    slope, intercept = np.polyfit(y, s, 1)
    r2 = 1 - np.var(s - (slope * y + intercept)) / np.var(s)
    saturated = np.mean((s < 0.05) | (s > 0.95))
    print(f"gamma = {gamma:.0f}, beta = {beta:.0f}: R^2 of a straight line = {r2:.3f}, "
          f"mean slope = {np.mean(s * (1 - s)):.3f}, saturated = {saturated:.1%}")
    if (gamma, beta) == (1.0, 0.0):
        assert r2 > 0.98 and saturated < 0.01
    else:
        assert r2 < 0.85 and saturated > 0.4
# endregion


# region: paper
# en: Ioffe and Szegedy (2015), Figure 3: steps to reach Inception's best validation
# en: accuracy (72.2 %), and the best accuracy reached; BN-x5-Sigmoid never reaches 72.2 %.
# fr: Ioffe et Szegedy (2015), figure 3 : pas nécessaires pour atteindre la meilleure
# fr: exactitude de validation d'Inception (72,2 %), et meilleure exactitude atteinte ;
# fr: BN-x5-Sigmoid n'atteint jamais 72,2 %.
paper = {"Inception": (31.0e6, 72.2), "BN-Baseline": (13.3e6, 72.7), "BN-x5": (2.1e6, 73.0),
         "BN-x30": (2.7e6, 74.8), "BN-x5-Sigmoid": (None, 69.8)}
for name, (steps, best) in paper.items():
    if steps is None:
        speed = "never reaches 72.2 %"
    else:
        fewer = paper["Inception"][0] / steps
        speed = f"{steps / 1e6:4.1f} M steps" + (f", {fewer:4.1f}x fewer" if name != "Inception" else "")
    print(f"{name:13s} | {speed:26s} | best {best:.1f} %")
# endregion


# region: conditioning
# en: Why normalize the inputs at all: least squares on two correlated features, the second
# en: one offset and ten times wider, fitted by gradient descent with a learning rate of
# en: 1 / (largest curvature), the largest that is safe in every direction.
# fr: Pourquoi normaliser les entrées : des moindres carrés sur deux caractéristiques corrélées,
# fr: la seconde décalée et dix fois plus étalée, ajustés par descente de gradient avec un taux
# fr: de 1 / (plus grande courbure), le plus grand qui soit sûr dans toutes les directions.
n = 500
z1, z2 = rng.standard_normal(n), rng.standard_normal(n)
X_raw = np.column_stack([z1, 5.0 + 10.0 * (0.5 * z1 + 0.75**0.5 * z2)])
w_true = np.array([2.0, -0.3])
t = X_raw @ w_true + rng.normal(0.0, 0.5, n)

def descend(X, t, steps=2000):
    X1 = np.column_stack([X, np.ones(len(X))])          # en: with a bias / fr: avec un biais
    H = X1.T @ X1 / len(X)                               # en: Hessian of the loss / fr: hessienne de la perte
    lr = 1.0 / np.linalg.eigvalsh(H).max()
    w_best = np.linalg.lstsq(X1, t, rcond=None)[0]
    best = np.mean((X1 @ w_best - t) ** 2) / 2
    w, path, reached = np.zeros(3), [np.zeros(3)], None
    for step in range(1, steps + 1):
        w = w - lr * X1.T @ (X1 @ w - t) / len(X)
        path.append(w)
        if reached is None and np.mean((X1 @ w - t) ** 2) / 2 - best < 1e-3 * best:
            reached = step
    return np.linalg.cond(H), reached, np.array(path), w_best

X_std = (X_raw - X_raw.mean(0)) / X_raw.std(0)
conditioning = {}
for name, X in (("raw", X_raw), ("standardized", X_std)):
    cond, reached, path, w_best = descend(X, t)
    conditioning[name] = (X, path, w_best, cond, reached)
    print(f"{name:12s}: condition number {cond:4.0f}, steps to within 0.1 % of the best loss: {reached}")
assert descend(X_raw, t)[1] > 20 * descend(X_std, t)[1]
# endregion

# en: Run as a script, this sample draws its figures in both languages; the post draws
# en: each one from its own block, one per language.
# fr: Exécuté comme script, cet exemple trace ses figures dans les deux langues ; le billet
# fr: trace chacune depuis son propre bloc, un par langue.
from bn_plot import fig_conditioning, fig_paper, fig_sigmoid
fig_sigmoid(x_hat, settings)
for lang in ("fr", "en"):
    fig_paper(paper, lang=lang)
    fig_conditioning(conditioning, t, lang=lang)
