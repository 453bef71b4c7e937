"""Training a group of runs that share their data and network shape, as one stack.

:class:`StackTrainer` is :class:`~playground.trainer.Trainer` for ``n_nets`` runs at
once: the same data, mini-batches, evaluation and divergence rule, with the networks in a
:class:`~playground.stack.NetworkStack`. Its runs may differ in the learning rate,
momentum, regularisation, initialisation and init seed (which also seeds each run's
shuffling); everything else (:data:`SHARED_FIELDS`) is the same for all. Each run ends
exactly where ``Trainer(config).step(epochs)`` ends (tests/test_sweep.py).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from playground.config import Config
from playground.engine.network import MLP
from playground.engine.optimizers import OPTIMIZERS
from playground.engine.stack import NetworkStack
from playground.run.history import METRICS, History
from playground.run.trainer import Trainer

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
        data = Trainer(c, data=data)  # the data exactly as a lone run builds it
        self.stack = NetworkStack([MLP(c.layer_sizes, c.activation, c.output_name, r.init,
                                       r.init_seed, data.network.dtype) for r in self.configs])
        n_nets, dtype = self.stack.n_nets, self.stack.dtype

        def column(values):  # one value per run, as an (n_nets, 1) column
            return np.array(values, dtype).reshape(n_nets, 1)

        l1, l2 = column([r.l1 for r in self.configs]), column([r.l2 for r in self.configs])
        self.l1, self.l2 = (l1 if l1.any() else None), (l2 if l2.any() else None)
        self.optimizer = OPTIMIZERS[c.optimizer](
            self.stack.params.shape, dtype,
            learning_rate=column([r.learning_rate for r in self.configs]),
            momentum=column([r.momentum for r in self.configs]))
        self._data = data
        self._n_train = n = data._n_train
        self._measure, self._Z = data._measure, np.empty((n_nets, *data._Z.shape), dtype)
        self._make_batches(min(c.batch_size, n), c.shuffle)
        self._eval = (self.stack.buffers(self._Z.shape[2], backward=False) if not
                      self._full_batch else None)
        self.epoch = 0
        self.epochs = np.zeros(n_nets, int)  # each run's epoch (a diverged run stops)
        self.alive = np.ones(n_nets, bool)
        self.diverged: list[str | None] = [None] * n_nets
        self.histories = [History() for _ in range(n_nets)]
        self._good = self.stack.params.copy()
        self._last = np.zeros((n_nets, len(METRICS)))  # each run's latest metrics
        self._forward_done = False
        with np.errstate(all="ignore"):
            self._record(self._evaluate())

    def _make_batches(self, bs: int, shuffle: bool):
        """Mini-batches as the Trainer makes them: ``(inputs, targets, buffers)``. Runs
        with one init seed share one shuffling, so inputs are (n_in + 1, m) when there is
        one seed (or a full batch) and (n_nets, n_in + 1, m) otherwise."""
        d, n = self._data, self._n_train
        self._full_batch = bs == n
        self._shuffle = shuffle and not self._full_batch
        if self._full_batch:
            train = self.stack.buffers(n)
            test = self.stack.buffers(self._Z.shape[2] - n, backward=False)
            self._batches, self._eval_pair = [(d._Fa_train, d._Y_train, train)], (train, test)
            return
        seeds = sorted({c.init_seed for c in self.configs})
        self._rngs = [np.random.default_rng([s, 1]) for s in seeds]  # as Trainer.reset
        self._which = np.array([seeds.index(c.init_seed) for c in self.configs])
        rows = d._rows  # one point per row: inputs [x, 1] and targets
        self._by_seed = [np.stack([r] * len(seeds)) for r in rows]  # (n_seeds, n, .)
        if len(seeds) == 1:  # every run sees the same batches: shared inputs
            X, Y = self._shuffled = (self._by_seed[0][0], self._by_seed[1][0])
            self._batches = [(X[s:s + bs].T, Y[s:s + bs].T, self.stack.buffers(min(bs, n - s)))
                             for s in range(0, n, bs)]
            return
        X, Y = self._shuffled = tuple(np.take(b, self._which, axis=0) for b in self._by_seed)
        self._batches = [(X[:, s:s + bs].transpose(0, 2, 1), Y[:, s:s + bs].transpose(0, 2, 1),
                          self.stack.buffers(min(bs, n - s))) for s in range(0, n, bs)]

    def _shuffle_rows(self):
        """A new order per init seed, drawn as each lone run draws it, then each run's
        rows from its seed's."""
        rows = self._data._rows
        for j, rng in enumerate(self._rngs):
            order = rng.permutation(self._n_train)
            for src, dst in zip(rows, self._by_seed, strict=True):
                np.take(src, order, axis=0, out=dst[j])
        if len(self._rngs) > 1:  # (one seed: the batches are views of its rows)
            for src, dst in zip(self._by_seed, self._shuffled, strict=True):
                np.take(src, self._which, axis=0, out=dst)

    # ------------------------------------------------------------------ training
    def run(self, epochs: int) -> list[RunOutcome]:
        """Train every run ``epochs`` epochs (a run that diverges stops where a lone
        Trainer would); returns one :class:`RunOutcome` per config, in order."""
        with np.errstate(all="ignore"):
            for _ in range(int(epochs)):
                if not self.alive.any():
                    break
                self._epoch()
            stale = [k for k, h in enumerate(self.histories)
                     if self.alive[k] and (not h.n or h.epochs[-1] != self.epochs[k])]
            if stale:  # the history skipped the last epoch (decimated): measure it
                self._last[stale] = self._evaluate()[stale]
        return [RunOutcome(c, int(self.epochs[k]), dict(zip(METRICS, self._last[k].tolist(),
                                                            strict=True)),
                           self.histories[k], self.stack.params[k].copy(), self.diverged[k])
                for k, c in enumerate(self.configs)]

    def _epoch(self):
        """One epoch of every run: as ``Trainer._epoch``, with the stack's passes."""
        stack, opt = self.stack, self.optimizer
        np.copyto(self._good, stack.params)  # to roll back to if a run diverges
        if self._shuffle:
            self._shuffle_rows()
        forward_done = self._forward_done  # (full batch: the last evaluation did it)
        for Xb, Yb, buf in self._batches:
            if not forward_done:
                stack.forward_pass(Xb, buf)
            stack.backward_pass(Xb, Yb, buf, self.l1, self.l2)
            opt.step(stack.params, stack.grad)
            forward_done = False
        self._forward_done = False
        self.epoch += 1
        finite = np.isfinite(stack.params.sum(axis=1)) | ~self.alive
        metrics = None
        if finite.any() and self.histories[int(np.argmax(self.alive))].wants(self.epoch):
            metrics = self._evaluate()
            finite &= np.isfinite(metrics[:, 0]) | ~self.alive
            self._forward_done = self._full_batch
        for k in np.flatnonzero(self.alive & ~finite):  # stops, at its last finite state
            self.alive[k] = False
            lr = self.configs[k].learning_rate
            self.diverged[k] = (f"Diverged during epoch {self.epoch}: the weights overflowed "
                                f"(learning rate {lr:g}). Kept epoch {self.epoch - 1}, its "
                                "last finite state.")
            self._forward_done = False
        dead = ~self.alive
        if dead.any():  # a stopped run keeps its last finite weights
            stack.params[dead] = self._good[dead]
        self.epochs[self.alive] = self.epoch
        if metrics is not None:
            self._record(metrics)

    def _record(self, metrics: np.ndarray):
        for k in np.flatnonzero(self.alive):
            self._last[k] = metrics[k]
            self.histories[k].add(self.epoch, metrics[k])

    def _evaluate(self) -> np.ndarray:
        """(n_nets, 4) :data:`METRICS` of every run, as ``Trainer._evaluate``."""
        stack, Z, n = self.stack, self._Z, self._n_train
        if self._full_batch:  # the training pass is also the next epoch's forward pass
            train, test = self._eval_pair
            Z[:, :, :n] = stack.forward_pass(self._data._Fa_train, train)
            Z[:, :, n:] = stack.forward_pass(self._data._Fa_test, test)
        else:
            Z = stack.forward_pass(self._data._Fa_all, self._eval)
        out = np.empty((self.stack.n_nets, len(METRICS)))
        for k, z in enumerate(Z):  # [[losses], [scores]] of run k: METRICS order
            out[k] = self._measure(z).ravel()
        return out


__all__ = ["PER_RUN_FIELDS", "SHARED_FIELDS", "RunOutcome", "StackTrainer",
           "stack_key"]
