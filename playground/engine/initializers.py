"""Weight initialisation schemes: name -> ``init(rng, n_in, n_out) -> (W, b)``.

``W`` has shape (n_in, n_out) and ``b`` shape (n_out,), both float64.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Initializer = Callable[[np.random.Generator, int, int], tuple[np.ndarray, np.ndarray]]


def normal(rng, n_in, n_out):
    """Standard normal weights and biases, as the two seed tutorials do."""
    return rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out)


def xavier(rng, n_in, n_out):
    """Glorot/Xavier normal: std sqrt(2 / (n_in + n_out)), zero biases. Suits tanh, sigmoid."""
    std = np.sqrt(2.0 / (n_in + n_out))
    return rng.normal(0.0, std, (n_in, n_out)), np.zeros(n_out)


def he(rng, n_in, n_out):
    """He/Kaiming normal: std sqrt(2 / n_in), zero biases. Suits ReLU."""
    std = np.sqrt(2.0 / n_in)
    return rng.normal(0.0, std, (n_in, n_out)), np.zeros(n_out)


def uniform(rng, n_in, n_out):
    """The TF Playground start: weights U(-0.5, 0.5), biases 0.1."""
    return rng.uniform(-0.5, 0.5, (n_in, n_out)), np.full(n_out, 0.1)


INITIALIZERS: dict[str, Initializer] = {
    "xavier": xavier,
    "he": he,
    "uniform": uniform,
    "normal": normal,
}

INIT_LABELS = {
    "xavier": "Xavier / Glorot",
    "he": "He",
    "uniform": "Uniform ±0.5 (TF Playground)",
    "normal": "Standard normal",
}
