"""Looking inside a run: per-layer gradient norms over epochs, and weight edits.

Gradient norms show *why* a network does not learn: with sigmoid in a deep net the
first layers' gradients vanish (norms many decades below the last layer's); with a
learning rate that is too large the update/weight ratio climbs towards 1 and beyond.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .history import DecimatingLog


class GradientLog(DecimatingLog):
    """Per epoch and per layer: the gradient norm ``||dL/dA_i||`` (weights and bias of
    layer ``i``, on the epoch's last mini-batch) and the update/weight ratio
    ``||A_i(after) - A_i(before)|| / ||A_i(after)||`` over the epoch.

    Rows hold ``n_layers`` gradient norms, then ``n_layers`` ratios.
    """

    def __init__(self, n_layers: int, capacity: int = 4096):
        super().__init__(2 * n_layers, capacity)
        self.n_layers = n_layers

    def record(self, epoch: int, params, grad, grad_scale: float, before, starts) -> None:
        """Add a row for ``epoch`` (if the stride keeps it).

        Parameters
        ----------
        params, grad, before : ndarray (n_params,)
            Parameters now, the gradient buffer (holding ``grad_scale * gradient``) and
            the parameters at the start of the epoch.
        starts : ndarray (n_layers,)
            Offset of each layer's block in the flat vectors.
        """
        if not self.wants(epoch):
            return
        gnorm = np.sqrt(np.add.reduceat(grad * grad, starts)) / abs(grad_scale)
        d = params - before
        change = np.sqrt(np.add.reduceat(d * d, starts))
        size = np.sqrt(np.add.reduceat(params * params, starts))
        ratio = np.divide(change, size, out=np.zeros_like(change), where=size > 0)
        self.add(epoch, np.concatenate([gnorm, ratio]))

    @property
    def grad_norms(self) -> np.ndarray:
        """(n, n_layers) gradient norms."""
        return self.rows[:, : self.n_layers]

    @property
    def update_ratios(self) -> np.ndarray:
        """(n, n_layers) update/weight ratios."""
        return self.rows[:, self.n_layers:]


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
