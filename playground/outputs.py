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

from .activations import dot as _dot
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
        ``make_metrics(Y, regression, sizes=None) -> metrics``. ``Y`` (M, k) holds the
        targets of one or more data sets laid end to end, of ``sizes`` points each (one
        set of M by default). ``metrics(z)``, for the logits ``z`` of all M points stored
        *feature-major*, (k, M), as the network's passes leave them, returns a (2, S)
        float64 array: row 0 the mean loss of each set, row 1 its accuracy (the fraction
        of points strictly on the right side of the decision boundary), or R² when
        ``regression``; NaN for an empty set. The array is scratch, rewritten by the next
        call. ``Y`` is fixed, so everything that depends on it alone is computed once; the
        trainer measures its training and test sets with one call after every epoch.
    """

    name: str
    label: str
    activate_: Callable[[np.ndarray], None]
    grad_scale: float
    make_delta: Callable[[np.dtype, float], Callable[[np.ndarray, np.ndarray], list]]
    delta_targets: Callable[[np.ndarray], np.ndarray]
    make_metrics: Callable[..., Callable[[np.ndarray], np.ndarray]]

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
        return float(self.make_metrics(Y, self.name == "linear")(np.ascontiguousarray(z.T))[0, 0])

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
# Each factory takes the targets Y (M, k) of one or more data sets laid end to end (the
# trainer passes training then test points) and their sizes, and returns ``metrics(z)``
# for the feature-major logits z (k, M) of all of them. It writes one row of per-point
# terms for the loss and one for the score into ``P`` (2, M), then a single product with
# a 0/1 segment matrix sums both rows per data set: every set is measured in the same
# ten-odd NumPy calls, whatever their number. Scratch buffers and everything that depends
# on Y alone are made once.

def _segment_means(P, Y, sizes, regression):
    """``finish()`` turning the per-point rows ``P`` (2, M) into ``out`` (2, S): per
    segment of ``sizes``, the mean of row 0 (the loss) and the mean of row 1 (the
    fraction right), or for ``regression`` 1 - sum(row 0) / sum of squares of the
    targets about their mean (R²). An empty segment gives NaN."""
    sizes = [int(n) for n in sizes]
    bounds = np.cumsum([0] + sizes)
    seg = np.zeros((P.shape[1], len(sizes)), P.dtype)  # seg[i, j] = 1: point i is in set j
    count = np.array(sizes, np.float64)
    count[count == 0] = np.nan
    divisor, offset = np.array([count, count]), np.zeros((2, len(sizes)))
    for j, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        seg[a:b, j] = 1
        if regression and b > a:
            ss_tot = float(((Y[a:b] - Y[a:b].mean(axis=0)) ** 2).sum())
            # R² = 1 - ss_res / ss_tot; constant targets (ss_tot = 0) score 0
            divisor[1, j], offset[1, j] = (-ss_tot, 1.0) if ss_tot > 0 else (np.inf, 0.0)
    sums, out = np.empty((P.shape[0], len(sizes)), P.dtype), np.empty((2, len(sizes)))

    def finish():
        _dot(P, seg, sums)  # both rows summed per set, in one product
        np.divide(sums, divisor, out)  # exact counts over sizes: accuracy as count / m
        if regression:
            np.add(out, offset, out)
        return out
    return finish


def _sigmoid_metrics(Y, regression=False, sizes=None):
    sign = np.ascontiguousarray(1.0 - 2.0 * Y.T)  # (1, M): -1 for class 1, +1 for class 0
    label = Y.T > 0.5  # (1, M)
    P, u = np.empty((2, sign.shape[1]), Y.dtype), np.empty_like(sign)
    says_one = np.empty(label.shape, bool)
    loss, right = P[:1], P[1:]
    zero, minus_one = np.array(0.0, Y.dtype), np.array(-1.0, Y.dtype)
    finish = _segment_means(P, Y, sizes or [len(Y)], False)

    def metrics(z):
        # the loss -[y log p + (1-y) log(1-p)] with p = sigmoid(z) is softplus(u), where
        # u = (1 - 2y) z. The network says class 1 when p >= 0.5, i.e. z >= 0 (a tie
        # counts as class 1, so a point exactly on the boundary is right for one class)
        np.multiply(z, sign, u)
        np.greater_equal(z, zero, says_one)
        np.equal(says_one, label, right)
        np.copysign(z, minus_one, loss)  # -|z| = -|u|
        np.exp(loss, loss)
        np.log1p(loss, loss)  # log(1 + e^-|u|) = softplus(u) - max(u, 0): never overflows
        np.maximum(u, zero, out=u)
        np.add(loss, u, loss)
        return finish()
    return metrics


def _linear_metrics(Y, regression=True, sizes=None):
    Yt = np.ascontiguousarray(Y.T)  # (k, M)
    P, d = np.empty((2, Yt.shape[1]), Y.dtype), np.empty_like(Yt)
    above, half, label = np.empty(Yt.shape, bool), np.array(0.5, Y.dtype), Yt > 0.5
    finish = _segment_means(P[:1] if regression else P, Y, sizes or [len(Y)], regression)

    def metrics(z):
        np.subtract(z, Yt, d)
        np.square(d, d)
        np.sum(d, axis=0, out=P[0])  # squared error summed over outputs
        if not regression:  # 0/1 targets read through a 0.5 threshold
            np.greater_equal(z, half, above)  # a tie counts as class 1
            np.equal(above[0], label[0], P[1])
        return finish()
    return metrics


def _softmax_metrics(Y, regression=False, sizes=None):
    (M, k), labels = Y.shape, Y.argmax(axis=1)
    picked = labels * M + np.arange(M)  # flat index of z[label_i, i] in a (k, M) array
    P, e = np.empty((2, M), Y.dtype), np.empty((k, M), Y.dtype)
    loss = P[0]
    finish = _segment_means(P, Y, sizes or [M], False)

    def metrics(z):
        # cross-entropy = logsumexp(z) - z[label], per column
        zmax = z.max(axis=0)
        np.subtract(z, zmax, e)
        np.exp(e, e)
        np.sum(e, axis=0, out=loss)
        np.log(loss, loss)
        np.add(loss, zmax, loss)
        np.subtract(loss, z.take(picked), loss)
        np.equal(z.argmax(axis=0), labels, P[1])
        return finish()
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
