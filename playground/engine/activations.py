"""Hidden-layer activation functions, each with its derivative.

An :class:`Activation` holds the textbook definitions ``fn(z)`` and ``deriv(z)``, and the
two forms the network's passes use, which write into arrays they are given:

* ``apply(z, out)`` writes ``fn(z)`` into ``out`` (``out=z``: in place; for tanh it is
  ``np.tanh`` itself);
* ``slope(a, out)`` writes the derivative into ``out``, read from the activation's
  *output* ``a`` (e.g. tanh'(z) = 1 - a²), so the backward pass needs no copy of ``z``.

Their constants are 0-d arrays of the data's dtype (``_ONE[dtype]``): NumPy converts a
Python float at every call, which costs more than the arithmetic on a small layer (see
docs/performance.md).

The registry :data:`ACTIVATIONS` maps a name (also a widget option and URL value) to an
:class:`Activation`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01  # slope of leaky ReLU for z < 0


def _typed(value) -> dict:
    """``value`` as a 0-d array of each float dtype, looked up by dtype."""
    return {np.dtype(t): np.array(value, t) for t in (np.float32, np.float64)}


_ZERO, _HALF, _ONE = _typed(0.0), _typed(0.5), _typed(1.0)
_LEAKY, _LEAKY_REST = _typed(LEAKY_SLOPE), _typed(1.0 - LEAKY_SLOPE)


@dataclass(frozen=True)
class Activation:
    """A named activation function and its derivative.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"tanh"``.
    label : str
        Human label for the UI.
    fn : callable
        ``fn(z) -> a``, elementwise, any shape.
    deriv : callable
        ``deriv(z) -> da/dz``, elementwise, any shape.
    apply : callable
        ``apply(z, out)``: ``out = fn(z)``; ``out`` may be ``z``.
    slope : callable
        ``slope(a, out)``: ``out = da/dz`` at the point whose output is ``a``.
    """

    name: str
    label: str
    fn: Callable[[np.ndarray], np.ndarray]
    deriv: Callable[[np.ndarray], np.ndarray]
    apply: Callable[[np.ndarray, np.ndarray], None]
    slope: Callable[[np.ndarray, np.ndarray], None]


def sigmoid(z):
    """Logistic function 1 / (1 + e^-z), written via tanh so it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_into(z, out):
    """``out = sigmoid(z)`` = (tanh(z/2) + 1) / 2, without a new array."""
    half = _HALF[out.dtype]
    np.multiply(z, half, out=out)
    np.tanh(out, out=out)
    np.multiply(out, half, out=out)
    np.add(out, half, out=out)


def sigmoid_(h):
    """In-place logistic function on ``h`` (any shape)."""
    sigmoid_into(h, h)


def _sigmoid_slope(a, out):  # sigma' = a (1 - a)
    np.subtract(_ONE[out.dtype], a, out=out)
    np.multiply(out, a, out=out)


def _tanh_slope(a, out):  # tanh' = 1 - a²
    np.multiply(a, a, out=out)
    np.subtract(_ONE[out.dtype], out, out=out)


def _relu_apply(z, out):
    np.maximum(z, _ZERO[out.dtype], out=out)


def _relu_slope(a, out):  # 1 where the output is positive, else 0
    np.greater(a, _ZERO[out.dtype], out=out)


def _leaky(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_apply(z, out):  # max(z, k z) equals leaky ReLU for 0 < k < 1
    np.maximum(z, z * _LEAKY[out.dtype], out=out)


def _leaky_slope(a, out):  # the output keeps the sign of z: 1 or k
    np.greater(a, _ZERO[out.dtype], out=out)
    np.multiply(out, _LEAKY_REST[out.dtype], out=out)
    np.add(out, _LEAKY[out.dtype], out=out)


def _identity_apply(z, out):
    if out is not z:
        np.copyto(out, z)


def _one_slope(a, out):
    np.copyto(out, _ONE[out.dtype])


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("tanh", "Tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2,
                   np.tanh, _tanh_slope),
        Activation("sigmoid", "Sigmoid", sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z)),
                   sigmoid_into, _sigmoid_slope),
        Activation("relu", "ReLU", lambda z: np.maximum(z, 0.0),
                   lambda z: (z > 0).astype(float), _relu_apply, _relu_slope),
        Activation("leaky_relu", "Leaky ReLU", _leaky,
                   lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE), _leaky_apply, _leaky_slope),
        Activation("linear", "Linear", lambda z: z * 1.0, np.ones_like,
                   _identity_apply, _one_slope),
    )
}
