"""Looking inside a run: per-layer gradient norms over epochs, and weight edits.

Gradient norms show *why* a network does not learn: with sigmoid in a deep net the
first layers' gradients vanish (norms many decades below the last layer's); with a
learning rate that is too large the update/weight ratio climbs towards 1 and beyond.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial as bind

import numpy as np

from .history import DecimatingLog


class GradientLog(DecimatingLog):
    """Per epoch and per layer: the gradient norm ``||dL/dA_i||`` (weights and bias of
    layer ``i``, on the epoch's last mini-batch) and the update/weight ratio
    ``||A_i(after) - A_i(before)|| / ||A_i(after)||`` over the epoch.

    Recording runs after every epoch, so it only stores the three squared sums per
    layer, measured by a few NumPy calls bound once (:meth:`bind`); the norms and ratios
    are computed when read. Rows hold ``n_layers`` values of each: ``||g||²``,
    ``||change||²``, ``||A||²``.
    """

    def __init__(self, n_layers: int, capacity: int = 4096):
        super().__init__(3 * n_layers, capacity)
        self.n_layers = n_layers
        self._calls: list = []

    def bind(self, params, grad, grad_scale: float, before, starts) -> None:
        """Set what :meth:`record` measures.

        Parameters
        ----------
        params, grad, before : ndarray (n_params,)
            The parameters, the gradient buffer (it holds ``grad_scale * gradient`` after
            a training step) and the parameters as they were when the epoch began.
        starts : ndarray (n_layers,)
            Offset of each layer's block in the flat vectors.
        """
        st = np.empty((3, params.size), params.dtype)
        self._sums = np.empty((3, len(starts)), params.dtype)
        unscale = np.array(1.0 / abs(grad_scale), params.dtype)
        self._calls = [bind(np.multiply, grad, unscale, st[0]),
                       bind(np.subtract, params, before, st[1]),
                       bind(np.copyto, st[2], params),
                       bind(np.square, st, st),
                       bind(np.add.reduceat, st, starts, axis=1, out=self._sums)]

    def record(self, epoch: int) -> None:
        """Add a row for ``epoch`` (if the stride keeps it), from the arrays given to
        :meth:`bind`."""
        if epoch % self.stride:
            return
        for call in self._calls:
            call()
        self.add(epoch, self._sums.ravel())

    @property
    def grad_norms(self) -> np.ndarray:
        """(n, n_layers) gradient norms."""
        return np.sqrt(self.rows[:, : self.n_layers])

    @property
    def update_ratios(self) -> np.ndarray:
        """(n, n_layers) update/weight ratios."""
        L, rows = self.n_layers, self.rows
        change, size = rows[:, L:2 * L], rows[:, 2 * L:]
        return np.sqrt(np.divide(change, size, out=np.zeros_like(change), where=size > 0))


@dataclass(frozen=True)
class Edit:
    """A hand edit of one parameter: ``row == n_in`` of layer ``layer`` is its bias."""

    epoch: int
    layer: int
    row: int
    col: int
    old: float
    new: float

    def describe(self, n_in: int) -> str:
        """Plain words, e.g. ``"epoch 12: layer 1 weight 2→3 set to 0.5 (was -0.13)"``."""
        what = (f"bias of unit {self.col + 1}" if self.row == n_in
                else f"weight {self.row + 1}→{self.col + 1}")
        return (f"epoch {self.epoch}: layer {self.layer + 1} {what} set to {self.new:g} "
                f"(was {self.old:.4g})")
