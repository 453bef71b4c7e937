"""The per-epoch metrics (fused, feature-major) against the textbook definitions."""

import warnings

import numpy as np
import pytest

from playground import OUTPUTS


def _textbook(name, z, Y, regression):
    """Loss and score from logits z (m, k), written the plain way."""
    if name == "sigmoid":
        p = 1.0 / (1.0 + np.exp(-z[:, 0].astype(np.float64)))
        y = Y[:, 0]
        with np.errstate(divide="ignore"):
            loss = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
        return loss, np.mean((z[:, 0] > 0) == (y > 0.5))
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        loss = np.mean(-np.log((p * Y).sum(axis=1)))
        return loss, np.mean(z.argmax(axis=1) == Y.argmax(axis=1))
    loss = np.mean(((z - Y) ** 2).sum(axis=1))
    if regression:
        return loss, 1 - ((z - Y) ** 2).sum() / ((Y - Y.mean()) ** 2).sum()
    return loss, np.mean((z[:, 0] > 0.5) == (Y[:, 0] > 0.5))


@pytest.mark.parametrize("name,regression", [("sigmoid", False), ("softmax", False),
                                             ("linear", True), ("linear", False)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_metrics_match_the_textbook(name, regression, dtype):
    rng = np.random.default_rng(3)
    m, k = 37, (3 if name == "softmax" else 1)
    z = rng.normal(scale=3.0, size=(m, k)).astype(dtype)
    if regression:
        y = rng.normal(size=m)
    else:
        y = rng.integers(0, k if k > 1 else 2, size=m)
    Y = OUTPUTS[name].targets(y, max(k, 2), dtype)
    metrics = OUTPUTS[name].make_metrics(Y, regression)
    loss, score = metrics(np.ascontiguousarray(z.T))
    ref_loss, ref_score = _textbook(name, z.astype(np.float64), Y.astype(np.float64), regression)
    rel = 1e-12 if dtype == np.float64 else 1e-5
    assert loss == pytest.approx(ref_loss, rel=rel)
    assert score == pytest.approx(ref_score, rel=rel)
    assert metrics(np.ascontiguousarray(z.T)) == (loss, score)  # scratch reuse is clean


@pytest.mark.parametrize("name", ["sigmoid", "softmax"])
def test_metrics_stay_finite_for_huge_logits(name):
    # every point on the wrong side by a huge margin: the loss is huge but finite
    if name == "softmax":
        z = np.array([[1e30, -1e30, 4e3, -4e3], [0, 0, 0, 0], [-1e30, 1e30, 0, 0]], np.float32)
        y, k = np.array([2, 0, 1, 0]), 3
    else:
        z, y, k = np.array([[1e30, -1e30, 4e3, -4e3]], np.float32), np.array([0, 1, 0, 1]), 2
    Y = OUTPUTS[name].targets(y, k, np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            loss, acc = OUTPUTS[name].make_metrics(Y, False)(z)
    assert np.isfinite(loss) and loss > 1e3 and acc == 0
