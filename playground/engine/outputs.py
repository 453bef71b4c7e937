"""Output layers paired with their loss: sigmoid + binary cross-entropy, softmax +
cross-entropy, linear + mean squared error.

Each pairing is chosen so that the gradient of the mean loss over m points with
respect to the output layer's pre-activation ``z`` is simply

    dLoss/dz = grad_scale * (output(z) - Y) / m

(``grad_scale`` = 1 for the cross-entropies, 2 for the squared error): the network's
backward pass starts from it. Losses are computed from ``z`` (the logits), never from
probabilities, so they stay finite for any input: no ``log(0)``, no overflow.

Inside the engine logits and targets are *feature-major*: ``z`` and ``Y`` of shape
(k, m), one column per point (see ``network.py``). ``Y`` holds the 0/1 label for
sigmoid, a one-hot column for softmax, the target value for linear;
:meth:`Output.targets` builds its sample-major transpose (m, k) from labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.engine.activations import sigmoid, sigmoid_, sigmoid_into


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
        ``activate_(z)`` turns logits (k, m) into outputs in place (softmax: per column).
    grad_scale : float
        dLoss/dz = grad_scale * (output - Y) / m.
    delta_ : callable
        ``delta_(z, Y)`` replaces logits ``z`` (k, m) in place by
        ``grad_scale * (output(z) - Y)``, m times dLoss/dz: the backward pass's start.
    point_loss : callable
        ``point_loss(z, Y) -> (m,)``: each point's loss, for logits and targets (k, m).
    make_metrics : callable
        ``make_metrics(Y, regression, sizes=None) -> metrics``. ``Y`` (M, k) holds the
        targets of one or more data sets laid end to end, of ``sizes`` points each (one
        set of M by default). ``metrics(z)``, for the logits ``z`` of all M points stored
        feature-major, (k, M), returns a (2, S) float64 array: row 0 the mean loss of
        each set, row 1 its accuracy (the fraction of points on the right side of the
        decision boundary, a tie counting as class 1), or R² when ``regression``; NaN for
        an empty set. The array is scratch, rewritten by the next call. Everything that
        depends on ``Y`` alone is computed once: the trainer measures its training and
        test sets with one call after every epoch.
    """

    name: str
    label: str
    activate_: Callable[[np.ndarray], None]
    grad_scale: float
    delta_: Callable[[np.ndarray, np.ndarray], None]
    point_loss: Callable[[np.ndarray, np.ndarray], np.ndarray]
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
        """Mean loss over the m rows of logits ``z`` (m, k) against targets ``Y`` (m, k)."""
        return float(self.point_loss(z.T, Y.T).mean())

    def forward(self, z: np.ndarray) -> np.ndarray:
        """Outputs (probabilities for sigmoid/softmax) for logits ``z`` (m, k)."""
        out = np.array(z.T, dtype=z.dtype, order="C")
        self.activate_(out)
        return out.T


def _softmax_(z):
    """Softmax of each column of ``z`` (k, m) (or of a stack of them, (n_nets, k, m)), in
    place; shifted by the column's max so that exp never overflows."""
    np.subtract(z, z.max(axis=-2, keepdims=True), out=z)
    np.exp(z, out=z)
    np.divide(z, z.sum(axis=-2, keepdims=True), out=z)


def _sigmoid_delta(z, Y):  # y_hat - y: the cross-entropy's gradient through sigmoid
    sigmoid_into(z, z)
    z -= Y


def _softmax_delta(z, Y):  # y_hat - y: the cross-entropy's gradient through softmax
    _softmax_(z)
    z -= Y


def _squared_delta(z, Y):  # 2 (z - y): the gradient of (z - y)²
    z -= Y
    z *= 2.0


def _sigmoid_loss(z, Y):
    # -[y log p + (1-y) log(1-p)] with p = sigmoid(z) equals softplus(u), u = (1 - 2y) z;
    # softplus(u) = log(1 + e^u) = max(u, 0) + log(1 + e^-|u|) never overflows
    u = (1.0 - 2.0 * Y[0]) * z[0]
    return np.maximum(u, 0.0) + np.log1p(np.exp(-np.abs(u)))


def _softmax_loss(z, Y):
    # -log softmax(z)[label] = logsumexp(z) - z[label], per column
    zmax = z.max(axis=0)
    return np.log(np.exp(z - zmax).sum(axis=0)) + zmax - (z * Y).sum(axis=0)


def _squared_loss(z, Y):
    return ((z - Y) ** 2).sum(axis=0)


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
        np.dot(P, seg, out=sums)  # both rows summed per set, in one product
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
               _sigmoid_delta, _sigmoid_loss,
               _sigmoid_metrics),
        Output("softmax", "Softmax + cross-entropy", _softmax_, 1.0,
               _softmax_delta, _softmax_loss,
               _softmax_metrics),
        Output("linear", "Linear + squared error", lambda z: None, 2.0,
               _squared_delta, _squared_loss,
               _linear_metrics),
    )
}

__all__ = ["OUTPUTS", "Output", "sigmoid"]
