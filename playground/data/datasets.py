"""Toy 2-D datasets for the playground, in the spirit of TensorFlow Playground.

Each dataset is points ``X`` of shape ``(n_samples, 2)`` inside the plot square
``[-DOMAIN, DOMAIN]^2`` and one target per point ``y`` of shape ``(n_samples,)``: class labels
``0..k-1`` (classes as balanced as ``n_samples`` allows, cleanly separable at ``noise=0``) or
regression targets in about ``[-1, 1]``. As in TensorFlow Playground, ``noise`` in [0, 0.5] is

* **label noise** (circle, xor, checkerboard, plane, multi-gauss): a point stays put but its
  label / target is computed at a randomly shifted copy of it, so labels near a boundary flip.
  Coordinates equal those of the ``noise=0`` run with the same seed.
* **position noise** (gauss, spiral, moons, blobs): Gaussian jitter moves the points, so the
  classes spread out and overlap; points that leave the plot square are redrawn. Labels
  equal those of the ``noise=0`` run with the same seed.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

DOMAIN = 6.0  # points lie in [-DOMAIN, DOMAIN]^2, the square the app plots
MIN_SAMPLES = 10
MAX_SAMPLES = 10_000
MAX_NOISE = 0.5
MIN_CLASSES = 2
MAX_CLASSES = 5

# generate(rng, n_samples, noise, n_classes) -> (X, y), before shuffling.
GenerateFn = Callable[[np.random.Generator, int, float, int], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class DatasetSpec:
    """One entry of the dataset registry.

    Attributes
    ----------
    name : str
        Registry key, also used as a URL / widget value.
    label, description : str
        Human label for the UI (e.g. ``"Spiral"``) and one sentence for a tooltip.
    task : str
        ``"classification"`` or ``"regression"``.
    multiclass : bool
        True if ``n_classes`` (2..5) applies; otherwise the dataset always has 2 classes.
    generate : Callable
        ``generate(rng, n_samples, noise, n_classes) -> (X, y)``, unshuffled and unchecked;
        call :func:`make_dataset` instead.
    """

    name: str
    label: str
    task: str
    multiclass: bool
    generate: GenerateFn
    description: str


# ---------------------------------------------------------------- shared building blocks


def _balanced_labels(n: int, k: int) -> np.ndarray:
    """Labels ``0..k-1`` with counts differing by at most one, shape ``(n,)``, sorted."""
    counts = np.full(k, n // k)
    counts[: n % k] += 1  # the first n % k classes get one extra point
    return np.repeat(np.arange(k), counts)


def _label_at_shifted_point(rng, X, rule, noise, scale):
    """Label noise: apply ``rule`` to the points ``X`` (n, 2) shifted at random; returns (n,).

    The shift is uniform in ``[-scale, scale]^2`` times ``noise``. It is drawn even when
    ``noise == 0``, so the random stream, and hence ``X``, never depends on ``noise``.
    """
    offset = rng.uniform(-scale, scale, size=X.shape) * noise
    return rule(X + offset)


def _jitter(rng, X, std):
    """Position noise: add N(0, std^2) to each coordinate of ``X`` (shape ``(n, 2)``).

    Points pushed outside the plot square are redrawn from their clean position, so the
    result is a Gaussian cloud truncated to the square (no pile-up on the border).
    """
    noisy = X + std * rng.standard_normal(X.shape)
    outside = np.any(np.abs(noisy) > DOMAIN, axis=1)
    while outside.any():
        noisy[outside] = X[outside] + std * rng.standard_normal((outside.sum(), 2))
        outside = np.any(np.abs(noisy) > DOMAIN, axis=1)
    return noisy


def _blob_std(noise: float) -> float:
    """Spread of a Gaussian blob: 0.35 when clean (classes far apart) up to 1.6 at max noise."""
    return 0.35 + 2.5 * noise


# ---------------------------------------------------------------- classification rules

_CIRCLE_RADIUS = 5.0  # outer ring radius; the inner disc has half of it
_CHECKER_HALF = 5.0  # the checkerboard covers [-5, 5]^2
_CHECKER_CELL = 2 * _CHECKER_HALF / 4  # 4 x 4 cells


def _circle_rule(X):
    """1 inside the disc of radius ``_CIRCLE_RADIUS / 2``, else 0."""
    return (np.hypot(X[:, 0], X[:, 1]) < _CIRCLE_RADIUS / 2).astype(np.int64)


def _xor_rule(X):
    """1 in the quadrants where x1 and x2 have the same sign, else 0."""
    return (X[:, 0] * X[:, 1] >= 0).astype(np.int64)


def _checker_rule(X):
    """Parity of the cell index: neighbouring cells of the 4 x 4 board alternate 0 / 1."""
    cells = np.floor((X + _CHECKER_HALF) / _CHECKER_CELL).astype(np.int64)
    return (cells[:, 0] + cells[:, 1]) % 2


# ---------------------------------------------------------------- generators


def _circle(rng, n, noise, n_classes):
    y = _balanced_labels(n, 2)
    # Class 1: disc r < R/2. Class 0: ring 0.7R < r < R. The gap makes noise=0 separable.
    r = rng.uniform(np.where(y == 1, 0.0, 0.7), np.where(y == 1, 0.5, 1.0)) * _CIRCLE_RADIUS
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    return X, _label_at_shifted_point(rng, X, _circle_rule, noise, _CIRCLE_RADIUS)


def _xor(rng, n, noise, n_classes):
    y = _balanced_labels(n, 2)
    # |x1|, |x2| in [0.3, 5.3]: the 0.3 padding keeps points off the axes (the boundary).
    magnitude = rng.uniform(0.3, 5.3, size=(n, 2))
    sign1 = rng.choice([-1.0, 1.0], size=n)
    sign2 = np.where(y == 1, sign1, -sign1)  # same signs -> class 1
    X = magnitude * np.column_stack([sign1, sign2])
    return X, _label_at_shifted_point(rng, X, _xor_rule, noise, 5.0)


def _gauss(rng, n, noise, n_classes):
    y = _balanced_labels(n, 2)
    centers = np.array([[-2.0, -2.0], [2.0, 2.0]])
    return _jitter(rng, centers[y], _blob_std(noise)), y


def _spiral(rng, n, noise, n_classes):
    y = _balanced_labels(n, n_classes)
    # Each arm winds 1.75 turns while the radius grows to 5; arm c is rotated by 2*pi*c/k.
    u = rng.uniform(0, 1, n)
    r = 5.0 * u
    t = 1.75 * 2 * np.pi * u + 2 * np.pi * y / n_classes
    X = np.column_stack([r * np.cos(t), r * np.sin(t)])
    return _jitter(rng, X, 0.6 * noise), y


def _moons(rng, n, noise, n_classes):
    y = _balanced_labels(n, 2)
    # The classic half-moons: class 0 is the upper unit half-circle, class 1 the lower
    # half-circle shifted to (1, 0.5). Centre them, then scale to the plot square.
    theta = rng.uniform(0, np.pi, n)
    upper = np.column_stack([np.cos(theta), np.sin(theta)])
    lower = np.column_stack([1 - np.cos(theta), 0.5 - np.sin(theta)])
    X = np.where((y == 0)[:, None], upper, lower)
    X = 3.3 * (X - [0.5, 0.25])
    return _jitter(rng, X, 2.0 * noise), y


def _checkerboard(rng, n, noise, n_classes):
    y = _balanced_labels(n, 2)
    # Pick a random cell of the right colour: any column i, then a row j with (i + j) % 2 == y.
    i = rng.integers(0, 4, n)
    j = 2 * rng.integers(0, 2, n) + (i + y) % 2
    cell = np.column_stack([i, j])
    X = -_CHECKER_HALF + _CHECKER_CELL * (cell + rng.uniform(0, 1, size=(n, 2)))
    return X, _label_at_shifted_point(rng, X, _checker_rule, noise, _CHECKER_CELL)


def _blobs(rng, n, noise, n_classes):
    y = _balanced_labels(n, n_classes)
    # k centres evenly spaced on a circle of radius 4 (for k = 4: one per quadrant).
    angle = np.pi / 4 + 2 * np.pi * np.arange(n_classes) / n_classes
    centers = 4.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    return _jitter(rng, centers[y], _blob_std(noise)), y


# Regression: x uniform over the square; with noise the target is computed at a point shifted
# by up to noise * DOMAIN per coordinate (TensorFlow Playground's choice). The bumps of
# "multi-gauss" are (cx, cy, sign): two rows of alternating signs.
_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                  [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])  # fmt: skip


def _plane_target(X):
    """(x1 + x2) / (2 DOMAIN): exactly [-1, 1] on the square, at most 1.5 with noise."""
    return (X[:, 0] + X[:, 1]) / (2 * DOMAIN)


def _bumps_target(X):
    """Sum of unit-height signed Gaussian bumps (std 1); they barely overlap: about [-1, 1]."""
    sq_dist = ((X[:, None, :] - _BUMPS[None, :, :2]) ** 2).sum(axis=2)  # (n, n_bumps)
    return (_BUMPS[:, 2] * np.exp(-sq_dist / 2)).sum(axis=1)


def _regression(target):
    def generate(rng, n, noise, n_classes):
        X = rng.uniform(-DOMAIN, DOMAIN, size=(n, 2))
        return X, _label_at_shifted_point(rng, X, target, noise, DOMAIN)

    return generate


# ---------------------------------------------------------------- registry

DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in [
        DatasetSpec("circle", "Circle", "classification", False, _circle,
                    "A disc of one class inside a ring of the other."),
        DatasetSpec("xor", "Exclusive or", "classification", False, _xor,
                    "Opposite quadrants share a class: the label is sign(x1 * x2)."),
        DatasetSpec("gauss", "Gaussian", "classification", False, _gauss,
                    "Two Gaussian blobs, separable by a straight line."),
        DatasetSpec("spiral", "Spiral", "classification", True, _spiral,
                    "Interleaved spiral arms, one per class: the hardest classic."),
        DatasetSpec("moons", "Moons", "classification", False, _moons,
                    "Two interleaving half-moons."),
        DatasetSpec("checkerboard", "Checkerboard", "classification", False, _checkerboard,
                    "A 4 x 4 board whose neighbouring squares alternate classes."),
        DatasetSpec("blobs", "Blobs", "classification", True, _blobs,
                    "One Gaussian blob per class, evenly placed on a circle."),
        DatasetSpec("plane", "Plane", "regression", False, _regression(_plane_target),
                    "The target rises linearly from one corner to the opposite one."),
        DatasetSpec("multi-gauss", "Multi-Gaussian", "regression", False,
                    _regression(_bumps_target),
                    "Six positive and negative Gaussian bumps in two rows."),
    ]
}  # fmt: skip



def _given(rng, n, noise, n_classes):
    raise ValueError("your own data comes with the run: Trainer(config, data=(X, y))")


# Your own points (uploaded or drawn): not generated, so not in DATASETS; a config names
# them, and the run holds them (see points.py)
GIVEN: dict[str, DatasetSpec] = {
    "own": DatasetSpec("own", "Your data", "classification", True, _given,
                       "Your own points, uploaded as CSV or drawn by clicking."),
    "own_values": DatasetSpec("own_values", "Your data (values)", "regression", False, _given,
                              "Your own points with a number each, uploaded or drawn."),
}


def spec_of(name: str) -> DatasetSpec:
    """The registry entry of a built-in dataset or of your own data."""
    return DATASETS[name] if name in DATASETS else GIVEN[name]


CLASSIFICATION = tuple(n for n, s in DATASETS.items() if s.task == "classification")
REGRESSION = tuple(n for n, s in DATASETS.items() if s.task == "regression")


# ---------------------------------------------------------------- public functions


def _check_int(name, value, low, high=np.inf) -> None:
    """Raise ValueError unless ``value`` is an integer in ``[low, high]``."""
    is_int = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not (is_int and low <= value <= high):
        allowed = f">= {low}" if high == np.inf else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be an integer {allowed}, got {value!r}")


def _check_real(name, value, low, high) -> None:
    """Raise ValueError unless ``value`` is a real number in ``[low, high]`` (NaN is not)."""
    real = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if not (real and low <= value <= high):
        raise ValueError(f"{name} must be a number in [{low}, {high}], got {value!r}")


def make_dataset(
    name: str, n_samples: int = 500, noise: float = 0.0, seed: int = 0, n_classes: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Generate a dataset from the registry, reproducibly.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`.
    n_samples : int
        Number of points, in ``[MIN_SAMPLES, MAX_SAMPLES]``.
    noise : float
        In ``[0, MAX_NOISE]``; label or position noise depending on the dataset (see above).
    seed : int
        Non-negative seed of ``np.random.default_rng``; same arguments give identical arrays.
    n_classes : int
        In ``[MIN_CLASSES, MAX_CLASSES]``. Always validated, used only by multiclass datasets.

    Returns
    -------
    X : ndarray of float64, shape (n_samples, 2)
        Points, shuffled, inside ``[-DOMAIN, DOMAIN]^2``.
    y : ndarray, shape (n_samples,)
        int64 labels ``0..k-1`` for classification, float64 targets for regression.

    Raises
    ------
    ValueError
        If any argument is unknown or out of range.
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid names: {', '.join(DATASETS)}")
    _check_int("n_samples", n_samples, MIN_SAMPLES, MAX_SAMPLES)
    _check_real("noise", noise, 0, MAX_NOISE)
    _check_int("n_classes", n_classes, MIN_CLASSES, MAX_CLASSES)
    _check_int("seed", seed, 0)

    spec = DATASETS[name]
    rng = np.random.default_rng(seed)
    # Generators emit points class by class: mix them up. Drawing the order first keeps it
    # (and so the labels) independent of the noise, whose jitter may redraw some points.
    order = rng.permutation(n_samples)
    X, y = spec.generate(rng, int(n_samples), float(noise), int(n_classes))
    y_dtype = np.int64 if spec.task == "classification" else np.float64
    return X[order].astype(np.float64), y[order].astype(y_dtype)


def train_test_split(
    X: np.ndarray, y: np.ndarray, train_ratio: float = 0.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle the points and split them into a training and a test part.

    Parameters
    ----------
    X, y : ndarray
        Points, shape ``(n, 2)`` with ``n >= 2``, and their labels or targets, shape ``(n,)``.
    train_ratio : float
        Fraction of points used for training, in ``[0.1, 0.9]``. The training size is
        ``round(train_ratio * n)``, clipped so that both parts get at least one point.
    seed : int
        Non-negative seed of the shuffle.

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarray
        Shapes ``(n_train, 2)``, ``(n_train,)``, ``(n - n_train, 2)``, ``(n - n_train,)``.

    Raises
    ------
    ValueError
        If ``train_ratio`` or ``seed`` is out of range, or ``X`` and ``y`` do not match.
    """
    _check_real("train_ratio", train_ratio, 0.1, 0.9)
    _check_int("seed", seed, 0)
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X and y must have the same length, got {n} and {len(y)}")
    if n < 2:
        raise ValueError(f"need at least 2 points to split, got {n}")

    n_train = min(max(round(train_ratio * n), 1), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    train, test = order[:n_train], order[n_train:]
    return X[train], y[train], X[test], y[test]
