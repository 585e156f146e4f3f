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
# fr: Un mini-lot de N = 32 exemples à C = 4 caractéristiques dont
# fr: les moyennes et les échelles n'ont rien en commun.
N, C = 32, 4
x = torch.randn(N, C) * torch.tensor([1.0, 5.0, 0.5, 2.0]) + torch.tensor([0.0, 10.0, -3.0, 4.0])

print("mean per feature:", fmt(x.mean(0)))
print("std  per feature:", fmt(x.std(0)))
# endregion

# region: forward
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    # en: Statistics of the mini-batch, one per feature (over dim 0).
    # fr: Statistiques du mini-lot, une par caractéristique (sur la dimension 0).
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
# fr: Avant gamma et beta, chaque caractéristique a une moyenne nulle et une variance 1 sur le lot.
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

# en: The compact formula of the text: remove from g its batch mean and its component along x_hat.
# fr: La formule compacte du texte : on retire à g sa moyenne sur le lot et sa composante selon x_hat.
def batchnorm_backward_compact(dy, x, gamma, eps=1e-5):
    n = x.shape[0]
    inv_std = 1.0 / torch.sqrt(x.var(dim=0, unbiased=False) + eps)
    x_hat = (x - x.mean(dim=0)) * inv_std
    return gamma * inv_std / n * (n * dy - dy.sum(0) - x_hat * (dy * x_hat).sum(0))

# en: Our backward pass plugged into autograd: PyTorch will call it instead of its own.
# fr: Notre passe arrière branchée dans autograd : PyTorch l'appellera à la place de la sienne.
class BatchNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, gamma, beta):
        ctx.save_for_backward(x, gamma)
        return batchnorm_forward(x, gamma, beta)

    @staticmethod
    def backward(ctx, dy):
        x, gamma = ctx.saved_tensors
        return batchnorm_backward(dy, x, gamma)

# en: Reference: autograd differentiating our forward pass, for an arbitrary upstream gradient dy.
# fr: Référence : autograd qui dérive notre passe avant, pour un gradient amont dy quelconque.
dy = torch.randn(N, C)
ref = [t.clone().requires_grad_() for t in (x, gamma, beta)]
batchnorm_forward(*ref).backward(dy)
ours = [t.clone().requires_grad_() for t in (x, gamma, beta)]
BatchNormFunction.apply(*ours).backward(dy)
for name, a, b in zip(("dx", "dgamma", "dbeta"), ours, ref):
    diff = (a.grad - b.grad).abs().max().item()
    print(f"max |{name:6s} (ours) - autograd| = {diff:.1e}")
    assert diff < 1e-5

dx = ours[0].grad
diff_compact = (batchnorm_backward_compact(dy, x, gamma) - dx).abs().max().item()
print(f"max |compact formula - step by step| = {diff_compact:.1e}")
assert diff_compact < 1e-5

# en: Two properties, per feature: dx sums to zero over the batch, and is orthogonal to x_hat
# en: (cosine between the two vectors) up to epsilon: exactly so in float64 with eps = 0.
# fr: Deux propriétés, par caractéristique : dx est de somme nulle sur le lot, et orthogonal
# fr: à x_hat (cosinus entre les deux vecteurs) au epsilon près : exactement en float64 avec eps = 0.
def cosine_with_x_hat(x, dy, eps):
    dx = batchnorm_backward(dy, x, gamma.to(x.dtype), eps)[0]
    x_hat = (x - x.mean(0)) / torch.sqrt(x.var(0, unbiased=False) + eps)
    return torch.nn.functional.cosine_similarity(dx, x_hat, dim=0).abs().max().item()

sums = dx.sum(0).abs().max().item()
cos_eps, cos_exact = cosine_with_x_hat(x, dy, 1e-5), cosine_with_x_hat(x.double(), dy.double(), 0.0)
print(f"max |sum of dx over the batch| = {sums:.1e}   (|dx| is about {dx.abs().mean().item():.2f})")
print(f"max |cos(dx, x_hat)| = {cos_eps:.1e} with eps = 1e-5, {cos_exact:.1e} with eps = 0 (float64)")
print(f"eps / smallest batch variance = {1e-5 / x.var(0, unbiased=False).min().item():.1e}")
assert sums < 1e-5 and cos_eps < 1e-4 and cos_exact < 1e-12

# en: gradcheck calls OUR backward (through BatchNormFunction) and compares it with finite
# en: differences of the forward pass, in float64.
# fr: gradcheck appelle NOTRE passe arrière (via BatchNormFunction) et la compare aux
# fr: différences finies de la passe avant, en float64.
inputs = tuple(t.double().requires_grad_() for t in (x, gamma, beta))
ok = torch.autograd.gradcheck(BatchNormFunction.apply, inputs, eps=1e-6, atol=1e-5)
print("gradcheck of the hand-written backward:", ok)
assert ok

# en: It is a real test: a backward that forgets the term along x_hat fails it.
# fr: C'est un vrai test : une passe arrière qui oublie le terme selon x_hat échoue.
class Forgetful(BatchNormFunction):
    @staticmethod
    def backward(ctx, dy):
        x, gamma = ctx.saved_tensors
        inv_std = 1.0 / torch.sqrt(x.var(dim=0, unbiased=False) + 1e-5)
        x_hat = (x - x.mean(dim=0)) * inv_std
        return gamma * inv_std * (dy - dy.mean(0)), (dy * x_hat).sum(0), dy.sum(0)

caught = torch.autograd.gradcheck(Forgetful.apply, inputs, eps=1e-6, atol=1e-5, raise_exception=False)
print("gradcheck of a wrong backward:", caught)
assert not caught
# endregion
