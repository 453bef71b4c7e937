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
        return loss, np.mean((z[:, 0] >= 0) == (y > 0.5))  # p >= 0.5 says class 1
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        loss = np.mean(-np.log((p * Y).sum(axis=1)))
        return loss, np.mean(z.argmax(axis=1) == Y.argmax(axis=1))
    loss = np.mean(((z - Y) ** 2).sum(axis=1))
    if regression:
        return loss, 1 - ((z - Y) ** 2).sum() / ((Y - Y.mean()) ** 2).sum()
    return loss, np.mean((z[:, 0] >= 0.5) == (Y[:, 0] > 0.5))


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
    loss, score = metrics(np.ascontiguousarray(z.T))[:, 0]
    ref_loss, ref_score = _textbook(name, z.astype(np.float64), Y.astype(np.float64), regression)
    rel = 1e-12 if dtype == np.float64 else 1e-5
    assert loss == pytest.approx(ref_loss, rel=rel)
    assert score == pytest.approx(ref_score, rel=rel)
    assert list(metrics(np.ascontiguousarray(z.T))[:, 0]) == [loss, score]  # scratch reuse


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
            loss, acc = OUTPUTS[name].make_metrics(Y, False)(z)[:, 0]
    assert np.isfinite(loss) and loss > 1e3 and acc == 0


@pytest.mark.parametrize("name,regression", [("sigmoid", False), ("softmax", False),
                                             ("linear", True), ("linear", False)])
def test_metrics_of_sets_laid_end_to_end_are_each_sets_own(name, regression):
    # the trainer measures its training and test points in one call: each set's loss and
    # score must be what measuring it alone gives (R² about the set's own mean)
    rng = np.random.default_rng(5)
    sizes, k = (23, 0, 14), (3 if name == "softmax" else 1)
    z = rng.normal(scale=2.0, size=(sum(sizes), k))
    y = rng.normal(size=sum(sizes)) + 3 if regression else rng.integers(0, max(k, 2), sum(sizes))
    Y = OUTPUTS[name].targets(y, max(k, 2))
    both = OUTPUTS[name].make_metrics(Y, regression, sizes)(np.ascontiguousarray(z.T))
    assert both.shape == (2, 3)
    assert np.isnan(both[:, 1]).all()  # an empty set has no loss and no score
    for j, (a, b) in ((0, (0, 23)), (2, (23, 37))):
        alone = OUTPUTS[name].make_metrics(Y[a:b], regression)(np.ascontiguousarray(z[a:b].T))
        np.testing.assert_allclose(both[:, j], alone[:, 0], rtol=1e-13)
        ref = _textbook(name, z[a:b], Y[a:b], regression)
        np.testing.assert_allclose(both[:, j], ref, rtol=1e-12)


def test_accuracy_is_an_exact_fraction():
    # 97 of 100 right must read 0.97 exactly (a threshold like ">= 0.97" depends on it)
    z = np.where(np.arange(100) < 97, 1.0, -1.0)[None, :]
    Y = OUTPUTS["sigmoid"].targets(np.ones(100, int), 2)
    for dtype in (np.float64, np.float32):
        acc = OUTPUTS["sigmoid"].make_metrics(Y.astype(dtype))(z.astype(dtype))[1, 0]
        assert acc == 97 / 100


@pytest.mark.parametrize("name,tie", [("sigmoid", 0.0), ("linear", 0.5)])
def test_a_point_on_the_boundary_counts_as_class_one(name, tie):
    # an output of exactly 0.5 must be right for one class, not wrong for both
    y = np.array([0, 1, 1, 0, 1])
    Y = OUTPUTS[name].targets(y, 2)
    z = np.full((1, 5), tie)
    acc = OUTPUTS[name].make_metrics(Y, False)(z)[1, 0]
    assert acc == 3 / 5
