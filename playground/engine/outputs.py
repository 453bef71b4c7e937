"""Output layers paired with their loss: sigmoid + binary cross-entropy, softmax +
cross-entropy, linear + mean squared error.

Each pairing is chosen so that m times the gradient of the mean loss over m points with
respect to the output layer's pre-activation ``z`` is simply

    m dLoss/dz = output(z) - Y          (2 (z - Y) for the squared error)

the output's ``delta``, where the network's backward pass starts. Losses are computed
from ``z`` (the logits), never from probabilities, so they stay finite for any input: no
``log(0)``, no overflow.

Every function here is written once and used by the network, a stack of networks, the
per-epoch metrics and the exported script. Inside the engine logits and targets are
*feature-major*: ``z`` and ``Y`` of shape (k, m), one column per point (see
``network.py``), so the classes run along ``axis=-2`` (the default; a sample-major
script passes ``axis=-1``). ``Y`` holds the 0/1 label for sigmoid, a one-hot column for
softmax, the target value for linear; :meth:`Output.targets` builds its sample-major
transpose (m, k) from labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.engine.activations import TWO, linear, sigmoid


def softmax(z, out=None, axis=-2):
    """e^z / sum(e^z) over the classes (``axis``), shifted by their max first so that exp
    never overflows."""
    out = np.subtract(z, z.max(axis=axis, keepdims=True), out=out)
    np.exp(out, out=out)
    return np.divide(out, out.sum(axis=axis, keepdims=True), out=out)


def sigmoid_delta(z, Y, out=None, axis=-2):
    """m dLoss/dz of the cross-entropy through a sigmoid: sigmoid(z) - y."""
    out = sigmoid(z, out=out)
    out -= Y
    return out


def softmax_delta(z, Y, out=None, axis=-2):
    """m dLoss/dz of the cross-entropy through a softmax: softmax(z) - y (one-hot)."""
    out = softmax(z, out=out, axis=axis)
    out -= Y
    return out


def squared_delta(z, Y, out=None, axis=-2):
    """m dLoss/dz of the squared error (z - y)²: 2 (z - y)."""
    out = np.subtract(z, Y, out=out)
    return np.multiply(out, TWO[out.dtype], out=out)


def sigmoid_loss(z, Y, axis=-2):
    """Each point's binary cross-entropy -[y log p + (1 - y) log(1 - p)], p = sigmoid(z).

    It equals softplus(u) with u = (1 - 2y) z, and softplus(u) = log(1 + e^u) is written
    max(u, 0) + log(1 + e^-|u|), which never overflows. (One output: ``axis`` goes.)"""
    u = (1 - 2 * Y) * z
    return (np.maximum(u, 0) + np.log1p(np.exp(-np.abs(u)))).squeeze(axis)


def softmax_loss(z, Y, axis=-2):
    """Each point's cross-entropy -log softmax(z)[label] = log sum e^z - z[label], with
    the max taken out of the sum so that exp never overflows."""
    z_max = z.max(axis=axis, keepdims=True)
    log_sum_exp = np.log(np.exp(z - z_max).sum(axis=axis)) + z_max.squeeze(axis)
    return log_sum_exp - (z * Y).sum(axis=axis)


def squared_loss(z, Y, axis=-2):
    """Each point's squared error (z - y)², summed over the outputs."""
    return ((z - Y) ** 2).sum(axis=axis)


def _sigmoid_class(z):  # class 1 when p >= 0.5, i.e. z >= 0 (a tie counts as 1)
    return z[0] >= 0


def _softmax_class(z):  # the most likely class
    return z.argmax(axis=0)


def _threshold_class(z):  # a single output read through a 0.5 threshold (a tie: 1)
    return z[0] >= 0.5


@dataclass(frozen=True)
class Output:
    """An output activation with its loss.

    Attributes
    ----------
    name : str
        Registry key (``"sigmoid"``, ``"softmax"``, ``"linear"``).
    label : str
        Human label for the UI.
    activate : callable
        ``activate(z, out=None)``: the outputs for logits ``z`` (k, m) (softmax: per
        column); ``out`` may be ``z``.
    delta : callable
        ``delta(z, Y, out=None, axis=-2)``: m dLoss/dz for logits and targets (k, m),
        the backward pass's start; ``out`` may be ``z``.
    point_loss : callable
        ``point_loss(z, Y, axis=-2) -> (m,)``: each point's loss, for logits and targets
        (k, m). ``axis`` is the one along which the classes run, in both.
    decide : callable
        ``decide(z) -> (m,)``: the class the logits (k, m) give each point (a bool
        for a single output: class 1 or not).
    """

    name: str
    label: str
    activate: Callable[..., np.ndarray]
    delta: Callable[..., np.ndarray]
    point_loss: Callable[..., np.ndarray]
    decide: Callable[[np.ndarray], np.ndarray]

    def activate_(self, z: np.ndarray) -> None:
        """Turn logits ``z`` (k, m) into outputs, in place."""
        self.activate(z, out=z)

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

    def make_metrics(self, Y: np.ndarray, regression: bool = False, sizes=None):
        """The per-epoch measure of one or more data sets laid end to end.

        Parameters
        ----------
        Y : ndarray (M, k)
            The targets of the sets, of ``sizes`` points each (one set of M by default).
        regression : bool
            Score by R² instead of accuracy.
        sizes : sequence of int, optional

        Returns
        -------
        callable
            ``metrics(z)``, for the logits ``z`` of all M points stored feature-major,
            (k, M), returns a (2, S) float64 array: row 0 the mean loss of each set, row 1
            its accuracy (the fraction of points on the right side of the decision
            boundary, a tie counting as class 1), or R² when ``regression``; NaN for an
            empty set. The array is scratch, rewritten by the next call. Everything that
            depends on ``Y`` alone is made once: the trainer measures its training and
            test sets with one call after every epoch.
        """
        Yt = np.ascontiguousarray(Y.T)  # (k, M), as the logits
        labels = Yt.argmax(axis=0) if len(Yt) > 1 else Yt[0] > 0.5  # 0/1 targets: > 0.5
        P = np.empty((2, len(Y)), Y.dtype)  # per point: its loss, and whether it is right
        finish = _segment_means(P[:1] if regression else P, Y, sizes or [len(Y)], regression)

        def metrics(z):
            P[0] = self.point_loss(z, Yt)
            if not regression:
                np.equal(self.decide(z), labels, out=P[1])
            return finish()
        return metrics


# The trainer measures its training and test points in one call: ``finish`` sums each
# row of per-point terms per data set with a single product with a 0/1 segment matrix, so
# every set is measured in the same few NumPy calls, whatever their number.

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


OUTPUTS: dict[str, Output] = {
    o.name: o
    for o in (
        Output("sigmoid", "Sigmoid + cross-entropy", sigmoid, sigmoid_delta, sigmoid_loss,
               _sigmoid_class),
        Output("softmax", "Softmax + cross-entropy", softmax, softmax_delta, softmax_loss,
               _softmax_class),
        Output("linear", "Linear + squared error", linear, squared_delta, squared_loss,
               _threshold_class),
    )
}

__all__ = ["OUTPUTS", "Output", "sigmoid", "softmax"]
