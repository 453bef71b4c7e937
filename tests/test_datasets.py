"""Tests for playground.datasets: shapes, determinism, geometry, noise and validation."""

import numpy as np
import pytest

from playground.data.datasets import (
    CLASSIFICATION,
    DATASETS,
    DOMAIN,
    MAX_CLASSES,
    MAX_NOISE,
    MAX_SAMPLES,
    MIN_CLASSES,
    MIN_SAMPLES,
    REGRESSION,
    DatasetSpec,
    make_dataset,
    train_test_split,
)

ALL = list(DATASETS)
MULTICLASS = ["spiral", "blobs"]
LABEL_NOISE = ["circle", "xor", "checkerboard", "plane", "multi-gauss"]  # points stay put
POSITION_NOISE = ["gauss", "spiral", "moons", "blobs"]  # points move


def assert_identical(a, b):
    """Bit-for-bit equality, dtype and shape included."""
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


# ---------------------------------------------------------------- registry


def test_registry_is_consistent():
    assert ALL[:3] == ["circle", "xor", "gauss"]  # display order starts like TF Playground
    assert set(CLASSIFICATION) | set(REGRESSION) == set(ALL)
    assert not set(CLASSIFICATION) & set(REGRESSION)
    assert set(REGRESSION) == {"plane", "multi-gauss"}
    for name, spec in DATASETS.items():
        assert isinstance(spec, DatasetSpec)
        assert spec.name == name
        assert spec.label and spec.description
        assert spec.task in ("classification", "regression")
        assert (name in CLASSIFICATION) == (spec.task == "classification")
        assert spec.multiclass == (name in MULTICLASS)
        assert callable(spec.generate)


def test_spec_is_frozen():
    with pytest.raises(AttributeError):
        DATASETS["circle"].label = "Other"


def test_constants():
    assert (MIN_SAMPLES, MAX_SAMPLES, MAX_NOISE) == (10, 10_000, 0.5)
    assert (MIN_CLASSES, MAX_CLASSES, DOMAIN) == (2, 5, 6.0)


# ---------------------------------------------------------------- shapes, ranges, determinism


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("noise", [0.0, 0.25, MAX_NOISE])
def test_shapes_dtypes_and_range(name, noise):
    X, y = make_dataset(name, n_samples=301, noise=noise, seed=1)
    assert X.shape == (301, 2) and X.dtype == np.float64
    assert y.shape == (301,)
    assert np.isfinite(X).all()
    assert np.abs(X).max() <= DOMAIN  # jittered points are redrawn inside the plot square
    if name in CLASSIFICATION:
        assert y.dtype == np.int64
        assert set(np.unique(y)) == {0, 1}
    else:
        assert y.dtype == np.float64
        assert np.isfinite(y).all()
        assert np.abs(y).max() <= 1.5


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("n", [MIN_SAMPLES, MAX_SAMPLES])
def test_sample_count_bounds(name, n):
    X, y = make_dataset(name, n_samples=n, noise=MAX_NOISE, n_classes=MAX_CLASSES)
    assert len(X) == len(y) == n


@pytest.mark.parametrize("name", ALL)
def test_same_seed_gives_identical_arrays(name):
    args = dict(n_samples=200, noise=0.3, seed=7, n_classes=3)
    X1, y1 = make_dataset(name, **args)
    X2, y2 = make_dataset(name, **args)
    assert_identical(X1, X2)
    assert_identical(y1, y2)


@pytest.mark.parametrize("name", ALL)
def test_different_seed_gives_different_points(name):
    X1, _ = make_dataset(name, n_samples=200, noise=0.3, seed=1)
    X2, _ = make_dataset(name, n_samples=200, noise=0.3, seed=2)
    assert not np.array_equal(X1, X2)


def test_numpy_integer_arguments_accepted():
    X1, y1 = make_dataset("blobs", n_samples=np.int64(50), seed=np.int32(3), n_classes=np.int8(4))
    X2, y2 = make_dataset("blobs", n_samples=50, seed=3, n_classes=4)
    assert_identical(X1, X2)
    assert_identical(y1, y2)


def test_n_classes_ignored_by_binary_datasets():
    X2, y2 = make_dataset("circle", n_samples=100, n_classes=2)
    X5, y5 = make_dataset("circle", n_samples=100, n_classes=5)
    assert_identical(X2, X5)
    assert_identical(y2, y5)


def test_points_are_shuffled():
    _, y = make_dataset("gauss", n_samples=100)
    assert not np.array_equal(y, np.sort(y))


# ---------------------------------------------------------------- labels


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_balanced_when_clean(name):
    _, y = make_dataset(name, n_samples=101, noise=0.0, seed=5)
    counts = np.bincount(y)
    assert len(counts) == 2 and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", ["gauss", "spiral", "moons", "blobs"])
