"""Hidden-layer activation functions, each with its derivative.

Each activation is a pair of functions, written once and used everywhere (the network,
a stack of networks, the exported script):

* ``act(z, out=None)`` returns act(z), elementwise; given ``out`` (which may be ``z``
  itself) it writes there instead of making a new array;
* ``act_slope(a, out=None)`` returns the derivative act'(z) read from the activation's
  *output* ``a`` (e.g. tanh'(z) = 1 - a²), so the backward pass needs no copy of ``z``.

Their constants are 0-d arrays of the data's dtype (``ONE[a.dtype]``): NumPy converts a
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


def typed(value) -> dict:
    """``value`` as a 0-d array of each float dtype, looked up by dtype."""
    return {np.dtype(t): np.array(value, t) for t in (np.float32, np.float64)}


ZERO, HALF, ONE, TWO = typed(0.0), typed(0.5), typed(1.0), typed(2.0)
LEAKY, LEAKY_REST = typed(LEAKY_SLOPE), typed(1.0 - LEAKY_SLOPE)


@dataclass(frozen=True)
class Activation:
    """A named activation function and its derivative.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"tanh"``.
    label : str
        Human label for the UI.
    apply : callable
        ``apply(z, out=None) -> a``, elementwise, any shape; ``out`` may be ``z``.
    slope : callable
        ``slope(a, out=None) -> da/dz`` at the points whose output is ``a``.
    """

    name: str
    label: str
    apply: Callable[..., np.ndarray]
    slope: Callable[..., np.ndarray]


tanh = np.tanh  # tanh(z, out=None) = (e^z - e^-z) / (e^z + e^-z): NumPy's own


def tanh_slope(a, out=None):
    """tanh'(z) = 1 - tanh(z)², from the output a = tanh(z): 1 - a²."""
    out = np.multiply(a, a, out=out)
    return np.subtract(ONE[a.dtype], out, out=out)


def sigmoid(z, out=None):
    """The logistic function 1 / (1 + e^-z), written (tanh(z / 2) + 1) / 2: it never
    overflows."""
    half = HALF[z.dtype]
    out = np.multiply(z, half, out=out)
    np.tanh(out, out=out)
    np.multiply(out, half, out=out)
    return np.add(out, half, out=out)


def sigmoid_slope(a, out=None):
    """sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)), from the output a: a (1 - a)."""
    out = np.subtract(ONE[a.dtype], a, out=out)
    return np.multiply(out, a, out=out)


def relu(z, out=None):
    """ReLU: max(z, 0)."""
    return np.maximum(z, ZERO[z.dtype], out=out)


def relu_slope(a, out=None):
    """ReLU'(z): 1 where the output a is positive, else 0."""
    out = np.empty_like(a) if out is None else out
    return np.greater(a, ZERO[a.dtype], out=out)


def leaky_relu(z, out=None):
    """Leaky ReLU: z for z > 0, else LEAKY_SLOPE z; that is max(z, LEAKY_SLOPE z)."""
    return np.maximum(z, z * LEAKY[z.dtype], out=out)


def leaky_relu_slope(a, out=None):
    """Its derivative: 1 where the output a is positive (a keeps the sign of z), else
    LEAKY_SLOPE; written LEAKY_SLOPE + (1 - LEAKY_SLOPE) [a > 0]."""
    out = np.empty_like(a) if out is None else out
    np.greater(a, ZERO[a.dtype], out=out)
    np.multiply(out, LEAKY_REST[a.dtype], out=out)
    return np.add(out, LEAKY[a.dtype], out=out)


def linear(z, out=None):
    """The identity: z (copied into ``out`` if that is another array)."""
    if out is None or out is z:
        return z
    np.copyto(out, z)
    return out


def linear_slope(a, out=None):
    """The identity's derivative: 1."""
    if out is None:
        return np.ones_like(a)
    np.copyto(out, ONE[a.dtype])
    return out


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("tanh", "Tanh", tanh, tanh_slope),
        Activation("sigmoid", "Sigmoid", sigmoid, sigmoid_slope),
        Activation("relu", "ReLU", relu, relu_slope),
        Activation("leaky_relu", "Leaky ReLU", leaky_relu, leaky_relu_slope),
        Activation("linear", "Linear", linear, linear_slope),
    )
}
