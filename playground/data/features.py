"""Input features a user can switch on, as in TF Playground: name -> f(x1, x2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feature:
    """One input feature computed from the point's coordinates (x1, x2)."""

    name: str    # registry key and URL value, e.g. "x1sq"
    label: str   # display label, e.g. "x1²"
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray]
    code: str    # the same as Python source over arrays x1, x2 (for exported scripts)


FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("x1", "x1", lambda a, b: a, "x1"),
        Feature("x2", "x2", lambda a, b: b, "x2"),
        Feature("x1sq", "x1²", lambda a, b: a * a, "x1 * x1"),
        Feature("x2sq", "x2²", lambda a, b: b * b, "x2 * x2"),
        Feature("x1x2", "x1·x2", lambda a, b: a * b, "x1 * x2"),
        Feature("sinx1", "sin x1", lambda a, b: np.sin(a), "np.sin(x1)"),
        Feature("sinx2", "sin x2", lambda a, b: np.sin(b), "np.sin(x2)"),
    )
}


def feature_matrix(X: np.ndarray, names, dtype=np.float64) -> np.ndarray:
    """Features of points ``X`` (n, 2): an (n, len(names)) array, columns in ``names`` order.

    Raises
    ------
    ValueError
        If ``names`` is empty or holds an unknown feature.
    """
    names = tuple(names)
    if not names:
        raise ValueError("features: switch on at least one input feature")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"features: unknown {unknown}; choose from {list(FEATURES)}")
    X = np.asarray(X, dtype=np.float64)
    x1, x2 = X[:, 0], X[:, 1]
    return np.stack([FEATURES[n].fn(x1, x2) for n in names], axis=1).astype(dtype, copy=False)