def test_position_noise_keeps_balance(name):
    _, y = make_dataset(name, n_samples=101, noise=MAX_NOISE, seed=5)
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", MULTICLASS)
@pytest.mark.parametrize("k", range(MIN_CLASSES, MAX_CLASSES + 1))
def test_multiclass_labels(name, k):
    _, y = make_dataset(name, n_samples=103, noise=0.2, n_classes=k)
    counts = np.bincount(y)
    assert len(counts) == k  # labels are exactly 0..k-1
    assert counts.max() - counts.min() <= 1


# ---------------------------------------------------------------- clean geometry (noise = 0)


def test_circle_clean_labels_follow_radius():
    X, y = make_dataset("circle", n_samples=2000, seed=3)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.array_equal(y, (r < 2.5).astype(np.int64))
    assert r[y == 1].max() < 2.5 and r[y == 0].min() >= 3.5  # a visible gap between classes
    assert r.max() <= 5.0


def test_xor_clean_labels_follow_sign_rule():
    X, y = make_dataset("xor", n_samples=2000, seed=3)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(np.int64))
    assert np.abs(X).min() >= 0.3  # padding keeps points off the axes


def test_checkerboard_clean_labels_follow_cell_parity():
    X, y = make_dataset("checkerboard", n_samples=2000, seed=3)
    cells = np.floor((X + 5.0) / 2.5).astype(int)
    assert cells.min() >= 0 and cells.max() <= 3  # a 4 x 4 board
    assert np.array_equal(y, (cells[:, 0] + cells[:, 1]) % 2)


def test_gauss_clean_is_linearly_separable():
    X, y = make_dataset("gauss", n_samples=MAX_SAMPLES, seed=3)
    assert np.array_equal(y, (X[:, 0] + X[:, 1] > 0).astype(np.int64))


