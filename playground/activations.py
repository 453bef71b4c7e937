"""Hidden-layer activation functions, each with its derivative.

An :class:`Activation` holds the textbook definitions ``fn(z)`` and ``deriv(z)``, and the
two in-place forms the network's passes use:

* ``forward_(h)`` replaces the pre-activations ``h`` by ``fn(h)``;
* ``backward_(a, d, tmp)`` multiplies ``d`` (dLoss/da) by the derivative, read from the
  activation's *output* ``a`` (e.g. tanh'(z) = 1 - a²), so the backward pass needs no
  copy of ``z``.

The registry :data:`ACTIVATIONS` maps a name (also a widget option and URL value) to an
:class:`Activation`.
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
        ``forward_(h)``: replace ``h`` (pre-activations, any shape) by ``fn(h)``.
    backward_ : callable
        ``backward_(a, d, tmp)``: multiply ``d`` in place by da/dz at output ``a``;
        ``tmp`` is scratch of ``a``'s shape.
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
    """In-place logistic function on ``h`` (any shape): (tanh(h/2) + 1) / 2."""
    np.multiply(h, 0.5, out=h)
    np.tanh(h, out=h)
    np.multiply(h, 0.5, out=h)
    np.add(h, 0.5, out=h)


def _sigmoid_backward(a, d, tmp):  # sigma' = a (1 - a)
    np.subtract(1.0, a, out=tmp)
    np.multiply(tmp, a, out=tmp)
    np.multiply(d, tmp, out=d)


def _tanh_(h):
    np.tanh(h, out=h)


def _tanh_backward(a, d, tmp):  # tanh' = 1 - a^2
    np.square(a, out=tmp)
    np.subtract(1.0, tmp, out=tmp)
    np.multiply(d, tmp, out=d)


def _relu_(h):
    np.maximum(h, 0.0, out=h)


def _relu_backward(a, d, tmp):  # relu' = 1 where the output is positive, else 0
    np.greater(a, 0.0, out=tmp)
    np.multiply(d, tmp, out=d)


def _leaky(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_(h):  # max(z, k z) equals leaky ReLU for 0 < k < 1
    np.maximum(h, LEAKY_SLOPE * h, out=h)


def _leaky_backward(a, d, tmp):  # the output keeps the sign of z: slope 1 or k
    np.greater(a, 0.0, out=tmp)
    np.multiply(tmp, 1.0 - LEAKY_SLOPE, out=tmp)
    np.add(tmp, LEAKY_SLOPE, out=tmp)
    np.multiply(d, tmp, out=d)


def _identity_(h):
    """The linear activation: nothing to do."""


def _identity_backward(a, d, tmp):
    """The linear activation's slope is 1: ``d`` stays as it is."""


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("tanh", "Tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2,
                   _tanh_, _tanh_backward),
        Activation("sigmoid", "Sigmoid", sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z)),
                   sigmoid_, _sigmoid_backward),
        Activation("relu", "ReLU", lambda z: np.maximum(z, 0.0),
                   lambda z: (z > 0).astype(float), _relu_, _relu_backward),
        Activation("leaky_relu", "Leaky ReLU", _leaky,
                   lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE), _leaky_, _leaky_backward),
        Activation("linear", "Linear", lambda z: z * 1.0, np.ones_like,
                   _identity_, _identity_backward),
    )
}
