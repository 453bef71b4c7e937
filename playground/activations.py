"""Hidden-layer activation functions, each with its derivative.

Every activation is stored twice over, on purpose:

* ``fn(z)`` and ``deriv(z)`` are the textbook definitions, readable and used by the
  tests to check the fast path;
* ``make_forward(dtype)`` and ``make_slope(dtype)`` build the in-place *kernels* the
  network runs in its training loop. A kernel does not compute anything itself: given
  the arrays it will work on, it returns the list of NumPy calls that do, each bound to
  its arguments with ``functools.partial`` (a zero-argument call). The network strings
  these lists together into a training *program* (see ``network.py``) that runs with no
  Python function frame between two NumPy calls.

  - ``forward(h)`` -> calls that replace the pre-activations ``h`` by ``fn(h)``;
    for tanh that is the single call ``np.tanh(h, h)``.
  - ``slope(a, out)`` -> calls that write the derivative *in terms of the activation's
    output* ``a`` into ``out`` (e.g. tanh' = 1 - a²), so nothing is recomputed from ``z``.

  Constants inside kernels are 0-d arrays of the network's dtype: NumPy converts a
  Python float at every call, which costs a third of a small ufunc call (measured).

``forward_(h)`` and ``backward_(a, d, tmp)`` run the kernels for one-off use.

The registry :data:`ACTIVATIONS` maps a name (also a widget option and URL value) to
an :class:`Activation`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial as bind

import numpy as np

LEAKY_SLOPE = 0.01  # slope of leaky ReLU for z < 0


Kernel = Callable[..., list]  # arrays -> list of zero-argument NumPy calls


# np.dot first checks its arguments for __array_function__ overrides, through a small
# Python function, on every call (~0.1 us, a quarter of a small product). The C function
# underneath skips that check; the engine never passes overrides.
dot = getattr(np.dot, "_implementation", np.dot)


def run(calls) -> None:
    """Run a list of zero-argument calls, in order (a kernel's or a program's)."""
    for call in calls:
        call()


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
    make_forward : callable
        ``make_forward(dtype) -> forward``; ``forward(h)`` returns the calls that replace
        ``h`` by ``fn(h)``.
    make_slope : callable
        ``make_slope(dtype) -> slope``; ``slope(a, out)`` returns the calls that write
        da/dz, computed from the output ``a``, into ``out``.
    """

    name: str
    label: str
    fn: Callable[[np.ndarray], np.ndarray]
    deriv: Callable[[np.ndarray], np.ndarray]
    make_forward: Callable[[np.dtype], Kernel]
    make_slope: Callable[[np.dtype], Kernel]

    def forward_(self, h: np.ndarray) -> None:
        """Replace ``h`` (pre-activations) by ``fn(h)`` in place."""
        run(self.make_forward(h.dtype)(h))

    def backward_(self, a: np.ndarray, d: np.ndarray, tmp: np.ndarray) -> None:
        """Multiply ``d`` (dLoss/da) in place by the derivative at output ``a``;
        ``tmp`` is scratch of ``a``'s shape."""
        run(self.make_slope(a.dtype)(a, tmp))
        np.multiply(d, tmp, out=d)


def _const(value, dtype) -> np.ndarray:
    """A constant as a 0-d array of ``dtype``: the cheapest way to hand it to a ufunc."""
    return np.array(value, dtype)


def sigmoid(z):
    """Logistic function 1 / (1 + e^-z), written via tanh so it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_(h):
    """In-place logistic function on ``h`` (any shape)."""
    np.multiply(h, 0.5, out=h)
    np.tanh(h, out=h)
    np.multiply(h, 0.5, out=h)
    np.add(h, 0.5, out=h)


def _sigmoid_forward(dtype):
    half = _const(0.5, dtype)

    def forward(h):  # sigma(z) = (tanh(z/2) + 1) / 2
        return [bind(np.multiply, h, half, h), bind(np.tanh, h, h),
                bind(np.multiply, h, half, h), bind(np.add, h, half, h)]
    return forward


def _sigmoid_slope(dtype):
    one = _const(1.0, dtype)

    def slope(a, out):  # sigma' = a (1 - a)
        return [bind(np.subtract, one, a, out), bind(np.multiply, out, a, out)]
    return slope


def _tanh_forward(dtype):
    def forward(h):
        return [bind(np.tanh, h, h)]
    return forward


def _tanh_slope(dtype):
    one = _const(1.0, dtype)

    def slope(a, out):  # tanh' = 1 - a^2
        return [bind(np.square, a, out), bind(np.subtract, one, out, out)]
    return slope


def _relu_forward(dtype):
    zero = _const(0.0, dtype)

    def forward(h):
        return [bind(np.maximum, h, zero, out=h)]  # (maximum takes ``out`` by keyword)
    return forward


def _relu_slope(dtype):
    zero = _const(0.0, dtype)

    def slope(a, out):  # relu' = 1 where the output is positive, else 0
        return [bind(np.greater, a, zero, out)]
    return slope


def _leaky(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_forward(dtype):
    k = _const(LEAKY_SLOPE, dtype)

    def forward(h):  # max(z, k z) equals leaky ReLU for 0 < k < 1
        kh = np.empty_like(h)
        return [bind(np.multiply, h, k, kh), bind(np.maximum, h, kh, out=h)]
    return forward


def _leaky_slope(dtype):
    zero, k, rest = _const(0.0, dtype), _const(LEAKY_SLOPE, dtype), _const(1 - LEAKY_SLOPE, dtype)

    def slope(a, out):  # the output keeps the sign of z, so the slope is read from a
        return [bind(np.greater, a, zero, out), bind(np.multiply, out, rest, out),
                bind(np.add, out, k, out)]
    return slope


def _linear_forward(dtype):
    def forward(h):  # identity: nothing to do
        return []
    return forward


def _linear_slope(dtype):
    one = _const(1.0, dtype)

    def slope(a, out):
        return [bind(np.copyto, out, one)]
    return slope


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("tanh", "Tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2,
                   _tanh_forward, _tanh_slope),
        Activation("sigmoid", "Sigmoid", sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z)),
                   _sigmoid_forward, _sigmoid_slope),
        Activation("relu", "ReLU", lambda z: np.maximum(z, 0.0),
                   lambda z: (z > 0).astype(float), _relu_forward, _relu_slope),
        Activation("leaky_relu", "Leaky ReLU", _leaky,
                   lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE), _leaky_forward, _leaky_slope),
        Activation("linear", "Linear", lambda z: z * 1.0, np.ones_like,
                   _linear_forward, _linear_slope),
    )
}
