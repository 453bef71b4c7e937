"""A training run: data, network, optimizer, epoch counter, history and snapshots.

>>> from playground import Trainer
>>> run = Trainer()              # the default Config: circle, 4-2 tanh, SGD 0.03
>>> run.step(200)                # advance exactly 200 epochs; call again and again
200
>>> run.metrics["test_acc"] > 0.9
True

The run owns every piece of state that changes while training: the network's
parameters, the optimizer's state, the shuffling RNG, the epoch, the bounded
:class:`~playground.history.History` and weight snapshots, the hand edits, and the log
of what changed while it trained (settings applied live, rewinds: :attr:`Trainer.changes`,
which :func:`playground.export_script` replays). Same config
and seeds give the same run, bit for bit; :meth:`Trainer.state` holds all of it, and
:meth:`Trainer.load_state` puts it back (run files travel that way). A run that blows up
(NaN/inf) stops, keeps its last finite state, and says why in :attr:`diverged`. Besides
training, a run answers what the app reads off it (predictions over a grid, the weights
at an earlier epoch: :meth:`Trainer.at`) and takes the hand edits a student makes (set
one weight, go back to an epoch).
"""

from __future__ import annotations

import math
import time

import numpy as np

from playground.config import Config
from playground.data.datasets import DOMAIN, GIVEN
from playground.data.features import feature_matrix
from playground.data.points import Points, as_points, config_for
from playground.engine.buffers import augment
from playground.engine.network import MLP
from playground.engine.optimizers import OPTIMIZERS
from playground.run.changes import (
    DATA_FIELDS,
    MAX_CHANGES,
    NETWORK_FIELDS,
    Change,
    check_changes,
    rewound,
    with_settings,
)
from playground.run.history import METRICS, DecimatingLog, History
from playground.run.passes import Passes
from playground.run.probes import Edit, GradientLog
from playground.run.run_at import RunAtEpoch, predict_over
from playground.run.run_data import RunData, split_data
from playground.run.run_file import run_from_json, run_to_json

SNAPSHOT_BYTES = 8 * 2**20  # memory budget of a run's weight snapshots
MAX_PINNED = 256  # snapshots chosen with snapshot() (and edits)
EDIT_LIMIT = 100.0  # a hand edit sets a weight or bias within [-EDIT_LIMIT, EDIT_LIMIT]
MAX_EDITS = 1000
STATE_KEYS = ("epoch", "diverged", "rewound", "params", "optimizer", "rng", "history",
              "snapshots", "gradients", "pinned", "edits", "changes")


