"""A run's own points (uploaded or drawn): their units, the square the network sees,
drawing edits, and a compact form for links.

The points keep their own units; the network sees them mapped into the playground's
square ``[-DOMAIN, DOMAIN]²``: each axis of :attr:`Points.bounds` (own units) onto
``[-DOMAIN, DOMAIN]``. Fitted bounds put the data in ``[-5, 5]``. Regression targets
beyond ``[-1, 1]`` are scaled into it (as the built-in regression sets are).

>>> p = Points.fit([[0, 10], [4, 30], [1, 20]], [0, 1, 1])
>>> p.to_square(p.X)[:, 0].round(9).tolist()
[-5.0, 5.0, -2.5]
>>> decode_points(encode_points(p)).y.tolist()
[0, 1, 1]
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass

import numpy as np

from playground.data.datasets import DOMAIN, MAX_CLASSES, MAX_SAMPLES

MAX_LINK_POINTS = 400  # a link carries at most this many points (~6 kB of URL)
QUANT = 65535  # coordinates travel as 16-bit steps across the bounds
FIT_MARGIN = 0.1  # fitted bounds: this share of the data's span on each side (data at ±5)
_VERSION = 1
_HEADER = struct.Struct("<BBH4d")  # version, k (0: regression), n, bounds


@dataclass(frozen=True, eq=False)
class Points:
    """Points in their own units and what they are labelled with.

    Attributes
    ----------
    X : ndarray (n, 2) float64
        Points in their own units.
    y : ndarray (n,)
        int64 class indices ``0..k-1``, or float64 targets (``classes`` is None).
    classes : tuple of str or None
        Names of the classes (2 to 5), None for regression.
    columns : tuple of 3 str
        Names of the two inputs and of the label.
    bounds : ndarray (2, 2)
        ``[[lo1, hi1], [lo2, hi2]]``: the ranges (own units) the plot square shows.
    """

    X: np.ndarray
    y: np.ndarray
    classes: tuple[str, ...] | None
    columns: tuple[str, str, str] = ("x1", "x2", "label")
    bounds: np.ndarray = None

    def __post_init__(self):
        X = np.asarray(self.X, np.float64).reshape(-1, 2)
        regression = self.classes is None
        y = np.asarray(self.y, np.float64 if regression else np.int64).reshape(-1)
        if len(y) != len(X) or len(X) > MAX_SAMPLES:
            raise ValueError(f"points: {len(X)} points and {len(y)} labels (at most "
                             f"{MAX_SAMPLES:,})")
        if not (np.isfinite(X).all() and np.isfinite(y).all()):
            raise ValueError("points: every coordinate and target must be a finite number")
        if not regression:
            k = len(self.classes)
            if not 2 <= k <= MAX_CLASSES or (len(y) and not 0 <= y.min() <= y.max() < k):
                raise ValueError(f"points: 2 to {MAX_CLASSES} classes, labels 0..k-1")
        bounds = fit_bounds(X) if self.bounds is None else np.asarray(self.bounds, float)
        if bounds.shape != (2, 2) or not np.isfinite(bounds).all() or \
                not (bounds[:, 0] < bounds[:, 1]).all():
            raise ValueError("points: bounds must be finite ranges lo < hi")
        for name, value in (("X", X), ("y", y), ("bounds", bounds),
                            ("classes", None if regression else tuple(map(str, self.classes))),
                            ("columns", tuple(map(str, self.columns)))):
            object.__setattr__(self, name, value)
        for arr in (X, y, bounds):
            arr.flags.writeable = False

    @classmethod
    def fit(cls, X, y, classes=None, columns=("x1", "x2", "label")) -> Points:
        """Points with fitted bounds; integer ``y`` without names get classes "0".."k-1"."""
        y = np.asarray(y)
        if classes is None and y.dtype.kind in "iub":
            classes = tuple(str(i) for i in range(max(int(y.max()) + 1, 2)))
        return cls(X, y, classes, tuple(columns))

    @property
    def task(self) -> str:
        return "regression" if self.classes is None else "classification"

    @property
    def n_classes(self) -> int:
        return 0 if self.classes is None else len(self.classes)

    def __len__(self) -> int:
        return len(self.X)

    # ------------------------------------------------------------------ units
    def to_square(self, X) -> np.ndarray:
        """Own units (m, 2) -> the network's square, (m, 2)."""
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        return (np.asarray(X, float) - lo) / (hi - lo) * (2 * DOMAIN) - DOMAIN

    def from_square(self, S) -> np.ndarray:
        """The network's square (m, 2) -> own units (m, 2)."""
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        return lo + (np.asarray(S, float) + DOMAIN) / (2 * DOMAIN) * (hi - lo)

    def targets(self) -> np.ndarray:
        """What the network is trained on: class indices, or targets within [-1, 1]."""
        if self.classes is not None or not len(self.y) or np.abs(self.y).max() <= 1:
            return self.y
        lo, hi = self.y.min(), self.y.max()
        mid, half = (lo + hi) / 2, ((hi - lo) / 2 or 1.0)
        return (self.y - mid) / half

    # ------------------------------------------------------------------ drawing
    def snap(self, S) -> np.ndarray:
        """A point of the square (2,) in own units, on the grid a link carries exactly."""
        q = np.clip(np.round((np.asarray(S, float) + DOMAIN) / (2 * DOMAIN) * QUANT), 0, QUANT)
        return _from_grid(q, self.bounds)

    def with_points(self, X, y) -> Points:
        """Other points ``X`` (m, 2) and labels ``y`` (m,) in these points' units: the
        same classes, names and bounds."""
        return Points(X, y, self.classes, self.columns, self.bounds)

    def added(self, S, label) -> Points:
        """These points and one more at square point ``S`` (2,), labelled ``label``."""
        if len(self) >= MAX_SAMPLES:
            raise ValueError(f"At most {MAX_SAMPLES:,} points.")
        return self.with_points(np.vstack([self.X, self.snap(S)]), np.append(self.y, label))

    def erased(self, S, radius: float = 0.6) -> Points:
        """Without the point nearest to square point ``S`` (2,), if within ``radius``."""
        if not len(self):
            return self
        d = np.hypot(*(self.to_square(self.X) - np.asarray(S, float)).T)
        i = int(np.argmin(d))
        return self if d[i] > radius else self.with_points(np.delete(self.X, i, 0),
                                                        np.delete(self.y, i))

    def cleared(self) -> Points:
        return self.with_points(np.empty((0, 2)), np.empty(0))


