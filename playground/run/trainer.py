"""A training run: data, network, optimizer, epoch counter, history and snapshots.

>>> from playground import Trainer
>>> run = Trainer()              # the default Config: circle, 4-2 tanh, SGD 0.03
>>> run.step(200)                # advance exactly 200 epochs; call again and again
200
>>> run.metrics["test_acc"] > 0.9
True

The run owns every piece of state that changes while training: the network's
parameters, the optimizer's state, the shuffling RNG, the epoch, the bounded
:class:`~playground.history.History` and weight snapshots. Same config and seeds give
the same run, bit for bit. A run that blows up (NaN/inf) stops, keeps its last finite
state, and says why in :attr:`diverged`.
"""

from __future__ import annotations

import math
import time

import numpy as np

from playground.config import Config
from playground.data.datasets import GIVEN, make_dataset, train_test_split
from playground.data.features import feature_matrix
from playground.data.points import Points, as_points, config_for
from playground.engine.buffers import Buffers, augment
from playground.engine.network import MLP
from playground.engine.optimizers import OPTIMIZERS
from playground.run.history import METRICS, DecimatingLog, History
from playground.run.probes import Edit, GradientLog
from playground.run.run_views import RunViews

# Changing one of these fields rebuilds the data and the network (epoch 0)...
DATA_FIELDS = ("dataset", "n_classes", "n_samples", "noise", "train_ratio", "data_seed",
               "features")
NETWORK_FIELDS = ("hidden", "activation", "output", "init", "init_seed", "dtype")
# ...the others (optimizer, learning rate, batch size, regularisation) apply live.
SNAPSHOT_BYTES = 8 * 2**20  # memory budget of a run's weight snapshots


