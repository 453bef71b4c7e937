"""What the app reads off a run, and the hand edits it makes: predictions over a grid,
snapshots for replay, run files, and setting one weight or bias. A mixin of
:class:`~playground.trainer.Trainer`, kept apart so that each file stays short."""

from __future__ import annotations

import numpy as np

from playground.data.datasets import DOMAIN
from playground.data.features import feature_matrix
from playground.engine.buffers import augment
from playground.run.history import METRICS
from playground.run.probes import Edit
from playground.run.run_file import run_from_json, run_to_json

MAX_PINNED = 256  # snapshots chosen with snapshot() (and edits)
EDIT_LIMIT = 100.0  # a hand edit sets a weight or bias within [-EDIT_LIMIT, EDIT_LIMIT]


class RunViews:
    """Grid predictions, replay and edits of a run (mixed into ``Trainer``)."""

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Network output for points ``X`` (m, 2) (features computed here): (m, n_out)."""
        return self.network.forward(feature_matrix(X, self.config.features))

    def grid(self, resolution: int = 100, extent: float = DOMAIN):
        """Axis values ``xs`` (resolution,) and the augmented features of the grid points,
        feature-major (n_features + 1, resolution²) as the network consumes them, points
        row-major with x1 fastest, so that an output reshapes to (resolution, resolution)
        as ``z[i_x2, i_x1]``."""
        key = (resolution, extent)
        if key not in self._grid_cache:
            xs = np.linspace(-extent, extent, resolution)
            g1, g2 = np.meshgrid(xs, xs)
            P = np.column_stack([g1.ravel(), g2.ravel()])
            Fa = augment(feature_matrix(P, self.config.features), self.network.dtype)
            if len(self._grid_cache) > 4:
                self._grid_cache.clear()
            self._grid_cache[key] = (xs, Fa)
        return self._grid_cache[key]

    def predict_grid(self, resolution: int = 100, extent: float = DOMAIN, params=None):
        """The output over a square grid: what a decision-region plot needs.

        Parameters
        ----------
        resolution : int
            Points per axis.
        extent : float
            The grid covers ``[-extent, extent]²``.
        params : ndarray (n_params,), optional
            Parameters to use instead of the current ones (e.g. a snapshot).

        Returns
        -------
        xs : ndarray (resolution,)
        out : ndarray (resolution, resolution, n_out)
            ``out[i_x2, i_x1]``: probabilities (sigmoid/softmax) or values (linear).
        hidden : list of ndarray (resolution, resolution, n_hidden_i)
            Every hidden neuron's activation over the grid.
        """
        xs, Fa = self.grid(resolution, extent)
        net = self.network
        if params is not None:
            saved = net.params.copy()
            net.params[:] = params
        buf = net.buffers(Fa.shape[1], backward=False)
        with np.errstate(all="ignore"):
            out = net.forward_pass(Fa, buf)  # (k, m)
            net.output.activate_(out)
        if params is not None:
            net.params[:] = saved
        r = resolution
        return (xs, out.T.reshape(r, r, -1).copy(),
                [h.T.reshape(r, r, -1).copy() for h in buf.hidden])

    # ------------------------------------------------------------------ run files
    def to_json(self) -> str:
        """The whole run as a run file's text (see :mod:`playground.run_file`): restored
        with :meth:`from_json`, it continues bit for bit as this run would."""
        return run_to_json(self)

    @classmethod
    def from_json(cls, text: str | bytes) -> RunViews:
        """The run saved by :meth:`to_json`. Raises ``ValueError`` with a plain message
        for a tampered, truncated, foreign or oversized file (nothing is unpickled or
        evaluated)."""
        return run_from_json(text, cls)

    # ------------------------------------------------------------------ replay
    def snapshot(self) -> int:
        """Keep the weights of the current epoch whatever the decimation (at most
        ``MAX_PINNED`` such chosen snapshots, the oldest dropped first). Returns the epoch."""
        self.pinned[self.epoch] = self.network.params.copy()
        while len(self.pinned) > MAX_PINNED:
            del self.pinned[next(iter(self.pinned))]
        return self.epoch

    def params_at(self, epoch: int) -> tuple[int, np.ndarray]:
        """The latest snapshot (recorded or chosen) at or before ``epoch``:
        ``(snapshot_epoch, params copy)``."""
        found = self.snapshots.at_or_before(epoch)
        pinned = [e for e in self.pinned if e <= epoch]
        if pinned and (found is None or max(pinned) >= found[0]):
            found = (max(pinned), self.pinned[max(pinned)])
        if found is None:
            raise ValueError(f"epoch: no snapshot at or before {epoch}")
        return found[0], found[1].copy()

    def metrics_of(self, params: np.ndarray) -> dict[str, float]:
        """The :attr:`metrics` that parameters ``params`` (n_params,), e.g. a snapshot's,
        have on this run's data; the run is left as it was."""
        net = self.network.copy()
        net.params[:] = params
        buf = net.buffers(self._Fa_all.shape[1], backward=False)
        with np.errstate(all="ignore"):
            values = self._measure(net.forward_pass(self._Fa_all, buf)).ravel()
        return dict(zip(METRICS, values.tolist(), strict=True))

    def rewind(self, epoch: int) -> int:
        """Go back to the latest snapshot at or before ``epoch``: the way out of a run
        that diverged or went astray, short of a reset.

        The parameters are restored from the snapshot (:meth:`params_at`); the history,
        snapshots, chosen snapshots, gradient log and edits after it are dropped; the
        optimizer starts afresh (its state belongs to the abandoned epochs), the shuffling
        restarts from a seed derived from the epoch (so a rewound run trains the same way
        every time), and :attr:`diverged` is cleared.

        Parameters
        ----------
        epoch : int
            ``0 <= epoch <= self.epoch``.

        Returns
        -------
        int
            The epoch the run is now at (the snapshot's, ``<= epoch``).
        """
        if not 0 <= epoch <= self.epoch:
            raise ValueError(f"rewind: epoch must be 0..{self.epoch}, got {epoch}")
        at, params = self.params_at(epoch)
        np.copyto(self.network.params, params)
        self.epoch = at
        for log in (self.history, self.snapshots, self.gradients):
            log.truncate(at)
        self.pinned = {e: p for e, p in self.pinned.items() if e <= at}
        self.edits = [e for e in self.edits if e.epoch <= at]
        self._make_optimizer()  # fresh state, as the config says
        # as reset() at epoch 0; otherwise a stream of its own per epoch
        self._rng = np.random.default_rng([self.config.init_seed, 1] + ([at] if at else []))
        self.diverged = None
        self._forward_done = False
        self._metrics_epoch = -1  # metrics must be recomputed
        self._rewound = (self.history, at)  # health.py judges the loss from here on
        return at

    def edit(self, layer: int, row: int, col: int, value: float) -> Edit:
        """Set one weight (``row < n_in``) or bias (``row == n_in``) of ``layer`` to
        ``value``, at once, without a reset; training continues from there.

        The edit is logged in :attr:`edits` and the snapshot of this epoch is updated,
        so a replay shows it.
        """
        n_layers = self.network.n_layers
        if not 0 <= layer < n_layers:
            raise ValueError(f"edit: layer must be 0..{n_layers - 1}, got {layer}")
        A = self.network.layers[layer]
        if not (0 <= row < A.shape[0] and 0 <= col < A.shape[1]):
            raise ValueError(f"edit: layer {layer} has rows 0..{A.shape[0] - 1} (the last is "
                             f"the bias) and columns 0..{A.shape[1] - 1}")
        value = float(value)
        if np.isnan(value):
            raise ValueError(f"edit: value must be a finite number, got {value!r}")
        if abs(value) > EDIT_LIMIT:  # larger values only overflow the outputs
            raise ValueError(f"A weight or bias must be between −{EDIT_LIMIT:g} and "
                             f"{EDIT_LIMIT:g}; got {value:g}.")
        entry = Edit(self.epoch, layer, row, col, float(A[row, col]), value)
        A[row, col] = value
        self.edits.append(entry)
        del self.edits[:-1000]  # bounded, like everything in a run
        self._forward_done = False
        self._metrics_epoch = -1  # metrics must be recomputed
        self.snapshot()  # a replay must show the edit, whatever the decimation
        return entry
