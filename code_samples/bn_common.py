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


def make_mlp(bn="none", act=nn.ReLU, hidden=(100, 100, 100), seed=0):
    """MLP 64 -> hidden... -> 10.

    bn: "none", "before" (Linear -> BN -> act) or "after" (Linear -> act -> BN).
    The same seed gives the same Linear weights whatever `bn` is.
    """
    torch.manual_seed(seed)
    layers, width = [], 64
    for h in hidden:
        layers.append(nn.Linear(width, h))
        if bn == "before":
            layers += [nn.BatchNorm1d(h), act()]
        elif bn == "after":
            layers += [act(), nn.BatchNorm1d(h)]
        else:
            layers.append(act())
        width = h
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


@torch.no_grad()
def accuracy(model, X, y):
    model.eval()
    return (model(X).argmax(1) == y).float().mean().item()


def train(model, data, steps, lr, batch=60, seed=0, eval_at=()):
    """Plain SGD; returns {step: test accuracy} for each step in eval_at (and the last one)."""
    X_train, y_train, X_test, y_test = data
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    perm, pos = torch.randperm(len(X_train), generator=gen), 0
    accs = {}
    for step in range(1, steps + 1):
        if pos + batch > len(X_train):
            perm, pos = torch.randperm(len(X_train), generator=gen), 0
        idx = perm[pos:pos + batch]
        pos += batch
        model.train()
        loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step in eval_at or step == steps:
            accs[step] = accuracy(model, X_test, y_test)
    return accs


def mean_std(values):
    values = np.asarray(values)
    return values.mean(), values.std()
