"""Training a group of runs that share their data and network shape, as one stack.

:class:`StackTrainer` is :class:`~playground.trainer.Trainer` for ``n_nets`` runs at
once: the same data (:class:`~playground.run.run_data.RunData`), mini-batches and
evaluation (:class:`~playground.run.passes.Passes`) and divergence rule, with the
networks in a :class:`~playground.stack.NetworkStack`. Its runs may differ in the learning rate,
momentum, regularisation, initialisation and init seed (which also seeds each run's
shuffling); everything else (:data:`SHARED_FIELDS`) is the same for all. Each run ends
exactly where ``Trainer(config).step(epochs)`` ends (tests/test_sweep.py).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from playground.config import Config
from playground.data.points import as_points, config_for
from playground.engine.network import MLP
from playground.engine.optimizers import OPTIMIZERS
from playground.engine.stack import NetworkStack
from playground.run.history import METRICS, History
from playground.run.passes import Passes
from playground.run.run_data import RunData, split_data

# What may differ between the runs of one stack; every other Config field is shared.
PER_RUN_FIELDS = ("learning_rate", "momentum", "regularization", "reg_rate", "init",
                  "init_seed")
SHARED_FIELDS = tuple(f.name for f in fields(Config) if f.name not in PER_RUN_FIELDS)


def stack_key(config: Config) -> tuple:
    """Runs with equal keys can train in one stack."""
    return tuple(getattr(config, name) for name in SHARED_FIELDS)


@dataclass
class RunOutcome:
    """Where one run of a stack ended: what :class:`StackTrainer.run` returns per run."""

    config: Config
    epoch: int
    metrics: dict[str, float]
    history: History
    params: np.ndarray
    diverged: str | None


class StackTrainer:
    """Train runs of one :func:`stack_key` together.

    Parameters
    ----------
    configs : sequence of Config
        The runs; they must share :data:`SHARED_FIELDS`.
    data : (X, y) or Points, optional
        Your own points, as ``Trainer(config, data=...)`` takes them.
    """

    def __init__(self, configs, data=None):
        self.configs = list(configs)
        if len({stack_key(c) for c in self.configs}) != 1:
            raise ValueError("StackTrainer: the runs must share data, shape, optimizer and "
                             f"batch size (fields {', '.join(SHARED_FIELDS)})")
        c = self.configs[0]
        points = None if data is None else as_points(data)
        shared = c if points is None else config_for(c, points)
        nets = [MLP(shared.layer_sizes, c.activation, shared.output_name, r.init,
                    r.init_seed, np.dtype(c.dtype)) for r in self.configs]
        self.stack = NetworkStack(nets)
        # the data exactly as a lone run prepares it
        self.run_data = RunData(*split_data(shared, points), c.features, nets[0],
                                shared.task == "regression")
        n_nets, dtype = self.stack.n_nets, self.stack.dtype

        def column(values):  # one value per run, as an (n_nets, 1) column
            return np.array(values, dtype).reshape(n_nets, 1)

        l1, l2 = column([r.l1 for r in self.configs]), column([r.l2 for r in self.configs])
        self.l1, self.l2 = (l1 if l1.any() else None), (l2 if l2.any() else None)
        self.optimizer = OPTIMIZERS[c.optimizer](
            self.stack.params.shape, dtype,
            learning_rate=column([r.learning_rate for r in self.configs]),
            momentum=column([r.momentum for r in self.configs]))
        # Runs with one init seed share one shuffling (a lone run's, from its seed);
        # with several seeds, each run's batches follow its seed's.
        seeds = sorted({r.init_seed for r in self.configs})
        self._rngs = [np.random.default_rng([s, 1]) for s in seeds]  # as Trainer.reset
        which = (None if len(seeds) == 1 else
                 np.array([seeds.index(r.init_seed) for r in self.configs]))
        self.passes = Passes(self.run_data, self.stack, c.batch_size, which)
        self._shuffle = c.shuffle and not self.passes.full_batch
        self.epoch = 0
        self.epochs = np.zeros(n_nets, int)  # each run's epoch (a diverged run stops)
        self.alive = np.ones(n_nets, bool)
        self.diverged: list[str | None] = [None] * n_nets
        self.histories = [History() for _ in range(n_nets)]
        self._good = self.stack.params.copy()
        self._last = np.zeros((n_nets, len(METRICS)))  # each run's latest metrics
        with np.errstate(all="ignore"):
            self._record(self.passes.evaluate())

    # ------------------------------------------------------------------ training
    def run(self, epochs: int) -> list[RunOutcome]:
        """Train every run ``epochs`` epochs (a run that diverges stops where a lone
        Trainer would); returns one :class:`RunOutcome` per config, in order.

        With a full batch, an evaluation's pass over the training points is also the
        next epoch's forward pass (``fresh``, as in ``Trainer``)."""
        fresh = False
        with np.errstate(all="ignore"):
            for _ in range(int(epochs)):
                if not self.alive.any():
                    break
                fresh = self._epoch(fresh)
            stale = [k for k, h in enumerate(self.histories)
                     if self.alive[k] and (not h.n or h.epochs[-1] != self.epochs[k])]
            if stale:  # the history skipped the last epoch (decimated): measure it
                self._last[stale] = self.passes.evaluate()[stale]
        return [RunOutcome(c, int(self.epochs[k]), dict(zip(METRICS, self._last[k].tolist(),
                                                            strict=True)),
                           self.histories[k], self.stack.params[k].copy(), self.diverged[k])
                for k, c in enumerate(self.configs)]

    def _epoch(self, forward_done: bool) -> bool:
        """One epoch of every run, as ``Trainer``'s with the stack's passes; a run that
        diverges stops at its last finite state. Returns whether the evaluation left
        the next epoch's forward pass done."""
        stack, passes = self.stack, self.passes
        np.copyto(self._good, stack.params)  # to roll back to if a run diverges
        if self._shuffle:
            passes.shuffle([rng.permutation(self.run_data.n_train) for rng in self._rngs])
        passes.train(self.optimizer, self.l1, self.l2, forward_done)
        self.epoch += 1
        finite = np.isfinite(stack.params.sum(axis=1)) | ~self.alive
        metrics = None
        if finite.any() and self.histories[int(np.argmax(self.alive))].wants(self.epoch):
            metrics = passes.evaluate()
            finite &= np.isfinite(metrics[:, 0]) | ~self.alive
        fresh = metrics is not None and passes.full_batch
        for k in np.flatnonzero(self.alive & ~finite):  # stops, at its last finite state
            self.alive[k] = False
            lr = self.configs[k].learning_rate
            self.diverged[k] = (f"Diverged during epoch {self.epoch}: the weights overflowed "
                                f"(learning rate {lr:g}). Kept epoch {self.epoch - 1}, its "
                                "last finite state.")
            fresh = False
        dead = ~self.alive
        if dead.any():  # a stopped run keeps its last finite weights
            stack.params[dead] = self._good[dead]
        self.epochs[self.alive] = self.epoch
        if metrics is not None:
            self._record(metrics)
        return fresh

    def _record(self, metrics: np.ndarray):
        for k in np.flatnonzero(self.alive):
            self._last[k] = metrics[k]
            self.histories[k].add(self.epoch, metrics[k])


__all__ = ["PER_RUN_FIELDS", "SHARED_FIELDS", "RunOutcome", "StackTrainer",
           "stack_key"]