def _from_grid(q, bounds) -> np.ndarray:
    """Points ``q`` (m, 2) on the grid of ``QUANT`` steps a link carries, in the own
    units of ``bounds`` (2, 2)."""
    lo, hi = bounds[:, 0], bounds[:, 1]
    return lo + np.asarray(q, float) / QUANT * (hi - lo)


def fit_bounds(X) -> np.ndarray:
    """Per axis, the data's range widened by :data:`FIT_MARGIN` of its span each side
    (a constant axis gets ±1 around its value): (2, 2)."""
    X = np.asarray(X, float).reshape(-1, 2)
    if not len(X):
        return np.array([[-DOMAIN, DOMAIN]] * 2)
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = hi - lo
    pad = np.where(span > 0, span * FIT_MARGIN, 1.0)
    pad = np.maximum(pad, 1e-9 * np.maximum(np.abs(lo), 1))
    return np.stack([lo - pad, hi + pad], axis=1)


def square_points(X, y, n_classes: int = 2) -> Points:
    """Points already in the square (a built-in dataset), to draw on: identity units."""
    regression = np.asarray(y).dtype.kind == "f"
    classes = None if regression else tuple(str(i) for i in range(max(n_classes, 2)))
    return Points(X, y, classes, ("x1", "x2", "label" if classes else "target"),
                  np.array([[-DOMAIN, DOMAIN]] * 2))


# ---------------------------------------------------------------------- links
def encode_points(points: Points) -> str | None:
    """The points as a short URL-safe text (coordinates quantised to 16 bits across the
    bounds), or None if there are more than :data:`MAX_LINK_POINTS`."""
    n = len(points)
    if n > MAX_LINK_POINTS:
        return None
    lo, hi = points.bounds[:, 0], points.bounds[:, 1]
    q = np.clip(np.round((points.X - lo) / (hi - lo) * QUANT), 0, QUANT).astype("<u2")
    labels = (points.y.astype("<f8") if points.classes is None
              else points.y.astype(np.uint8))
    names = "\x1f".join([*points.columns, *(points.classes or ())]).encode("utf-8")
    raw = (_HEADER.pack(_VERSION, points.n_classes, n, *points.bounds.ravel())
           + q.tobytes() + labels.tobytes() + names)
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_points(text: str) -> Points:
    """Points from :func:`encode_points`'s text. Raises ValueError if it is damaged."""
    bad = "points: the link's points are damaged"
    try:
        raw = base64.urlsafe_b64decode(str(text).strip() + "=" * (-len(str(text).strip()) % 4))
        version, k, n, *bounds = _HEADER.unpack_from(raw)
    except (binascii.Error, struct.error, ValueError):
        raise ValueError(bad) from None
    if version != _VERSION or n > MAX_LINK_POINTS or k == 1 or k > MAX_CLASSES:
        raise ValueError(bad)
    start = _HEADER.size
    size = 8 if k == 0 else 1
    end = start + 4 * n + size * n
    if len(raw) < end:
        raise ValueError(bad)
    q = np.frombuffer(raw, "<u2", 2 * n, start).reshape(n, 2)
    y = np.frombuffer(raw, "<f8" if k == 0 else np.uint8, n, start + 4 * n)
    try:
        names = raw[end:].decode("utf-8").split("\x1f")
    except UnicodeDecodeError:
        raise ValueError(bad) from None
    if len(names) != 3 + k or any(len(s) > 100 for s in names):
        raise ValueError(bad)
    try:
        p = Points(np.zeros((n, 2)), y.astype(np.float64 if k == 0 else np.int64),
                   tuple(names[3:]) if k else None, tuple(names[:3]), np.reshape(bounds, (2, 2)))
    except ValueError:
        raise ValueError(bad) from None
    return p.with_points(_from_grid(q, p.bounds), p.y)


def as_points(data) -> Points:
    """``Points`` from ``Points``, :func:`~playground.csv_data.read_csv`'s table or a
    plain ``(X, y)`` pair (int ``y``: classes; float ``y``: targets)."""
    if isinstance(data, Points):
        return data
    X, y = data
    classes = getattr(data, "classes", None)
    if classes is None and np.asarray(y).dtype.kind in "iub":
        return Points.fit(X, y)
    return Points.fit(X, np.asarray(y, float) if classes is None else y, classes,
                      getattr(data, "columns", ("x1", "x2", "label")))


def config_for(config, points: Points):
    """``config`` naming ``points`` as its dataset: ``"own"`` with their number of classes,
    or ``"own_values"`` for targets."""
    if points.classes is None:
        return config.replace(dataset="own_values")
    return config.replace(dataset="own", n_classes=points.n_classes)
