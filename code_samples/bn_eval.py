# region: setup
import torch
import torch.nn as nn

torch.manual_seed(0)
# en: One thread: the same rounding errors on every run.
# fr: Un seul thread : les mêmes erreurs d'arrondi à chaque exécution.
torch.set_num_threads(1)

# en: A "data stream": each training batch comes from the same distribution
# en: (4 features with means 3, -1, 0, 10 and standard deviations 2, 0.5, 1, 4).
# fr: Un « flux de données » : chaque batch d'entraînement vient de la même
# fr: distribution (4 caractéristiques de moyennes 3, -1, 0, 10 et d'écarts-types 2, 0.5, 1, 4).
C = 4
true_mean = torch.tensor([3.0, -1.0, 0.0, 10.0])
true_std = torch.tensor([2.0, 0.5, 1.0, 4.0])

def fmt(t):
    return " ".join(f"{v:7.3f}" for v in t.tolist())

def sample_batch(n=16):
    return torch.randn(n, C) * true_std + true_mean

print("true mean:", fmt(true_mean))
print("true var: ", fmt(true_std**2))
# endregion

# region: running_stats
class MyBatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))   # gamma
        self.bias = nn.Parameter(torch.zeros(num_features))    # beta
        # en: Buffers: saved with the model, but not trained by gradient descent.
        # fr: Buffers : sauvegardés avec le modèle, mais pas appris par descente de gradient.
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x):
        if self.training:
            n = x.shape[0]
            mean = x.mean(0)
            # en: Biased variance (divide by N) to normalize the batch.
            # fr: Variance biaisée (division par N) pour normaliser le batch.
            var = x.var(0, unbiased=False)
            with torch.no_grad():
                # en: Exponential moving average; the UNBIASED variance (N - 1) is stored.
                # fr: Moyenne mobile exponentielle ; on stocke la variance NON biaisée (N - 1).
                m = self.momentum
                self.running_mean.mul_(1 - m).add_(m * mean)
                self.running_var.mul_(1 - m).add_(m * var * n / (n - 1))
        else:
            mean, var = self.running_mean, self.running_var
        x_hat = (x - mean) / torch.sqrt(var + self.eps)
        return self.weight * x_hat + self.bias

# en: PyTorch's default momentum is also 0.1.
# fr: Le momentum par défaut de PyTorch vaut aussi 0,1.
mine, ref = MyBatchNorm1d(C), nn.BatchNorm1d(C)
mine.train(); ref.train()
for step in range(1, 51):
    # en: Each forward pass in training mode updates the running statistics.
    # fr: Chaque passe avant en mode entraînement met à jour les statistiques mobiles.
    x = sample_batch()
    mine(x)
    ref(x)
    if step in (1, 10, 50):
        print(f"batch {step:2d}: running_mean =", fmt(mine.running_mean))
        print("          running_var  =", fmt(mine.running_var))

diff_mean = (mine.running_mean - ref.running_mean).abs().max().item()
diff_var = (mine.running_var - ref.running_var).abs().max().item()
print(f"max |running_mean - PyTorch| = {diff_mean:.1e}")
print(f"max |running_var  - PyTorch| = {diff_var:.1e}")
print("PyTorch's batch counter:", ref.num_batches_tracked.item())
assert diff_mean < 1e-5 and diff_var < 1e-5
# endregion

# region: eval_mode
mine.eval(); ref.eval()
with torch.no_grad():
    # en: Give gamma and beta some non-trivial values, in both modules.
    # fr: Donnons à gamma et beta des valeurs non triviales, dans les deux modules.
    gamma, beta = torch.randn(C), torch.randn(C)
    for m in (mine, ref):
        m.weight.copy_(gamma)
        m.bias.copy_(beta)

    x = sample_batch(5)
    # en: In eval mode, BN is a fixed affine map per feature: no batch statistics at all.
    # fr: En mode évaluation, BN est une application affine fixe par caractéristique : plus aucune statistique du batch.
    expected = (x - ref.running_mean) / torch.sqrt(ref.running_var + ref.eps) * gamma + beta
    d_ref = (ref(x) - expected).abs().max().item()
    d_mine = (mine(x) - expected).abs().max().item()
    print(f"max |nn.BatchNorm1d.eval() - formula| = {d_ref:.1e}")
    print(f"max |MyBatchNorm1d.eval()  - formula| = {d_mine:.1e}")
    assert d_ref < 1e-5 and d_mine < 1e-5

    # en: Consequence: an example's output no longer depends on its batch mates.
    # fr: Conséquence : la sortie d'un exemple ne dépend plus de ses voisins de batch.
    alone = ref(x[:1])
    d_alone = (alone - ref(x)[:1]).abs().max().item()
    print(f"first example, alone vs in its batch: max diff = {d_alone:.1e}")
    assert d_alone < 1e-6
    # en: Whereas in training mode, a batch of one example cannot even be normalized.
    # fr: Alors qu'en mode entraînement, un batch d'un seul exemple ne peut même pas être normalisé.
    ref.train()
    try:
        ref(x[:1])
        raised = False
    except ValueError:
        raised = True
    print("train mode, batch of 1 -> ValueError:", raised)
    assert raised
# endregion
