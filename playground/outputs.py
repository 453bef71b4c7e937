"""Output layers paired with their loss: sigmoid + binary cross-entropy, softmax +
cross-entropy, linear + mean squared error.

Each pairing is chosen so that the gradient of the mean loss with respect to the
output layer's pre-activation ``z`` is simply ``scale * (output - Y) / m``
(``scale`` = 1 for the cross-entropies, 2 for the squared error), which is what the
network's backward pass uses. Losses are computed from ``z`` (the logits), never from
probabilities, so they stay finite for any input: no ``log(0)``, no overflow.

``Y`` is the target as a matrix of shape (m, n_outputs): the 0/1 label as a column
for sigmoid, a one-hot matrix for softmax, the target value as a column for linear.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial as bind

import numpy as np

from .activations import sigmoid, sigmoid_


@dataclass(frozen=True)
class Output:
    """An output activation with its loss.

    Attributes
    ----------
    name : str
        Registry key (``"sigmoid"``, ``"softmax"``, ``"linear"``).
    label : str
        Human label for the UI.
    activate_ : callable
        ``activate_(z)`` turns logits (m, k) into outputs in place.
    grad_scale : float
        dLoss/dz = grad_scale * (output - Y) / m.
    make_delta : callable
        ``make_delta(dtype, c) -> delta``; ``delta(z, T)`` returns the NumPy calls (bound,
        zero-argument; see ``activations``) that replace logits ``z`` (m, k) in place by
        ``c * m * dLoss/dz`` = ``c * grad_scale * (output - Y)``, given the targets in
        the form ``T = delta_targets(Y)``. With ``c = 1/m`` that is the
        gradient of the mean loss; the trainer also folds ``-learning_rate`` into ``c``.
        This is the backward pass's first step, written with as few NumPy calls as
        possible; its constants are 0-d arrays of ``dtype`` (see ``activations``).
    delta_targets : callable
        ``delta_targets(Y) -> T``, computed once per data set, not at every step.
    make_metrics : callable
        ``make_metrics(Y, regression) -> metrics``; ``metrics(z) -> (loss, score)`` for
        logits ``z`` stored *feature-major*, (k, m), as the network's passes leave them:
        the mean loss and the accuracy (the fraction of points strictly on the right side
        of the decision boundary), or R² when ``regression``. ``Y`` (m, k) is fixed (a
        data set's targets), so everything that depends on it alone is computed once; the
        trainer calls ``metrics`` on its training and test sets after every epoch.
    """

    name: str
    label: str
    activate_: Callable[[np.ndarray], None]
    grad_scale: float
    make_delta: Callable[[np.dtype, float], Callable[[np.ndarray, np.ndarray], list]]
    delta_targets: Callable[[np.ndarray], np.ndarray]
    make_metrics: Callable[[np.ndarray, bool], Callable[[np.ndarray], tuple[float, float]]]

    def n_outputs(self, n_classes: int) -> int:
        """Number of output units for a problem with ``n_classes`` (1 for regression)."""
        return n_classes if self.name == "softmax" else 1

    def targets(self, y: np.ndarray, n_classes: int, dtype=np.float64) -> np.ndarray:
        """Targets ``y`` (m,) as the matrix ``Y`` (m, n_outputs) this output compares to."""
        y = np.asarray(y)
        if self.name == "softmax":
            Y = np.zeros((y.shape[0], n_classes), dtype=dtype)
            Y[np.arange(y.shape[0]), y.astype(np.intp)] = 1.0
            return Y
        return y.astype(dtype).reshape(-1, 1)

    def loss(self, z: np.ndarray, Y: np.ndarray) -> float:
        """Mean loss over the m rows of logits ``z`` (m, k) against targets ``Y`` (m, k):
        the metrics' loss (one-off use; the trainer keeps its ``make_metrics`` closures)."""
        return self.make_metrics(Y, self.name == "linear")(np.ascontiguousarray(z.T))[0]

    def forward(self, z: np.ndarray) -> np.ndarray:
        """Outputs (probabilities for sigmoid/softmax) for logits ``z`` (m, k)."""
        out = np.array(z, dtype=z.dtype, copy=True)
        self.activate_(out)
        return out


def _sigmoid_delta(dtype, c):
    half, scale = np.array(0.5, dtype), np.array(0.5 * c, dtype)

    def delta(z, T):
        # c (sigma(z) - y) = (c/2) (tanh(z/2) + 1 - 2y): with T = 1 - 2y given, 4 calls
        return [bind(np.multiply, z, half, z), bind(np.tanh, z, z), bind(np.add, z, T, z),
                bind(np.multiply, z, scale, z)]
    return delta


def _sigmoid_delta_targets(Y):
    return 1.0 - 2.0 * Y


def _difference_delta(grad_scale, activate_=None):
    def make_delta(dtype, c):
        scale = np.array(grad_scale * c, dtype)

        def delta(z, T):
            # grad_scale * (output - Y) * c, with T = Y
            first = [bind(activate_, z)] if activate_ is not None else []
            return first + [bind(np.subtract, z, T, z), bind(np.multiply, z, scale, z)]
        return delta
    return make_delta


def _same(Y):
    return Y


def _softmax_(z):
    np.subtract(z, z.max(axis=1, keepdims=True), out=z)
    np.exp(z, out=z)
    np.divide(z, z.sum(axis=1, keepdims=True), out=z)


# ---------------------------------------------------------------------- per-epoch metrics
# Each factory takes a data set's targets Y (m, k) and returns ``metrics(z)`` for its
# feature-major logits z (k, m), with scratch buffers and constants made once.

def _sigmoid_metrics(Y, regression=False):
    Y = Y.T  # (1, m)
    m, dtype = Y.shape[1], Y.dtype
    sign = np.ascontiguousarray(1.0 - 2.0 * Y)  # -1 for class 1, +1 for class 0
    u, t, wrong = np.empty_like(sign), np.empty_like(sign), np.empty(sign.shape, bool)
    zero = np.array(0.0, dtype)

    def metrics(z):
        # the loss -[y log p + (1-y) log(1-p)] with p = sigmoid(z) is softplus(u), where
        # u = (1 - 2y) z; a point is on the right side iff u < 0
        np.multiply(z, sign, u)
        right = np.count_nonzero(np.less(u, zero, wrong))
        np.abs(u, t)
        np.negative(t, t)
        np.exp(t, t)
        np.log1p(t, t)  # log(1 + e^-|u|): softplus(u) - max(u, 0), never overflows
        np.maximum(u, zero, out=u)
        np.add(t, u, t)
        return float(t.sum()) / m, right / m
    return metrics


def _linear_metrics(Y, regression=True):
    Y = np.ascontiguousarray(Y.T)  # (k, m)
    m = Y.shape[1]
    d = np.empty_like(Y)
    ss_tot = float(((Y - Y.mean(axis=1, keepdims=True)) ** 2).sum())
    above, half = np.empty(Y.shape, bool), np.array(0.5, Y.dtype)
    label = Y > 0.5

    def metrics(z):
        np.subtract(z, Y, d)
        np.multiply(d, d, d)
        ss_res = float(d.sum())  # mean squared error summed over outputs, averaged over rows
        if regression:
            return ss_res / m, (1.0 - ss_res / ss_tot if ss_tot > 0 else 0.0)
        np.greater(z, half, above)  # 0/1 targets read through a 0.5 threshold
        return ss_res / m, np.count_nonzero(np.equal(above, label, above)) / m
    return metrics


def _softmax_metrics(Y, regression=False):
    k, m = Y.shape[1], Y.shape[0]
    labels = Y.argmax(axis=1)
    picked = labels * m + np.arange(m)  # flat index of z[label_i, i] in a (k, m) array
    e = np.empty((k, m), Y.dtype)

    def metrics(z):
        # cross-entropy = logsumexp(z) - z[label], per column
        zmax = z.max(axis=0)
        np.subtract(z, zmax, e)
        np.exp(e, e)
        lse = np.log(e.sum(axis=0))
        lse += zmax
        lse -= z.take(picked)  # per column first: a difference of two sums loses digits
        return float(lse.sum()) / m, np.count_nonzero(z.argmax(axis=0) == labels) / m
    return metrics


OUTPUTS: dict[str, Output] = {
    o.name: o
    for o in (
        Output("sigmoid", "Sigmoid + cross-entropy", sigmoid_, 1.0,
               _sigmoid_delta, _sigmoid_delta_targets, _sigmoid_metrics),
        Output("softmax", "Softmax + cross-entropy", _softmax_, 1.0,
               _difference_delta(1.0, _softmax_), _same, _softmax_metrics),
        Output("linear", "Linear + squared error", lambda z: None, 2.0,
               _difference_delta(2.0), _same, _linear_metrics),
    )
}

__all__ = ["OUTPUTS", "Output", "sigmoid"]
