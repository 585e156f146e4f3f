# region: setup
import torch
import torch.nn as nn

torch.manual_seed(0)
# en: One thread: the same rounding errors on every run.
# fr: Un seul thread : les mêmes erreurs d'arrondi à chaque exécution.
torch.set_num_threads(1)

def warm_up(model, make_batch, n_batches=20):
    # en: A few training-mode passes so that BN has non-trivial running statistics,
    # en: then random gamma and beta, as after real training.
    # fr: Quelques passes en mode entraînement pour que la BN ait des statistiques glissantes
    # fr: non triviales, puis gamma et beta aléatoires, comme après un vrai entraînement.
    model.train()
    with torch.no_grad():
        for _ in range(n_batches):
            model(make_batch())
        bn = model[1]
        bn.weight.copy_(torch.randn_like(bn.weight))
        bn.bias.copy_(torch.randn_like(bn.bias))
    return model.eval()

linear_bn = warm_up(nn.Sequential(nn.Linear(10, 5), nn.BatchNorm1d(5)),
                    lambda: torch.randn(32, 10) * 2 + 1)
print(linear_bn)
# endregion

# region: fold
@torch.no_grad()
def fold_bn(weight, bias, bn):
    # en: In eval mode, BN(z) = (z - mean) * s + beta with s = gamma / sqrt(var + eps).
    # en: Multiply each output row of W by s, and fix the bias accordingly.
    # fr: En mode évaluation, BN(z) = (z - mean) * s + beta avec s = gamma / sqrt(var + eps).
    # fr: On multiplie chaque ligne de sortie de W par s et on corrige le biais.
    s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    # en: s has one entry per output unit / channel: reshape it to (out, 1, ...).
    # fr: s a une valeur par unité / canal de sortie : on le remet en forme (sortie, 1, ...).
    w_folded = weight * s.view(-1, *([1] * (weight.dim() - 1)))
    # en: A layer built with bias=False (the usual set-up before BN) has no bias: zero.
    # fr: Une couche construite avec bias=False (le cas habituel avant une BN) n'a pas de biais : zéro.
    if bias is None:
        bias = torch.zeros_like(bn.running_mean)
    b_folded = (bias - bn.running_mean) * s + bn.bias
    return w_folded, b_folded

lin, bn = linear_bn
# en: A single layer replaces the pair.
# fr: Une seule couche remplace la paire.
fused = nn.Linear(10, 5)
w, b = fold_bn(lin.weight, lin.bias, bn)
with torch.no_grad():
    fused.weight.copy_(w)
    fused.bias.copy_(b)

x = torch.randn(64, 10) * 2 + 1
with torch.no_grad():
    diff = (fused(x) - linear_bn(x)).abs().max().item()
print(f"Linear+BN vs folded Linear: max diff = {diff:.1e}")
assert diff < 1e-5

# en: Same thing for a convolution without bias, as it should be before BN: one scale
# en: per output channel; the folded convolution gets the bias.
# fr: Même chose pour une convolution sans biais, comme il se doit avant une BN : un facteur
# fr: par canal de sortie ; la convolution fusionnée reçoit le biais.
conv_bn = warm_up(nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8)),
                  lambda: torch.randn(4, 3, 16, 16) * 2 + 1)
conv, bn2d = conv_bn
fused_conv = nn.Conv2d(3, 8, 3, padding=1)
w, b = fold_bn(conv.weight, conv.bias, bn2d)
print("conv.bias:", conv.bias, "-> folded bias of shape", tuple(b.shape))
with torch.no_grad():
    fused_conv.weight.copy_(w)
    fused_conv.bias.copy_(b)

img = torch.randn(2, 3, 16, 16) * 2 + 1
with torch.no_grad():
    diff_conv = (fused_conv(img) - conv_bn(img)).abs().max().item()
print(f"Conv2d+BN vs folded Conv2d: max diff = {diff_conv:.1e}")
assert diff_conv < 1e-5
# endregion