@pytest.mark.parametrize("k", range(MIN_CLASSES, MAX_CLASSES + 1))
def test_blobs_clean_points_are_nearest_their_own_centre(k):
    X, y = make_dataset("blobs", n_samples=2000, seed=3, n_classes=k)
    centres = np.array([X[y == c].mean(axis=0) for c in range(k)])
    nearest = np.argmin(((X[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    assert np.array_equal(nearest, y)


@pytest.mark.parametrize("k", range(MIN_CLASSES, MAX_CLASSES + 1))
def test_spiral_clean_points_lie_on_their_own_arm(k):
    # Arm c is r = 5u, angle = 1.75 * 2 pi u + 2 pi c / k: recover c from (r, angle).
    X, y = make_dataset("spiral", n_samples=2000, seed=3, n_classes=k)
    u = np.hypot(X[:, 0], X[:, 1]) / 5.0
    offset = np.arctan2(X[:, 1], X[:, 0]) - 1.75 * 2 * np.pi * u
    arm = np.round(offset / (2 * np.pi / k)).astype(int) % k
    assert np.array_equal(arm, y)


# ---------------------------------------------------------------- noise


@pytest.mark.parametrize("name", LABEL_NOISE)
def test_label_noise_keeps_points_and_changes_labels(name):
    X0, y0 = make_dataset(name, n_samples=1000, noise=0.0, seed=4)
    X1, y1 = make_dataset(name, n_samples=1000, noise=0.3, seed=4)
    assert_identical(X0, X1)
    assert not np.array_equal(y0, y1)


def test_circle_noise_flips_some_but_not_most_labels():
    _, y0 = make_dataset("circle", n_samples=2000, noise=0.0, seed=4)
    _, y1 = make_dataset("circle", n_samples=2000, noise=0.2, seed=4)
    flipped = np.mean(y0 != y1)
    assert 0.01 < flipped < 0.4


@pytest.mark.parametrize("name", POSITION_NOISE)
def test_position_noise_moves_points_but_not_labels(name):
    X0, y0 = make_dataset(name, n_samples=500, noise=0.0, seed=4)
    X1, y1 = make_dataset(name, n_samples=500, noise=0.3, seed=4)
    assert_identical(y0, y1)
    assert not np.allclose(X0, X1)


def test_gauss_noise_increases_spread():
    spreads = []
    for noise in (0.0, 0.25, MAX_NOISE):
        X, y = make_dataset("gauss", n_samples=2000, noise=noise, seed=4)
        spreads.append(np.mean([X[y == c].std(axis=0).mean() for c in (0, 1)]))
    assert spreads[0] < spreads[1] < spreads[2]


def test_regression_noise_perturbs_targets_a_little():
    X, t0 = make_dataset("plane", n_samples=2000, noise=0.0, seed=4)
    _, t1 = make_dataset("plane", n_samples=2000, noise=0.1, seed=4)
    assert np.allclose(t0, (X[:, 0] + X[:, 1]) / (2 * DOMAIN))
    assert np.abs(t1 - t0).max() <= 0.1 + 1e-12  # shift <= 0.1 * 6 per axis, slope 1/12


def test_multi_gauss_has_both_signs():
    _, t = make_dataset("multi-gauss", n_samples=2000, seed=4)
    assert t.min() < -0.9 and t.max() > 0.9 and np.abs(t).max() < 1.01


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("bad", ["nope", "Circle", "", None])
def test_unknown_name_lists_valid_names(bad):
    with pytest.raises(ValueError, match=r"unknown dataset.*valid names: circle, xor"):
        make_dataset(bad)


@pytest.mark.parametrize("bad", [MIN_SAMPLES - 1, MAX_SAMPLES + 1, 0, -5, 100.0, 50.5, "100", True])
def test_bad_n_samples(bad):
    with pytest.raises(ValueError, match=r"n_samples must be an integer in \[10, 10000\]"):
        make_dataset("circle", n_samples=bad)


@pytest.mark.parametrize("bad", [-0.01, 0.51, 1, float("nan"), float("inf"), "0.1", None, True])
def test_bad_noise(bad):
    with pytest.raises(ValueError, match=r"noise must be a number in \[0, 0.5\]"):
        make_dataset("circle", noise=bad)


@pytest.mark.parametrize("name", ["spiral", "circle"])  # validated even where it is unused
@pytest.mark.parametrize("bad", [1, 6, 0, 2.0, None])
def test_bad_n_classes(name, bad):
    with pytest.raises(ValueError, match=r"n_classes must be an integer in \[2, 5\]"):
        make_dataset(name, n_classes=bad)


@pytest.mark.parametrize("bad", [-1, 1.5, 1.0, "1", None, False])
def test_bad_seed(bad):
    with pytest.raises(ValueError, match=r"seed must be an integer >= 0"):
        make_dataset("circle", seed=bad)


def test_noise_bounds_accepted():
    make_dataset("circle", noise=0)
    make_dataset("circle", noise=MAX_NOISE)
    make_dataset("circle", noise=np.float32(0.1))


# ---------------------------------------------------------------- train / test split


def test_split_sizes_and_disjointness():
    X, y = make_dataset("circle", n_samples=101, seed=2)
    X_tr, y_tr, X_te, y_te = train_test_split(X, y, train_ratio=0.7, seed=3)
    assert len(X_tr) == len(y_tr) == round(0.7 * 101)
    assert len(X_te) == len(y_te) == 101 - len(X_tr)
    # Every original point lands in exactly one part, with its own label.
    joined = np.concatenate([np.column_stack([X_tr, y_tr]), np.column_stack([X_te, y_te])])
    original = np.column_stack([X, y])
    assert np.array_equal(np.unique(joined, axis=0), np.unique(original, axis=0))
    train_rows = {tuple(row) for row in X_tr}
    assert not train_rows & {tuple(row) for row in X_te}


def test_split_default_is_half():
    X, y = make_dataset("xor", n_samples=500)
    X_tr, _, X_te, _ = train_test_split(X, y)
    assert len(X_tr) == len(X_te) == 250


def test_split_keeps_one_point_on_each_side():
    X, y = np.zeros((2, 2)), np.array([0, 1])
    for ratio in (0.1, 0.9):
        X_tr, _, X_te, _ = train_test_split(X, y, train_ratio=ratio)
        assert len(X_tr) == len(X_te) == 1


def test_split_is_deterministic_and_seeded():
    X, y = make_dataset("spiral", n_samples=200, seed=2)
    a = train_test_split(X, y, seed=5)
    b = train_test_split(X, y, seed=5)
    c = train_test_split(X, y, seed=6)
    for part_a, part_b in zip(a, b, strict=True):
        assert_identical(part_a, part_b)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("bad", [0.09, 0.91, 0.0, 1.0, float("nan"), "0.5", None])
def test_split_ratio_bounds(bad):
    X, y = make_dataset("circle", n_samples=20)
    with pytest.raises(ValueError, match=r"train_ratio must be a number in \[0.1, 0.9\]"):
        train_test_split(X, y, train_ratio=bad)


def test_split_ratio_bounds_inclusive():
    X, y = make_dataset("circle", n_samples=20)
    assert len(train_test_split(X, y, train_ratio=0.1)[0]) == 2
    assert len(train_test_split(X, y, train_ratio=0.9)[0]) == 18


def test_split_rejects_bad_inputs():
    X, y = make_dataset("circle", n_samples=20)
    with pytest.raises(ValueError, match="same length"):
        train_test_split(X, y[:-1])
    with pytest.raises(ValueError, match="at least 2 points"):
        train_test_split(X[:1], y[:1])
    with pytest.raises(ValueError, match=r"seed must be an integer >= 0"):
        train_test_split(X, y, seed=-3)
