# region: setup
import torch
import torch.nn as nn

torch.manual_seed(0)
# en: One thread: the same rounding errors on every run.
# fr: Un seul thread : les mêmes erreurs d'arrondi à chaque exécution.
torch.set_num_threads(1)

# en: A "data stream": each training batch comes from the same distribution
# en: (4 features with means 3, -1, 0, 10 and standard deviations 2, 0.5, 1, 4).
# fr: Un « flux de données » : chaque lot d'entraînement vient de la même
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
            # fr: Variance biaisée (division par N) pour normaliser le lot.
            var = x.var(0, unbiased=False)
            with torch.no_grad():
                # en: Exponential moving average; the UNBIASED variance (N - 1) is stored.
                # fr: Moyenne glissante exponentielle ; on stocke la variance NON biaisée (N - 1).
                alpha = self.momentum
                self.running_mean.mul_(1 - alpha).add_(alpha * mean)
                self.running_var.mul_(1 - alpha).add_(alpha * var * n / (n - 1))
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
    # fr: Chaque passe avant en mode entraînement met à jour les statistiques glissantes.
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
    # fr: En mode évaluation, la BN est une fonction affine fixe de chaque caractéristique : plus aucune statistique du lot.
    expected = (x - ref.running_mean) / torch.sqrt(ref.running_var + ref.eps) * gamma + beta
    d_ref = (ref(x) - expected).abs().max().item()
    d_mine = (mine(x) - expected).abs().max().item()
    print(f"max |nn.BatchNorm1d.eval() - formula| = {d_ref:.1e}")
    print(f"max |MyBatchNorm1d.eval()  - formula| = {d_mine:.1e}")
    assert d_ref < 1e-5 and d_mine < 1e-5

    # en: Consequence: an example's output no longer depends on its batch mates.
    # fr: Conséquence : la sortie d'un exemple ne dépend plus de ses voisins de lot.
    alone = ref(x[:1])
    d_alone = (alone - ref(x)[:1]).abs().max().item()
    print(f"first example, alone vs in its batch: max diff = {d_alone:.1e}")
    assert d_alone < 1e-6

# en: In training mode, BatchNorm1d refuses a batch of one example: each feature would
# en: have a single value, hence a zero variance. BatchNorm2d accepts one image, since each
# en: channel still has H * W values.
# fr: En mode entraînement, BatchNorm1d refuse un lot d'un seul exemple : chaque
# fr: caractéristique n'aurait qu'une valeur, donc une variance nulle. BatchNorm2d accepte
# fr: une seule image, car chaque canal garde H * W valeurs.
ref.train()
try:
    ref(x[:1])
    message = None
except ValueError as error:
    message = str(error)
print("BatchNorm1d, train mode, batch of 1:", message)
image = torch.randn(1, 3, 5, 5)
print("BatchNorm2d, train mode, one 5x5 image:", tuple(nn.BatchNorm2d(3)(image).shape))
assert message is not None and message.startswith("Expected more than 1 value per channel")
# endregion

# region: forgotten_eval
from bn_common import accuracy, load_digits_tensors, make_mlp, train

data = load_digits_tensors()
X_train, y_train, X_test, y_test = data
# en: A ReLU perceptron with BN, trained 300 steps (Linear -> BN -> ReLU, no bias).
# fr: Un perceptron ReLU avec BN, entraîné 300 pas (Linear -> BN -> ReLU, sans biais).
model = make_mlp(bn="before", bias=False, seed=0)
train(model, data, steps=300, lr=0.1)
print(f"eval() mode:                     accuracy {accuracy(model, X_test, y_test):.3f}")

# en: The bug: predicting in training mode. The test set comes sorted by class, in
# en: batches of 30, so each batch holds one digit and BN subtracts that digit's mean.
# fr: Le bogue : prédire en mode entraînement. Le jeu de test arrive trié par classe, par
# fr: lots de 30 : chaque lot ne contient qu'un chiffre, et la BN lui retire sa moyenne.
def predict_in_train_mode(model, order, batch=30):
    model.train()
    with torch.no_grad():
        hits = sum((model(X_test[idx]).argmax(1) == y_test[idx]).sum().item()
                   for idx in order.split(batch))
    return hits / len(order)

by_class = torch.argsort(y_test, stable=True)
shuffled = torch.randperm(len(y_test), generator=torch.Generator().manual_seed(0))
acc_sorted = predict_in_train_mode(model, by_class)
acc_shuffled = predict_in_train_mode(model, shuffled)
print(f"train() mode, shuffled batches:  accuracy {acc_shuffled:.3f}")
print(f"train() mode, batches by class:  accuracy {acc_sorted:.3f}")
assert acc_sorted < 0.5 < accuracy(model, X_test, y_test) - 0.1
# endregion

# region: recalibrate
# en: Another model, trained for only 100 steps with momentum=0.001 (Keras's 0.999):
# en: its running statistics have not had time to converge.
# fr: Un autre modèle, entraîné 100 pas seulement avec momentum=0.001 (le 0.999 de Keras) :
# fr: ses statistiques glissantes n'ont pas eu le temps de converger.
model = make_mlp(bn="before", bias=False, seed=0, norm=lambda n: nn.BatchNorm1d(n, momentum=0.001))
train(model, data, steps=100, lr=0.1)
stale = accuracy(model, X_test, y_test)

# en: The recipe: forget the statistics, switch to a plain average (momentum=None),
# en: then run training data through in training mode, without gradients.
# fr: La recette : oublier les statistiques, passer à une moyenne simple (momentum=None),
# fr: puis faire passer des données d'entraînement en mode entraînement, sans gradient.
bn_layers = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
for bn in bn_layers:
    bn.reset_running_stats()
    bn.momentum = None
model.train()
with torch.no_grad():
    for idx in torch.arange(len(X_train)).split(60):
        model(X_train[idx])
fresh = accuracy(model, X_test, y_test)
print(f"stale running statistics:   accuracy {stale:.3f}")
print(f"recalibrated ({bn_layers[0].num_batches_tracked.item()} batches): accuracy {fresh:.3f}")
assert fresh > stale + 0.02
# endregion
