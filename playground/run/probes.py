"""Looking inside a run: per-layer gradient norms over epochs, and weight edits.

Gradient norms show *why* a network does not learn: with sigmoid in a deep net the
first layers' gradients vanish (norms many decades below the last layer's); with a
learning rate that is too large the update/weight ratio climbs towards 1 and beyond.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.run.history import DecimatingLog


class GradientLog(DecimatingLog):
    """Per epoch and per layer: the gradient norm ``||dL/dA_i||`` (weights and bias of
    layer ``i``, on the epoch's last mini-batch) and the update/weight ratio
    ``||A_i(after) - A_i(before)|| / ||A_i(after)||`` over the epoch.

    Recording runs after every epoch, so it only stores three squared sums per layer;
    the norms and ratios are computed when read. Rows hold ``n_layers`` values of each:
    ``||g||²``, ``||change||²``, ``||A||²``.

    Parameters
    ----------
    layer_starts : ndarray (n_layers,)
        Offset of each layer's block in the flat parameter vector.
    n_params : int
    dtype : numpy dtype
    """

    def __init__(self, layer_starts, n_params: int, dtype=np.float64, capacity: int = 4096):
        n_layers = len(layer_starts)
        super().__init__(3 * n_layers, capacity)
        self.n_layers = n_layers
        self._starts = np.asarray(layer_starts)
        self._squares = np.empty((3, n_params), dtype)  # g², change², A²
        self._sums = np.empty((3, n_layers), dtype)

    def record(self, epoch: int, params, grad, before) -> None:
        """Add a row for ``epoch`` (if the stride keeps it).

        Parameters
        ----------
        params, grad, before : ndarray (n_params,)
            The parameters, the gradient of the epoch's last step, and the parameters
            as they were when the epoch began.
        """
        if epoch % self.stride:
            return
        sq = self._squares
        np.subtract(params, before, out=sq[1])
        sq[0], sq[2] = grad, params
        np.square(sq, out=sq)
        np.add.reduceat(sq, self._starts, axis=1, out=self._sums)  # per layer
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
