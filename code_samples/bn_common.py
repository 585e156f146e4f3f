"""Shared helpers for the BN samples: digits data, MLP builder, training loop.

The data split and preprocessing are the same as in bn_experiment.py.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def load_digits_tensors():
    """Standardized 8x8 digits, fixed stratified 70/30 split (random_state=0)."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
    X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
    return X_train, torch.tensor(y_train), X_test, torch.tensor(y_test)


def init_linear(layer, init):
    """"default" keeps PyTorch's (uniform, variance 1 / (3 fan_in)); "glorot" and "he" as named."""
    if init == "glorot":
        nn.init.xavier_uniform_(layer.weight)
    elif init == "he":
        nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
    elif init != "default":
        raise ValueError(f"unknown init {init!r}")
    if init != "default" and layer.bias is not None:
        nn.init.zeros_(layer.bias)


def make_mlp(bn="none", act=nn.ReLU, hidden=(100, 100, 100), seed=0, init="default",
             norm=nn.BatchNorm1d, bias=True):
    """MLP 64 -> hidden... -> 10.

    bn: "none", "before" (Linear -> norm -> act) or "after" (Linear -> act -> norm);
    norm: a factory width -> module (BatchNorm1d by default, or GroupNorm, a noisy BN...).
    The same seed gives the same Linear weights whatever `bn` and `norm` are.
    """
    torch.manual_seed(seed)
    layers, width = [], 64
    for h in hidden:
        linear = nn.Linear(width, h, bias=bias)
        init_linear(linear, init)
        layers.append(linear)
        if bn == "before":
            layers += [norm(h), act()]
        elif bn == "after":
            layers += [act(), norm(h)]
        else:
            layers.append(act())
        width = h
    out = nn.Linear(width, 10)
    init_linear(out, init)
    layers.append(out)
    return nn.Sequential(*layers)


@torch.no_grad()
def accuracy(model, X, y):
    model.eval()
    return (model(X).argmax(1) == y).float().mean().item()


def batches(n_train, batch, seed):
    """Endless shuffled mini-batch indices, reshuffled at each epoch (seeded)."""
    gen = torch.Generator().manual_seed(seed)
    while True:
        perm = torch.randperm(n_train, generator=gen)
        for pos in range(0, n_train - batch + 1, batch):
            yield perm[pos:pos + batch]


def train(model, data, steps, lr, batch=60, seed=0, eval_at=(), every=None, on_step=None,
          weight_decay=0.0):
    """Plain SGD; returns {step: test accuracy} for each step in eval_at, every `every`
    steps, and the last one (NaN once the loss has overflowed: training diverged).
    on_step(step, model, X_batch, y_batch) runs before each update."""
    X_train, y_train, X_test, y_test = data
    opt = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=weight_decay)
    accs, broken = {}, False
    for step, idx in zip(range(1, steps + 1), batches(len(X_train), batch, seed)):
        if not broken:
            model.train()
            if on_step is not None:
                on_step(step, model, X_train[idx], y_train[idx])
            loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
            broken = not torch.isfinite(loss).item()
            if not broken:
                opt.zero_grad()
                loss.backward()
                opt.step()
        if step in eval_at or step == steps or (every and step % every == 0):
            accs[step] = float("nan") if broken else accuracy(model, X_test, y_test)
    return accs


def mean_std(values):
    values = np.asarray(values)
    return values.mean(), values.std()
