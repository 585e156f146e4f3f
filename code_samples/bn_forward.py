# region: setup
import torch
import torch.nn as nn

torch.manual_seed(0)
# en: One thread: the same rounding errors on every run.
# fr: Un seul thread : les mêmes erreurs d'arrondi à chaque exécution.
torch.set_num_threads(1)

def fmt(t):
    return " ".join(f"{v:7.3f}" for v in t.tolist())

# en: A mini-batch of N = 32 examples with C = 4 features whose
# en: means and scales have nothing in common.
# fr: Un mini-batch de N = 32 exemples à C = 4 caractéristiques dont
# fr: les moyennes et les échelles n'ont rien en commun.
N, C = 32, 4
x = torch.randn(N, C) * torch.tensor([1.0, 5.0, 0.5, 2.0]) + torch.tensor([0.0, 10.0, -3.0, 4.0])

print("mean per feature:", fmt(x.mean(0)))
print("std  per feature:", fmt(x.std(0)))
# endregion

# region: forward
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    # en: Statistics of the mini-batch, one per feature (over dim 0).
    # fr: Statistiques du mini-batch, une par caractéristique (sur la dimension 0).
    mu = x.mean(dim=0)
    # en: Biased variance (divide by N).
    # fr: Variance biaisée (division par N).
    var = x.var(dim=0, unbiased=False)
    # en: Normalize, then scale and shift with the learned parameters.
    # fr: On normalise, puis on remet à l'échelle et on décale avec les paramètres appris.
    x_hat = (x - mu) / torch.sqrt(var + eps)
    return gamma * x_hat + beta

gamma = torch.randn(C)
beta = torch.randn(C)
y = batchnorm_forward(x, gamma, beta)

# en: Reference: PyTorch's BatchNorm1d in training mode, with the same gamma and beta.
# fr: Référence : le BatchNorm1d de PyTorch en mode entraînement, avec les mêmes gamma et beta.
bn = nn.BatchNorm1d(C, eps=1e-5)
with torch.no_grad():
    bn.weight.copy_(gamma)
    bn.bias.copy_(beta)
bn.train()
y_ref = bn(x)

# en: Before gamma and beta, each feature has mean 0 and variance 1 over the batch.
# fr: Avant gamma et beta, chaque caractéristique a une moyenne nulle et une variance 1 sur le batch.
x_hat = (x - x.mean(0)) / torch.sqrt(x.var(0, unbiased=False) + 1e-5)
print("|mean| of x_hat:", fmt(x_hat.mean(0).abs()))
print("std    of x_hat:", fmt(x_hat.std(0, unbiased=False)))
max_diff = (y - y_ref).abs().max().item()
print(f"max |ours - nn.BatchNorm1d| = {max_diff:.1e}")
# en: Identical up to float32 rounding (a few units in the last place).
# fr: Identiques aux arrondis float32 près (quelques unités sur le dernier chiffre).
assert max_diff < 1e-5
# endregion

# region: backward
def batchnorm_backward(dy, x, gamma, eps=1e-5):
    # en: Recompute what the forward pass computed.
    # fr: On recalcule ce que la passe avant a calculé.
    n = x.shape[0]
    mu = x.mean(dim=0)
    var = x.var(dim=0, unbiased=False)
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    # en: Chain rule, following the formulas of the paper (section 3).
    # fr: Dérivation en chaîne, selon les formules de l'article (section 3).
    dx_hat = dy * gamma
    dvar = (dx_hat * (x - mu)).sum(0) * -0.5 * inv_std**3
    dmu = -(dx_hat * inv_std).sum(0) + dvar * (-2.0 * (x - mu)).mean(0)
    dx = dx_hat * inv_std + dvar * 2.0 * (x - mu) / n + dmu / n
    dgamma = (dy * x_hat).sum(0)
    dbeta = dy.sum(0)
    return dx, dgamma, dbeta

# en: Autograd on the from-scratch forward, with an arbitrary upstream gradient dy.
# fr: Autograd sur notre passe avant, avec un gradient amont dy quelconque.
xr = x.clone().requires_grad_()
gr = gamma.clone().requires_grad_()
br = beta.clone().requires_grad_()
dy = torch.randn(N, C)
batchnorm_forward(xr, gr, br).backward(dy)

dx, dgamma, dbeta = batchnorm_backward(dy, x, gamma)
for name, ours, auto in [("dx", dx, xr.grad), ("dgamma", dgamma, gr.grad), ("dbeta", dbeta, br.grad)]:
    diff = (ours - auto).abs().max().item()
    print(f"max |{name:6s} - autograd| = {diff:.1e}")
    assert diff < 1e-5

# en: A useful property: the gradient dx sums to zero over the batch, for each feature.
# fr: Propriété utile : pour chaque caractéristique, le gradient dx est de somme nulle sur le batch.
print(f"max |sum of dx over the batch| = {dx.sum(0).abs().max().item():.1e}")

# en: Numerical check in float64 (finite differences vs analytic gradients).
# fr: Vérification numérique en float64 (différences finies contre gradients analytiques).
inputs = (x.double().requires_grad_(), gamma.double().requires_grad_(), beta.double().requires_grad_())
ok = torch.autograd.gradcheck(batchnorm_forward, inputs, eps=1e-6, atol=1e-4)
print("gradcheck:", ok)
assert ok
# endregion
