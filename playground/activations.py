"""Hidden-layer activation functions, each with its derivative.

Every activation is stored twice over, on purpose:

* ``fn(z)`` and ``deriv(z)`` are the textbook definitions, readable and used by the
  tests to check the fast path;
* ``forward_(h)`` and ``backward_(a, d, tmp)`` are the in-place versions the network
  runs in its training loop. ``backward_`` writes the derivative *in terms of the
  activation's output* ``a`` (e.g. tanh' = 1 - a²), so nothing is recomputed and no
  array is allocated. All activations here have that property.

The registry :data:`ACTIVATIONS` maps a name (also a widget option and URL value) to
an :class:`Activation`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01  # slope of leaky ReLU for z < 0


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
    forward_ : callable
        ``forward_(h)``: replaces ``h`` (pre-activations) by ``fn(h)`` in place.
    backward_ : callable
        ``backward_(a, d, tmp)``: multiplies ``d`` (dLoss/da) in place by the
        derivative expressed from the output ``a``; ``tmp`` is scratch of ``a``'s shape.
    """

    name: str
    label: str
    fn: Callable[[np.ndarray], np.ndarray]
    deriv: Callable[[np.ndarray], np.ndarray]
    forward_: Callable[[np.ndarray], None]
    backward_: Callable[[np.ndarray, np.ndarray, np.ndarray], None]


def sigmoid(z):
    """Logistic function 1 / (1 + e^-z), written via tanh so it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_(h):
    """In-place logistic function on ``h`` (any shape)."""
    np.multiply(h, 0.5, out=h)
    np.tanh(h, out=h)
    np.multiply(h, 0.5, out=h)
    np.add(h, 0.5, out=h)


def _sigmoid_back_(a, d, tmp):
    # sigma' = a (1 - a)
    np.subtract(1.0, a, out=tmp)
    np.multiply(tmp, a, out=tmp)
    np.multiply(d, tmp, out=d)


def _tanh_back_(a, d, tmp):
    # tanh' = 1 - a^2
    np.multiply(a, a, out=tmp)
    np.subtract(1.0, tmp, out=tmp)
    np.multiply(d, tmp, out=d)


def _relu_(h):
    np.maximum(h, 0.0, out=h)


def _relu_back_(a, d, tmp):
    # relu' = 1 where the output is positive, else 0
    np.greater(a, 0.0, out=tmp)
    np.multiply(d, tmp, out=d)


def _leaky(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_(h):
    # max(z, slope*z) equals leaky ReLU for 0 < slope < 1
    np.maximum(h, LEAKY_SLOPE * h, out=h)


def _leaky_back_(a, d, tmp):
    # the output keeps the sign of z, so the slope is read from a
    np.greater(a, 0.0, out=tmp)
    np.multiply(tmp, 1.0 - LEAKY_SLOPE, out=tmp)
    np.add(tmp, LEAKY_SLOPE, out=tmp)
    np.multiply(d, tmp, out=d)


def _noop(*_args):
    pass


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "tanh", "Tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2,
            lambda h: np.tanh(h, out=h), _tanh_back_,
        ),
        Activation(
            "sigmoid", "Sigmoid", sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z)),
            sigmoid_, _sigmoid_back_,
        ),
        Activation(
            "relu", "ReLU", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float),
            _relu_, _relu_back_,
        ),
        Activation(
            "leaky_relu", "Leaky ReLU", _leaky, lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE),
            _leaky_, _leaky_back_,
        ),
        Activation(
            "linear", "Linear", lambda z: z * 1.0, np.ones_like, _noop, _noop,
        ),
    )
}
