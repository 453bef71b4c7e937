"""Your own points: units and the square, drawing edits, links, and runs on them."""

from __future__ import annotations

import numpy as np
import pytest

from playground import Config, Trainer, read_csv
from playground.data.datasets import DOMAIN
from playground.data.points import MAX_LINK_POINTS, Points, decode_points, encode_points, fit_bounds

RNG = np.random.default_rng(3)
X_OWN = RNG.normal(size=(120, 2)) * [250.0, 0.02] + [1000.0, -3.0]  # far from the square
Y_OWN = (X_OWN[:, 0] - 1000 > 0).astype(np.int64)


def test_fitted_bounds_put_the_data_in_plus_minus_five():
    p = Points.fit(X_OWN, Y_OWN)
    S = p.to_square(p.X)
    np.testing.assert_allclose(S.min(axis=0), [-5, -5])
    np.testing.assert_allclose(S.max(axis=0), [5, 5])
    np.testing.assert_allclose(p.from_square(S), p.X)
    constant = fit_bounds([[2.0, 1.0], [2.0, 3.0]])
    assert constant[0].tolist() == [1.0, 3.0]


def test_a_run_on_own_data_sees_the_square_and_keeps_the_units():
    run = Trainer(Config(learning_rate=0.1), data=(X_OWN, Y_OWN))
    assert run.config.dataset == "own" and run.config.num_classes == 2
    both = np.vstack([run.X_train, run.X_test])
    assert np.abs(both).max() <= 5 + 1e-9
    assert len(run.X_train) == 60  # train_ratio 0.5
    np.testing.assert_array_equal(run.points.X, X_OWN)  # the units are kept
    run.step(200)
    assert run.metrics["test_acc"] > 0.9
    again = Trainer(Config(learning_rate=0.1), data=(X_OWN, Y_OWN))
    again.step(200)
    np.testing.assert_array_equal(again.network.params, run.network.params)  # bit for bit
    other_split = Trainer(Config(data_seed=1), data=(X_OWN, Y_OWN))
    assert not np.array_equal(other_split.X_train, run.X_train)


def test_features_apply_and_targets_are_scaled():
    run = Trainer(Config(features=("x1", "x2", "x1sq", "sinx2")), data=(X_OWN, Y_OWN))
    assert run.network.layer_sizes[0] == 4
    run.step(5)
    values = X_OWN[:, 0] * 3.0  # thousands: scaled into [-1, 1] for the network
    reg = Trainer(data=(X_OWN, values))
    assert reg.config.dataset == "own_values" and reg.config.task == "regression"
    y = np.concatenate([reg.y_train, reg.y_test])
    assert y.min() == pytest.approx(-1) and y.max() == pytest.approx(1)


def test_switching_between_own_and_built_in_data():
    run = Trainer(data=read_csv("a,b,kind\n" + "".join(
        f"{i},{i % 4},{'xyz'[i % 3]}\n" for i in range(30))))
    assert run.config.n_classes == 3 and run.points.classes == ("x", "y", "z")
    assert run.update(run.config.replace(dataset="xor")) == "reset"
    assert run.config.dataset == "xor" and run.points is not None
    assert run.update(run.config.replace(dataset="own", n_classes=2)) == "reset"
    assert run.config.n_classes == 3  # the points' classes, whatever the widget said
    with pytest.raises(ValueError, match="needs the points"):
        Trainer(Config(dataset="own"))
    with pytest.raises(ValueError):
        run.set_points((X_OWN, np.arange(120) % 7))  # seven classes
    assert run.config.n_classes == 3  # unchanged


def test_links_carry_points_exactly_when_drawn():
    p = Points.fit(X_OWN[:50], Y_OWN[:50], ("no", "yes"), ("a", "b", "label"))
    back = decode_points(encode_points(p))
    np.testing.assert_array_equal(back.bounds, p.bounds)
    np.testing.assert_allclose(back.X, p.X, atol=1e-4 * np.ptp(p.bounds, axis=1).max())
    assert back.classes == ("no", "yes") and back.columns == ("a", "b", "label")
    drawn = p.cleared()
    for S, label in (([1.0, 2.0], 0), ([-3.3, 0.7], 1), ([5.9, -5.9], 1)):
        drawn = drawn.added(S, label)
    back = decode_points(encode_points(drawn))
    np.testing.assert_array_equal(back.X, drawn.X)  # snapped to what the link carries
    assert back.y.tolist() == [0, 1, 1]
    assert len(drawn.erased([1.1, 2.1])) == 2 and len(drawn.erased([0, -5])) == 3
    values = Points(drawn.X, [0.5, -2.25, 1e3], None, ("x1", "x2", "v"), drawn.bounds)
    assert decode_points(encode_points(values)).y.tolist() == [0.5, -2.25, 1e3]
    big = Points.fit(RNG.normal(size=(MAX_LINK_POINTS + 1, 2)), np.zeros(MAX_LINK_POINTS + 1,
                                                                          int))
    assert encode_points(big) is None


@pytest.mark.parametrize("text", ["", "!!!", "AAAA", "x" * 50, encode_points(
    Points.fit(X_OWN[:20], Y_OWN[:20]))[:-8], "AQI" + "A" * 60])
def test_damaged_links_are_refused(text):
    with pytest.raises(ValueError, match="points"):
        decode_points(text)


def test_points_are_validated():
    with pytest.raises(ValueError):
        Points([[0, np.nan]], [0], ("a", "b"))
    with pytest.raises(ValueError):
        Points([[0, 1]], [2], ("a", "b"))
    with pytest.raises(ValueError):
        Points([[0, 1]], [0], ("a", "b"), bounds=[[1, 0], [0, 1]])
    middle = Points.fit([[0, 0], [1, 1]], [0, 1]).to_square([[0.5, 0.5]])
    np.testing.assert_allclose(middle, [[0, 0]], atol=1e-12 * DOMAIN)
