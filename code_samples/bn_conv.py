# region: setup
import torch
import torch.nn as nn

torch.manual_seed(0)
# en: One thread: the same rounding errors on every run.
# fr: Un seul thread : les mêmes erreurs d'arrondi à chaque exécution.
torch.set_num_threads(1)

# en: A batch of feature maps, as produced by a convolution: (N, C, H, W).
# fr: Un lot de cartes de caractéristiques, comme en sortie d'une convolution : (N, C, H, W).
N, C, H, W = 8, 3, 5, 5
x = torch.randn(N, C, H, W) * 3.0 + 1.0
print("x.shape =", tuple(x.shape))
# endregion

# region: per_channel
def batchnorm2d_forward(x, gamma, beta, eps=1e-5):
    # en: One mean and one variance per CHANNEL, computed over the batch
    # en: AND over all spatial positions: N * H * W values each.
    # fr: Une moyenne et une variance par CANAL, calculées sur le lot
    # fr: ET sur toutes les positions spatiales : N * H * W valeurs chacune.
    mean = x.mean(dim=(0, 2, 3), keepdim=True)                 # (1, C, 1, 1)
    var = x.var(dim=(0, 2, 3), unbiased=False, keepdim=True)   # (1, C, 1, 1)
    x_hat = (x - mean) / torch.sqrt(var + eps)
    # en: gamma and beta: one scalar per channel, shared by every position.
    # fr: gamma et beta : un scalaire par canal, partagé par toutes les positions.
    return gamma.view(1, -1, 1, 1) * x_hat + beta.view(1, -1, 1, 1)

gamma, beta = torch.randn(C), torch.randn(C)
y = batchnorm2d_forward(x, gamma, beta)

bn = nn.BatchNorm2d(C)
with torch.no_grad():
    bn.weight.copy_(gamma)
    bn.bias.copy_(beta)
# en: Training mode by default.
# fr: Mode entraînement par défaut.
y_ref = bn(x)

print("values behind each channel's statistics:", N * H * W)
print("learned parameters (gamma, beta):", sum(p.numel() for p in bn.parameters()))
max_diff = (y - y_ref).abs().max().item()
print(f"max |ours - nn.BatchNorm2d| = {max_diff:.1e}")
assert max_diff < 1e-5

# en: Equivalent view: put channels last, flatten to (N*H*W, C), apply BatchNorm1d.
# fr: Vue équivalente : canaux en dernier, aplatir en (N*H*W, C), appliquer BatchNorm1d.
bn1d = nn.BatchNorm1d(C)
with torch.no_grad():
    bn1d.weight.copy_(gamma)
    bn1d.bias.copy_(beta)
flat = x.permute(0, 2, 3, 1).reshape(-1, C)
y_1d = bn1d(flat).reshape(N, H, W, C).permute(0, 3, 1, 2)
diff_1d = (y_1d - y_ref).abs().max().item()
print(f"max |BatchNorm1d on (N*H*W, C) - nn.BatchNorm2d| = {diff_1d:.1e}")
assert diff_1d < 1e-5
# endregion