class Trainer:
    """One training run built from a :class:`~playground.config.Config`.

    Parameters
    ----------
    config : Config, optional
        Defaults to ``Config()``.
    data : (X, y) or Points, optional
        Your own points (X (n, 2), y (n,) int classes or float targets), e.g. from
        :func:`~playground.csv_data.read_csv`: the run trains on them, mapped into the
        square (see points.py), split by ``train_ratio`` with ``data_seed``; the config's
        ``dataset`` becomes ``"own"`` (or ``"own_values"`` for targets).
    **changes
        Field overrides, e.g. ``Trainer(dataset="xor", learning_rate=0.1)``.

    Attributes
    ----------
    network : MLP
    epoch : int
        Epochs completed since the last reset.
    history : History
        Per-epoch losses and accuracy (R² for regression), bounded in memory.
    snapshots : DecimatingLog
        Flat parameter vectors at recorded epochs (epoch 0 always), for replay.
    pinned : dict of int to ndarray (n_params,)
        Snapshots chosen with :meth:`snapshot` (and by edits), oldest first.
    gradients : GradientLog
        Per-layer gradient norms and update ratios over epochs.
    edits : list of Edit
        The hand edits (:meth:`edit`), oldest first.
    changes : list of Change or None
        The settings applied live (:meth:`update`) and the rewinds (:meth:`rewind`) since
        the last reset, oldest first, each with its epoch (see
        :mod:`playground.run.changes`); None when they are not all known (a run file
        saved without them, or more than ``MAX_CHANGES`` changes or ``MAX_EDITS`` edits).
    diverged : str or None
        Why training stopped, in plain words, or None while it is healthy.
    rewound_to : int or None
        The epoch of the last :meth:`rewind` since the last reset (the losses recorded
        before it belong to a path the run has left), or None.
    run_data : RunData
        The training and test points as the passes take them.
    X_train, y_train, X_test, y_test : ndarray
        The points (in the square) and their labels or targets.
    points : Points or None
        Your own points, if the run was given any (kept when the config switches to a
        built-in dataset, so that it can switch back).
    """

    def __init__(self, config: Config | None = None, data=None, **changes):
        config = config or Config()
        self.config = config.replace(**changes) if changes else config
        self.points: Points | None = None
        if data is not None:
            self.points = as_points(data)
            self.config = config_for(self.config, self.points)
        self._build_data()
        self._build_network()

    # ------------------------------------------------------------------ building
    def _build_data(self):
        self.X_train, self.y_train, self.X_test, self.y_test = split_data(self.config,
                                                                          self.points)

    def _build_network(self):
        c = self.config
        self.network = MLP(c.layer_sizes, c.activation, c.output_name, c.init, c.init_seed,
                           np.dtype(c.dtype))
        self.run_data = RunData(self.X_train, self.y_train, self.X_test, self.y_test,
                                c.features, self.network, c.task == "regression")
        self._grid_cache: dict = {}
        self.reset()

    def reset(self):
        """Fresh weights from the init seed, epoch 0, empty history."""
        c, net = self.config, self.network
        net.initialize(c.init_seed)
        self._rng = np.random.default_rng([c.init_seed, 1])  # shuffling, apart from init
        self._make_optimizer()
        self.passes = Passes(self.run_data, net, c.batch_size)
        self.epoch = 0
        self.diverged: str | None = None
        self.rewound_to: int | None = None
        self.history = History()
        self.snapshots = DecimatingLog(net.params.size,
                                       max(16, min(1024, SNAPSHOT_BYTES // net.params.nbytes)),
                                       net.dtype)
        self.edits: list[Edit] = []
        self.changes: list[Change] | None = []
        self.pinned: dict[int, np.ndarray] = {}  # snapshots chosen with snapshot()
        self.gradients = GradientLog(net.layer_starts, net.params.size, net.dtype)
        self._good = net.params.copy()
        with np.errstate(all="ignore"):
            self._record(self.passes.evaluate())

    def _make_optimizer(self):
        c = self.config
        self.optimizer = OPTIMIZERS[c.optimizer](
            self.network.params.size, self.network.dtype, learning_rate=c.learning_rate,
            momentum=c.momentum)

    def set_points(self, data) -> str:
        """Train on other points of your own (``(X, y)`` or :class:`Points`): rebuilt at
        epoch 0. Returns ``"reset"``."""
        points = as_points(data)
        config = config_for(self.config, points)
        old = self.points, self.config
        self.points, self.config = points, config
        try:
            self._build_data()
        except ValueError:
            self.points, self.config = old
            raise
        self._build_network()
        return "reset"

    def update(self, config: Config) -> str:
        """Switch to ``config``. Returns what happened:

        ``"none"`` (same config), ``"live"`` (optimizer, learning rate, batch size or
        regularisation changed: weights and epoch kept, the change logged in
        :attr:`changes`) or ``"reset"`` (data or architecture changed: rebuilt at epoch 0).
        A new optimizer starts with a fresh state; with a new batch size, or shuffling
        switched, the points are in their first order (until the next shuffle).
        """
        if config.dataset in GIVEN and self.points is not None:
            config = config_for(config, self.points)  # the classes are the points'
        old, self.config = self.config, config
        if config == old:
            return "none"
        if any(getattr(config, f) != getattr(old, f) for f in DATA_FIELDS):
            self._build_data()
            self._build_network()
            return "reset"
        if any(getattr(config, f) != getattr(old, f) for f in NETWORK_FIELDS):
            self._build_network()
            return "reset"
        opt = self.optimizer
        if config.optimizer != old.optimizer:
            self._make_optimizer()  # fresh optimizer state, same weights
        else:
            opt.learning_rate, opt.momentum = config.learning_rate, config.momentum
        if config.batch_size != old.batch_size or config.shuffle != old.shuffle:
            self.passes = Passes(self.run_data, self.network, config.batch_size)
        self.diverged = None  # new settings deserve a new try from the last good state
        if self.epoch and self.changes is not None:  # (at epoch 0: where the run starts)
            self._keep_changes(with_settings(self.changes, self.epoch, old, config))
        return "live"

    def _keep_changes(self, changes: list[Change]) -> None:
        self.changes = changes if len(changes) <= MAX_CHANGES else None

    # ------------------------------------------------------------------ training
    def step(self, n_epochs: int = 1) -> int:
        """Advance exactly ``n_epochs`` epochs (fewer only if training diverges).

        Returns the number of epochs completed.
        """
        return self._train(n_epochs)

    def step_for(self, seconds: float, max_epochs: int = 10**9) -> int:
        """Train whole epochs until ``seconds`` have passed (at least one epoch)."""
        return self._train(max_epochs, time.perf_counter() + seconds)

    def _train(self, n_epochs: int, end: float | None = None) -> int:
        """Train up to ``n_epochs`` epochs (until the clock reads ``end``, if given);
        returns the epochs done.

        With a full batch, an evaluation's pass over the training points is also the
        next epoch's forward pass; this loop alone knows that nothing changed the
        weights in between (``fresh``), so it starts without (they may have been
        edited since the last call)."""
        start, fresh = self.epoch, False
        with np.errstate(all="ignore"):  # a diverging run is caught below, not warned about
            while self.epoch - start < n_epochs and self.diverged is None:
                fresh = self._epoch(fresh)
                if end is not None and time.perf_counter() >= end:
                    break
        return self.epoch - start

    def _epoch(self, forward_done: bool) -> bool:
        """One epoch: every mini-batch's passes and optimizer update; then the
        divergence check, the evaluation and the records. Returns whether the
        evaluation left the next epoch's forward pass done (a full batch)."""
        net, opt, c, passes = self.network, self.optimizer, self.config, self.passes
        np.copyto(self._good, net.params)  # to roll back to if this epoch diverges
        state = opt.state()
        shuffled = c.shuffle and not passes.full_batch
        if shuffled:
            drawn = self._rng.bit_generator.state
            passes.shuffle([self._rng.permutation(self.run_data.n_train)])
        passes.train(opt, c.l1 or None, c.l2 or None, forward_done)  # 0: no penalty
        self.epoch += 1
        metrics = None
        finite = math.isfinite(net.params.sum())
        if finite and self.history.wants(self.epoch):
            metrics = passes.evaluate()
            finite = math.isfinite(metrics[0])
        if not finite:  # roll back to the state before this epoch
            np.copyto(net.params, self._good)
            opt.load_state(state)
            if shuffled:  # the next try draws the same order: as if this one never ran
                self._rng.bit_generator.state = drawn
            self.epoch -= 1
            self.diverged = self._divergence_message()
            return False
        self._record(metrics)
        return metrics is not None and passes.full_batch

    def _divergence_message(self) -> str:
        lr = self.config.learning_rate
        return (f"Training diverged during epoch {self.epoch + 1}: the weights overflowed to "
                f"infinity/NaN. The learning rate ({lr:g}) is too high for this setup — try "
                f"{lr / 10:g} or lower, or Adam. The network was kept at epoch {self.epoch}, "
                f"its last finite state.")

    def _record(self, metrics: np.ndarray | None):
        """Store ``metrics`` (values in :data:`METRICS` order, if given) in the history,
        the gradient log, and snapshot the weights if due."""
        epoch = self.epoch
        if metrics is not None:
            self._metrics, self._metrics_epoch = metrics.copy(), epoch
            self.history.add(epoch, metrics)
            if epoch:
                net = self.network
                self.gradients.record(epoch, net.params, net.grad, self._good)
        if self.snapshots.wants(epoch):
            self.snapshots.add(epoch, self.network.params)

    # ------------------------------------------------------------------ state
    def state(self) -> dict:
        """Everything that makes this run continue as it would, copied: the epoch,
        ``diverged``, ``rewound`` (:attr:`rewound_to`), ``params`` (n_params,), the
        ``optimizer``'s state, the shuffling generator's (``rng``: a NumPy bit generator
        state), the ``history``, ``snapshots`` and ``gradients`` logs' states, the
        ``pinned`` snapshots (a dict, oldest first), the ``edits`` and the ``changes``. A
        run of the same config and data given it with :meth:`load_state` continues bit for
        bit."""
        return {"epoch": self.epoch, "diverged": self.diverged, "rewound": self.rewound_to,
                "params": self.network.params.copy(), "optimizer": self.optimizer.state(),
                "rng": self._rng.bit_generator.state,
                "history": self.history.state(), "snapshots": self.snapshots.state(),
                "gradients": self.gradients.state(),
                "pinned": {e: p.copy() for e, p in self.pinned.items()},
                "edits": list(self.edits),
                "changes": None if self.changes is None else list(self.changes)}

    def load_state(self, state: dict) -> None:
        """Take a :meth:`state` of a run of this config and data (copied in).

        Raises
        ------
        ValueError
            If it does not fit this run (missing parts, other shapes, changes that do
            not end at this run's config).
        """
        if set(state) != set(STATE_KEYS):
            raise ValueError(f"load_state: a run's state has the parts {', '.join(STATE_KEYS)}")
        net = self.network
        shapes = [np.shape(state["params"])] + [np.shape(p) for p in state["pinned"].values()]
        if any(s != net.params.shape for s in shapes):
            raise ValueError(f"load_state: parameters of {net.params.size} values expected")
        changes = state["changes"]
        if changes is not None:
            try:
                changes = check_changes(changes, self.config, int(state["epoch"]))
            except ValueError as err:
                raise ValueError(f"load_state: {err}") from None
        rng = np.random.default_rng()
        rng.bit_generator.state = state["rng"]  # (checked by NumPy before it is ours)
        for log in ("history", "snapshots", "gradients"):
            getattr(self, log).load_state(state[log])
        np.copyto(net.params, state["params"])
        self.optimizer.load_state(state["optimizer"])
        self._rng = rng
        self.epoch, self.diverged = int(state["epoch"]), state["diverged"]
        self.rewound_to = state["rewound"]
        self.pinned = {int(e): np.array(p, net.dtype) for e, p in state["pinned"].items()}
        self.edits = list(state["edits"])
        self.changes = changes
        self._metrics_epoch = -1  # metrics are measured afresh

    # ------------------------------------------------------------------ evaluation
    @property
    def metrics(self) -> dict[str, float]:
        """Latest ``train_loss``, ``test_loss``, ``train_acc``, ``test_acc`` (at this epoch)."""
        if self._metrics_epoch != self.epoch:
            with np.errstate(all="ignore"):
                self._metrics, self._metrics_epoch = self.passes.evaluate().copy(), self.epoch
        return dict(zip(METRICS, self._metrics.tolist(), strict=True))

    def evaluate(self) -> dict[str, float]:
        """Loss (without the penalty) and accuracy — R² for regression — on both sets."""
        with np.errstate(all="ignore"):
            return dict(zip(METRICS, self.passes.evaluate().tolist(), strict=True))

    def metrics_of(self, params: np.ndarray) -> dict[str, float]:
        """The :attr:`metrics` that parameters ``params`` (n_params,), e.g. a snapshot's,
        have on this run's data; the run is left as it was."""
        net, data = self.network.copy(), self.run_data
        net.params[:] = params
        buf = net.buffers(data.n_points, backward=False)
        with np.errstate(all="ignore"):
            values = data.measure(net.forward_pass(data.inputs_all, buf)).ravel()
        return dict(zip(METRICS, values.tolist(), strict=True))

    # ------------------------------------------------------------------ predictions
    def predict(self, X: np.ndarray) -> np.ndarray:
        """Network output for points ``X`` (m, 2) (features computed here): (m, n_out)."""
        return self.network.forward(feature_matrix(X, self.config.features))

    def grid(self, resolution: int = 100, extent: float = DOMAIN):
        """Axis values ``xs`` (resolution,) and the augmented features of the grid points,
        feature-major (n_features + 1, resolution²) as the network consumes them, points
        row-major with x1 fastest, so that an output reshapes to (resolution, resolution)
        as ``z[i_x2, i_x1]``. Shared (read only)."""
        key = (resolution, extent)
        if key not in self._grid_cache:
            xs = np.linspace(-extent, extent, resolution)
            g1, g2 = np.meshgrid(xs, xs)
            P = np.column_stack([g1.ravel(), g2.ravel()])
            Fa = augment(feature_matrix(P, self.config.features), self.network.dtype)
            xs.flags.writeable = Fa.flags.writeable = False
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
        xs, out, hidden
            The axis values, the output ``out[i_x2, i_x1]`` (resolution, resolution,
            n_out) and every hidden layer's activations, as :func:`predict_over` gives
            them.
        """
        net = self.network
        if params is not None:
            saved = net.params.copy()
            net.params[:] = params
        try:
            return predict_over(net, *self.grid(resolution, extent))
        finally:
            if params is not None:
                net.params[:] = saved

    # ------------------------------------------------------------------ run files
    def to_json(self) -> str:
        """The whole run as a run file's text (see :mod:`playground.run.run_file`):
        restored with :meth:`from_json`, it continues bit for bit as this run would."""
        return run_to_json(self)

    @classmethod
    def from_json(cls, text: str | bytes) -> Trainer:
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

    def at(self, epoch: int) -> RunAtEpoch:
        """The run as it was at the latest snapshot at or before ``epoch``, read only
        (:class:`~playground.run.run_at.RunAtEpoch`): what the figures read off a run."""
        return RunAtEpoch(self, epoch)

    def rewind(self, epoch: int) -> int:
        """Go back to the latest snapshot at or before ``epoch``: the way out of a run
        that diverged or went astray, short of a reset.

        The parameters are restored from the snapshot (:meth:`params_at`); the history,
        snapshots, chosen snapshots, gradient log, edits and changes after it are dropped;
        the optimizer starts afresh (its state belongs to the abandoned epochs), the
        shuffling restarts from a seed derived from the epoch (so a rewound run trains the
        same way every time), and :attr:`diverged` is cleared. The settings stay as they
        are; they and the rewind are logged in :attr:`changes` at the epoch.

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
        for log in (self.history, self.snapshots, self.gradients):
            log.truncate(at)
        self.pinned = {e: p for e, p in self.pinned.items() if e <= at}
        self.edits = [e for e in self.edits if e.epoch <= at]
        if self.changes is not None:
            self._keep_changes(rewound(self.changes, self.config, at, self.epoch))
        self.epoch = at
        self._make_optimizer()  # fresh state, as the config says
        # as reset() at epoch 0; otherwise a stream of its own per epoch
        self._rng = np.random.default_rng([self.config.init_seed, 1] + ([at] if at else []))
        self.diverged = None
        self._metrics_epoch = -1  # metrics must be recomputed
        self.rewound_to = at  # health.py judges the loss from here on
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
        if len(self.edits) > MAX_EDITS:  # bounded, like everything in a run
            del self.edits[:-MAX_EDITS]
            self.changes = None  # the oldest edit is forgotten: the run can't be replayed
        self._metrics_epoch = -1  # metrics must be recomputed
        self.snapshot()  # a replay must show the edit, whatever the decimation
        return entry
