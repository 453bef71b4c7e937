"""Preallocated arrays for a network's passes on a batch of ``m`` points.

Layout (why, with figures: ``docs/performance.md``). A batch is stored *feature-major*,
one row per neuron and one column per point, and every layer's input ends with a row
of ones, ``[a; 1]`` of shape (n + 1, m), so that one product with the layer's augmented
matrix ``A = [W; b]`` gives ``z = W.T a + b`` (see ``network.py``). The passes write into
these arrays in place instead of making new ones at every step: for small layers the
cost of a NumPy call, not the arithmetic, dominates, and allocating is a call too.
"""

from __future__ import annotations

import numpy as np


def augment(X: np.ndarray, dtype=None) -> np.ndarray:
    """Inputs ``X`` (m, n) as the passes consume them: transposed with a row of ones
    appended, ``[X.T; 1]`` of shape (n + 1, m)."""
    X = np.asarray(X, dtype=dtype)
    Xa = np.ones((X.shape[1] + 1, X.shape[0]), dtype=X.dtype)
    Xa[:-1] = X.T
    return Xa


class Buffers:
    """The arrays one forward and backward pass on ``m`` points write into.

    Parameters
    ----------
    layer_sizes : tuple of int
        ``(n_in, hidden_1, ..., n_out)``.
    m : int
        Points per batch.
    dtype : numpy dtype
    logits : ndarray (n_out, m), optional
        Where the output layer's ``z`` goes (e.g. a block of a larger array, C-contiguous);
        by default a new array.
    backward : bool
        False for forward passes only (a plot's grid): no deltas, a third of the memory.
    n_nets : int, optional
        For a stack of networks of one shape (:class:`~playground.stack.NetworkStack`):
        every array below gets a leading axis of ``n_nets``, one block per network.

    Attributes
    ----------
    x : ndarray (n_in + 1, m)
        Room for inputs ``[x; 1]`` (used by :meth:`MLP.loss_and_gradients`).
    H : ndarray (sum(n_i + 1), m)
        Every hidden layer's ``[a_i; 1]``, one block of rows each.
    a : list of ndarray (n_i + 1, m)
        Each hidden layer's output with its row of ones, ``[a_i; 1]`` (a block of ``H``).
    hidden : list of ndarray (n_i, m)
        ``a[i]`` without the ones: where ``z_i`` goes, then ``a_i = act(z_i)`` in place.
    logits : ndarray (n_out, m)
        The output layer's ``z``; the backward pass turns it into its delta.
    delta : list of ndarray (n_i, m)
        dLoss/dz of each hidden layer, then ``logits`` (the output layer's).
    delta_T : list of ndarray (m, n_i)
        ``delta[i].T`` (views made once: a view costs as much as a small product's call).
    S, slope : ndarray like ``H``, list of ndarray (n_i, m)
        The activation's derivative at every hidden unit, and each layer's block of it.
    inv_m : ndarray ()
        ``1 / m`` as a 0-d array of ``dtype`` (cheaper for NumPy than a Python float).
    """

    def __init__(self, layer_sizes, m: int, dtype, logits=None, backward: bool = True,
                 n_nets: int | None = None):
        hidden_sizes = layer_sizes[1:-1]
        lead = () if n_nets is None else (n_nets,)  # the stack's axis, if any
        self.x = np.ones((*lead, layer_sizes[0] + 1, m), dtype)
        # The hidden layers' [a; 1] are blocks of rows of one array H (and their slopes
        # blocks of S), so that one call computes every layer's act'.
        ends = np.cumsum([0] + [n + 1 for n in hidden_sizes]).tolist()
        blocks = list(zip(ends[:-1], ends[1:], strict=True))
        self.H = np.ones((*lead, ends[-1], m), dtype)
        self.a = [self.H[..., s:e, :] for s, e in blocks]
        self.hidden = [a[..., :-1, :] for a in self.a]
        self.logits = (np.empty((*lead, layer_sizes[-1], m), dtype) if logits is None
                       else logits)
        if backward:
            self.S = np.empty_like(self.H)
            self.slope = [self.S[..., s:e - 1, :] for s, e in blocks]
            self.delta = [np.empty((*lead, n, m), dtype) for n in hidden_sizes] + [self.logits]
            self.delta_T = [np.swapaxes(d, -1, -2) for d in self.delta]  # each delta.T
            self.inv_m = np.array(1.0 / m, dtype)