class Trainer(RunViews):
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
    diverged : str or None
        Why training stopped, in plain words, or None while it is healthy.
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
        c = self.config
        if c.dataset in GIVEN:
            p = self.points
            if p is None or config_for(c, p) != c:
                raise ValueError(f"dataset: {c.dataset!r} needs the points: Trainer(config, "
                                 "data=(X, y))")
            X, y = p.to_square(p.X), p.targets()
        else:
            X, y = make_dataset(c.dataset, c.n_samples, c.noise, c.data_seed, c.n_classes)
        self.X_train, self.y_train, self.X_test, self.y_test = train_test_split(
            X, y, c.train_ratio, c.data_seed)

    def _build_network(self):
        c = self.config
        dtype = np.dtype(c.dtype)
        self.network = MLP(c.layer_sizes, c.activation, c.output_name, c.init, c.init_seed,
                           dtype)
        net = self.network
        # inputs as augmented feature-major matrices (one column per point, see network.py)
        n, n_test = len(self.X_train), len(self.X_test)
        self._n_train = n
        self._Fa_train = augment(feature_matrix(self.X_train, c.features), dtype)
        self._Fa_test = augment(feature_matrix(self.X_test, c.features), dtype)
        self._Fa_all = np.concatenate([self._Fa_train, self._Fa_test], axis=1)
        Y_train, Y_test = net.targets(self.y_train), net.targets(self.y_test)
        self._Y_train = np.ascontiguousarray(Y_train.T)  # (k, n), as the passes take it
        # The training points one per row, inputs [x, 1] and targets, for shuffling into
        # mini-batches that are blocks of rows, contiguous (BLAS is slower on strided ones)
        self._rows = (np.ascontiguousarray(self._Fa_train.T), np.ascontiguousarray(Y_train))
        # Evaluation: the logits of the training then the test points go into one array
        # ``_Z`` (n_out, n + n_test), which one metrics call measures (see outputs.py)
        self._Z = np.empty((net.layer_sizes[-1], n + n_test), dtype)
        self._measure = net.output.make_metrics(np.concatenate([Y_train, Y_test]),
                                                c.task == "regression", (n, n_test))
        self._eval_buffers: dict[str, Buffers] = {}  # made when first needed
        self._grid_cache: dict = {}
        self.reset()

    def reset(self):
        """Fresh weights from the init seed, epoch 0, empty history."""
        c = self.config
        self.network.initialize(c.init_seed)
        self._rng = np.random.default_rng([c.init_seed, 1])  # shuffling, apart from init
        self._make_optimizer()
        self._make_batches()
        self.epoch = 0
        self.diverged: str | None = None
        self.history = History()
        per_snapshot = self.network.params.nbytes
        self.snapshots = DecimatingLog(self.network.params.size,
                                       max(16, min(1024, SNAPSHOT_BYTES // per_snapshot)),
                                       self.network.dtype)
        self.edits: list[Edit] = []
        self.pinned: dict[int, np.ndarray] = {}  # snapshots chosen with snapshot()
        net = self.network
        self.gradients = GradientLog(net.layer_starts, net.params.size, net.dtype)
        self._forward_done = False  # see _epoch
        self._good = self.network.params.copy()
        with np.errstate(all="ignore"):
            self._record(self._evaluate())

    def _make_optimizer(self):
        c = self.config
        self.optimizer = OPTIMIZERS[c.optimizer](
            self.network.params.size, self.network.dtype, learning_rate=c.learning_rate,
            momentum=c.momentum)

    def _make_batches(self):
        """``(inputs, targets, buffers)`` per mini-batch: inputs (n_in + 1, m) and targets
        (n_out, m), as the network's passes take them; batches of one size share their
        buffers."""
        n, net = self._n_train, self.network
        bs = min(self.config.batch_size, n)
        self._full_batch = bs == n
        self._shuffle = self.config.shuffle and not self._full_batch
        self._make_eval_buffers()
        if self._full_batch:
            # One batch, run in the evaluation's buffers: the evaluation that ends an
            # epoch is then also the next epoch's forward pass. Shuffling a single batch
            # would only reorder a sum, so a full batch is never shuffled.
            self._batches = [(self._Fa_train, self._Y_train, self._eval_buffers["train"])]
            return
        # Shuffling writes whole rows (points) into these arrays; a batch is a block of
        # rows, and its transpose is the (n_in + 1, m) inputs or the (k, m) targets.
        X, Y = self._shuffled = (self._rows[0].copy(), self._rows[1].copy())
        self._batches = [(X[s:s + bs].T, Y[s:s + bs].T, net.buffers(min(bs, n - s)))
                         for s in range(0, n, bs)]

    def _make_eval_buffers(self):
        """Buffers whose logits are blocks of ``_Z``: one pass over all points; with a
        full batch, one pass per set, the training one in the buffers the next epoch's
        training step reads."""
        sizes, dtype, Z, n = self.network.layer_sizes, self.network.dtype, self._Z, self._n_train
        bufs = self._eval_buffers
        if not self._full_batch and "all" not in bufs:
            bufs["all"] = Buffers(sizes, Z.shape[1], dtype, logits=Z, backward=False)
        if self._full_batch and "train" not in bufs:
            joint = Z.shape[0] == 1  # one output: each set's logits can be a block of Z
            bufs["train"] = Buffers(sizes, n, dtype, logits=Z[:, :n] if joint else None)
            bufs["test"] = Buffers(sizes, Z.shape[1] - n, dtype, backward=False,
                                   logits=Z[:, n:] if joint else None)

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
        regularisation changed: weights and epoch kept) or ``"reset"`` (data or
        architecture changed: rebuilt at epoch 0).
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
        if config.batch_size != old.batch_size:
            self._make_batches()
            self._forward_done = False
        self._shuffle = config.shuffle and not self._full_batch
        self.diverged = None  # new settings deserve a new try from the last good state
        return "live"

    # ------------------------------------------------------------------ training
    def step(self, n_epochs: int = 1) -> int:
        """Advance exactly ``n_epochs`` epochs (fewer only if training diverges).

        Returns the number of epochs completed.
        """
        start = self.epoch
        self._forward_done = False  # parameters may have been edited since the last call
        with np.errstate(all="ignore"):  # a diverging run is caught below, not warned about
            while self.epoch - start < n_epochs and self.diverged is None:
                self._epoch()
        return self.epoch - start

    def step_for(self, seconds: float, max_epochs: int = 10**9) -> int:
        """Train whole epochs until ``seconds`` have passed (at least one epoch)."""
        end = time.perf_counter() + seconds
        start = self.epoch
        self._forward_done = False
        with np.errstate(all="ignore"):
            while self.diverged is None and self.epoch - start < max_epochs:
                self._epoch()
                if time.perf_counter() >= end:
                    break
        return self.epoch - start

    def _epoch(self):
        """One epoch: every mini-batch's forward pass, backward pass and optimizer
        update; then the divergence check, the evaluation and the records."""
        net, opt, c = self.network, self.optimizer, self.config
        l1, l2 = c.l1, c.l2
        np.copyto(self._good, net.params)  # to roll back to if this epoch diverges
        state = opt.state()
        if self._shuffle:
            order = self._rng.permutation(self._n_train)
            for rows, shuffled in zip(self._rows, self._shuffled, strict=True):
                np.take(rows, order, axis=0, out=shuffled)
        forward_done = self._forward_done  # (full batch: the last evaluation did it)
        for Xb, Yb, buf in self._batches:
            if not forward_done:
                net.forward_pass(Xb, buf)
            net.backward_pass(Xb, Yb, buf, l1, l2)
            opt.step(net.params, net.grad)
            forward_done = False
        self._forward_done = False
        self.epoch += 1
        metrics = None
        finite = math.isfinite(net.params.sum())
        if finite and self.history.wants(self.epoch):
            metrics = self._evaluate()
            finite = math.isfinite(metrics[0])
            self._forward_done = self._full_batch
        if not finite:  # roll back to the state before this epoch
            np.copyto(net.params, self._good)
            opt.load_state(state)
            self.epoch -= 1
            self._forward_done = False
            self.diverged = self._divergence_message()
            return
        self._record(metrics)

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

    # ------------------------------------------------------------------ evaluation
    @property
    def metrics(self) -> dict[str, float]:
        """Latest ``train_loss``, ``test_loss``, ``train_acc``, ``test_acc`` (at this epoch)."""
        if self._metrics_epoch != self.epoch:
            with np.errstate(all="ignore"):
                self._metrics, self._metrics_epoch = self._evaluate().copy(), self.epoch
        return dict(zip(METRICS, self._metrics.tolist(), strict=True))

    def evaluate(self) -> dict[str, float]:
        """Loss (without the penalty) and accuracy — R² for regression — on both sets."""
        with np.errstate(all="ignore"):
            return dict(zip(METRICS, self._evaluate().tolist(), strict=True))

    def _evaluate(self) -> np.ndarray:
        """The four :data:`METRICS`, (4,), in a scratch array the next call rewrites."""
        net, bufs, Z, n = self.network, self._eval_buffers, self._Z, self._n_train
        if self._full_batch:  # the training pass is also the next epoch's forward pass
            z_train = net.forward_pass(self._Fa_train, bufs["train"])
            z_test = net.forward_pass(self._Fa_test, bufs["test"])
            if z_train.base is not Z:  # k outputs: (k, n) column blocks of Z are strided
                Z[:, :n], Z[:, n:] = z_train, z_test
        else:
            net.forward_pass(self._Fa_all, bufs["all"])  # every point's logits into Z
        return self._measure(Z).ravel()  # [[losses], [scores]]: METRICS order
