"""Train a grid of runs at once: :func:`sweep`.

>>> from playground import Config, sweep
>>> runs = sweep(Config(), {"learning_rate": [0.01, 0.1], "hidden": [(4,), (8, 8)]},
...              epochs=100, seeds=2)              # 2 x 2 x 2 = 8 runs
>>> [(r.point, round(r.metrics["test_loss"], 3)) for r in runs][:1]  # doctest: +SKIP
[({'learning_rate': 0.01, 'hidden': (4,), 'init_seed': 0}, 0.512)]

Each result equals a lone ``Trainer(result.config).step(epochs)``: runs that share their
data, network shape, optimizer and batch size train together in one
:class:`~playground.engine.stack.NetworkStack` (one product per layer for all of them; see
:mod:`playground.sweeps.stack_trainer`), and the stacks are spread over the cores by a
:class:`~playground.sweeps.workers.WorkerPool`, or by any ``concurrent.futures.Executor``
given as ``executor`` (a cluster's, e.g. ``dask.distributed.Client(...).get_executor()``).

A sweep works from anywhere: a plain script without an ``if __name__ == "__main__":``
guard, a notebook, the app, a test. Its worker processes are fresh interpreters that
import only ``playground`` (never your ``__main__``, which Python's *spawn* and
*forkserver* pools run again in every worker; *fork* is unsafe beside threads): see
:mod:`playground.sweeps.workers`.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from dataclasses import dataclass, fields

import numpy as np

from playground.config import Config
from playground.data.datasets import DOMAIN
from playground.data.features import feature_matrix
from playground.data.points import as_points, config_for
from playground.engine.network import MLP
from playground.run.history import History
from playground.run.trainer import Trainer
from playground.sweeps.stack_trainer import StackTrainer, stack_key
from playground.sweeps.workers import WorkerPool

FIELDS = tuple(f.name for f in fields(Config))


@dataclass
class SweepResult:
    """One run of a sweep, as it ended.

    Attributes
    ----------
    config : Config
        The run's whole configuration (the base config with its grid point applied).
    point : dict
        The grid values of this run, e.g. ``{"learning_rate": 0.1, "init_seed": 2}``.
    metrics : dict
        Final ``train_loss``, ``test_loss``, ``train_acc``, ``test_acc`` (R² for
        regression), as ``Trainer.metrics``.
    history : History
        The per-epoch curves, as ``Trainer.history``.
    params : ndarray (n_params,)
        The final weights and biases, in ``MLP.params`` layout (:meth:`network`).
    epoch : int
        Epochs trained (fewer than asked if the run diverged).
    diverged : str or None
        Why the run stopped early, in plain words.
    index : int
        The run's place in the sweep (grid order, seeds innermost).
    """

    config: Config
    point: dict
    metrics: dict[str, float]
    history: History
    params: np.ndarray
    epoch: int
    diverged: str | None = None
    index: int = 0

    def network(self) -> MLP:
        """The trained network."""
        c = self.config
        net = MLP(c.layer_sizes, c.activation, c.output_name, c.init, c.init_seed, c.dtype)
        net.params[:] = self.params
        return net

    def trainer(self, data=None) -> Trainer:
        """The run as a :class:`~playground.run.trainer.Trainer` at its trained state (its
        epoch, these weights), to look into or train on: its config trained again to its
        epoch. A sweep's run equals a lone ``Trainer``'s bit for bit, so this is the very
        run, with everything a lone run keeps besides: its history at every epoch, the
        snapshots replay scrubs through, the gradients.

        Parameters
        ----------
        data : (X, y) or Points, optional
            The points the sweep trained on when it was given ``data`` (a sweep keeps
            them once, not per run).

        Raises
        ------
        RuntimeError
            If the weights trained again differ from the sweep's (they never should).
        """
        run = Trainer(self.config, data=data)
        run.step(self.epoch)
        if run.epoch != self.epoch or not np.array_equal(run.network.params, self.params):
            raise RuntimeError(f"run {self.index} trained again does not match the sweep's "
                               f"(epoch {run.epoch:,} of {self.epoch:,})")
        return run

    def predict_grid(self, resolution: int = 40, extent: float = DOMAIN):
        """The output over a square grid (as ``Trainer.predict_grid``): ``xs``
        (resolution,) and ``out`` (resolution, resolution, n_out), ``out[i_x2, i_x1]``."""
        xs = np.linspace(-extent, extent, resolution)
        g1, g2 = np.meshgrid(xs, xs)
        F = feature_matrix(np.column_stack([g1.ravel(), g2.ravel()]), self.config.features)
        with np.errstate(all="ignore"):
            out = self.network().forward(F)
        return xs, out.reshape(resolution, resolution, -1)


class SweepCancelled(Exception):
    """Raised by :func:`sweep` when ``cancel`` is set; ``results`` holds the finished
    runs (in sweep order, with their ``index``)."""

    def __init__(self, results: list[SweepResult]):
        super().__init__(f"sweep cancelled after {len(results)} runs")
        self.results = results


def grid_points(grid: Mapping[str, Sequence], seeds=None) -> list[dict]:
    """Every point of ``grid`` (a mapping of Config field names to lists of values), in
    order (the last field fastest), times ``seeds`` (an int n: init seeds 0 … n - 1; or
    a list of init seeds), the seed innermost.

    Raises
    ------
    ValueError
        On an unknown field, an empty list, or ``seeds`` beside ``init_seed`` in the grid.
    """
    grid = dict(grid)
    for name, values in grid.items():
        if name not in FIELDS:
            raise ValueError(f"sweep: {name!r} is not a setting; choose from "
                             f"{', '.join(FIELDS)}")
        if isinstance(values, str) or not len(values):
            raise ValueError(f"sweep: {name} needs a list of values, got {values!r}")
    if seeds is not None:
        if "init_seed" in grid:
            raise ValueError("sweep: give init seeds either in the grid or as seeds, not both")
        grid["init_seed"] = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
        if not grid["init_seed"]:
            raise ValueError("sweep: seeds must name at least one init seed")
    names = list(grid)
    return [dict(zip(names, values, strict=True))
            for values in itertools.product(*(grid[n] for n in names))]


def point_config(config: Config, point: Mapping) -> Config:
    """``config`` with a grid point applied (validated; a hidden width given as a whole
    number means one hidden layer that wide)."""
    changes = dict(point)
    if isinstance(changes.get("hidden"), int | np.integer):
        changes["hidden"] = (int(changes["hidden"]),)
    return config.replace(**changes)


def train_runs(configs: Sequence[Config], epochs: int, data=None) -> list[SweepResult]:
    """Train runs that share a :func:`~playground.stack_trainer.stack_key` as one stack
    (what each worker of a sweep does; a plain function, so any executor can ship it)."""
    outcomes = StackTrainer(configs, data).run(epochs)
    return [SweepResult(o.config, {}, o.metrics, o.history, o.params, o.epoch, o.diverged)
            for o in outcomes]


def _cost(config: Config, n_runs: int) -> float:
    """The work of an epoch of ``n_runs`` runs like ``config`` in one stack, roughly, in
    µs: per mini-batch a fixed ~55 µs of NumPy calls plus the arithmetic, ~0.0006 µs per
    weight, point and run (measured on the 2-core machine, default setup)."""
    sizes = config.layer_sizes
    weights = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    n = round(config.n_samples * config.train_ratio)
    batch = min(config.batch_size, n)
    return -(-n // batch) * (55.0 + 0.0006 * batch * weights * n_runs) \
        + 0.0006 * config.n_samples * weights * n_runs  # and the evaluation


def plan(configs: Sequence[Config], workers: int) -> list[list[int]]:
    """Which runs train together: the indices of runs of one stack key, a group cut into
    pieces where its work exceeds a worker's share (``1 / workers`` of the whole), the
    costliest pieces first (so that the last ones fill the gaps)."""
    groups: dict[tuple, list[int]] = {}
    for i, c in enumerate(configs):
        groups.setdefault(stack_key(c), []).append(i)
    cost = {key: _cost(configs[m[0]], len(m)) for key, m in groups.items()}
    share = sum(cost.values()) / max(1, workers)
    pieces = []
    for key, members in groups.items():
        n_pieces = min(len(members), max(1, math.ceil(cost[key] / share - 1e-9)))
        pieces += [members[j::n_pieces] for j in range(n_pieces)]
    return sorted(pieces, key=lambda p: _cost(configs[p[0]], len(p)), reverse=True)


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def process_pool(workers: int | None = None) -> WorkerPool:
    """A pool of ``workers`` fresh processes (default: this machine's cores), safe beside
    threads (such as a web server's) and never running ``__main__`` again."""
    return WorkerPool(workers or default_workers())


def sweep(config: Config, grid: Mapping[str, Sequence], epochs: int, seeds=None,
          executor: Executor | None = None,
          progress: Callable[[int, int, SweepResult], None] | None = None, *,
          cancel=None, workers: int | None = None, data=None) -> list[SweepResult]:
    """Train one run per grid point (times seeds) for ``epochs`` epochs.

    Parameters
    ----------
    config : Config
        The base settings; each grid point changes some of them.
    grid : mapping of str to list
        Config field names to the values to try, e.g.
        ``{"learning_rate": [0.01, 0.1, 1], "hidden": [(4,), (8, 8)]}``.
    epochs : int
    seeds : int or list of int, optional
        Init seeds to repeat every point with (an int n: 0 … n - 1).
    executor : concurrent.futures.Executor, optional
        Where the stacks train. By default a :class:`~playground.sweeps.workers.WorkerPool`
        over this machine's cores (made for this call; it never imports your
        ``__main__``, so a script needs no main guard), or this thread when everything is
        one stack or ``workers`` is 1; any executor works, e.g. a pool you keep, or a
        cluster's.
    progress : callable, optional
        ``progress(done, total, result)``, called in this thread as runs finish.
    cancel : threading.Event, optional
        When set, unstarted work is dropped and :class:`SweepCancelled` is raised.
    workers : int, optional
        How many pieces to cut the work into (default: this machine's cores).
    data : (X, y) or Points, optional
        Your own points for every run, as ``Trainer(config, data=...)`` takes them.

    Returns
    -------
    list of SweepResult
        In grid order (the last field fastest, seeds innermost).
    """
    epochs = int(epochs)
    if epochs < 0:
        raise ValueError(f"sweep: epochs must be >= 0, got {epochs}")
    points = grid_points(grid, seeds)
    if data is not None:  # the config names them, as a lone run's does
        data = as_points(data)
        config = config_for(config, data)
    configs = [point_config(config, p) for p in points]
    workers = workers or default_workers()
    pieces = plan(configs, workers)
    results: list[SweepResult | None] = [None] * len(configs)
    finished: list[SweepResult] = []

    def collect(piece, runs):
        for i, run in zip(piece, runs, strict=True):
            run.point, run.index = points[i], i
            results[i] = run
            finished.append(run)
            if progress is not None:
                progress(len(finished), len(configs), run)

    def cancelled():
        return cancel is not None and cancel.is_set()

    own = executor is None and len(pieces) > 1 and workers > 1
    if executor is None and not own:  # one stack, or one core: here
        for piece in pieces:
            if cancelled():
                raise SweepCancelled(sorted(finished, key=lambda r: r.index))
            collect(piece, train_runs([configs[i] for i in piece], epochs, data))
        return results
    pool = process_pool(min(workers, len(pieces))) if own else executor
    futures = {pool.submit(train_runs, [configs[i] for i in piece], epochs, data): piece
               for piece in pieces}
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in done:
                collect(futures[future], future.result())
            if cancelled() and pending:
                for future in pending:
                    future.cancel()
                raise SweepCancelled(sorted(finished, key=lambda r: r.index))
    finally:
        if own:
            pool.shutdown(wait=not cancelled(), cancel_futures=True)
    return results
