"""A sweep running in the background for one session: the page stays live while it
trains, shows the runs as they finish, and can cancel it.

A :class:`SweepJob` owns a worker thread and, while it runs, a process pool (its
workers end with the job: cancelled or done, nothing is left behind). The page reads
:meth:`SweepJob.snapshot`; the thread writes under the job's own lock. Plain Python (no
Streamlit), so it is tested with real threads and processes.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass, field

from playground.config import Config
from playground.sweeps.grid import SweepCancelled, SweepResult, process_pool, sweep


@dataclass
class JobState:
    """What the page shows of a job: ``status`` is ``"running"``, ``"done"``,
    ``"cancelled"`` or ``"failed"`` (then ``error`` says why)."""

    status: str
    total: int
    results: list[SweepResult] = field(default_factory=list)  # in the order they finished
    error: str | None = None
    seconds: float = 0.0

    @property
    def done(self) -> int:
        return len(self.results)


class SweepJob:
    """Run ``playground.sweep(base, grid, epochs, seeds)`` in a thread of its own.

    Parameters
    ----------
    base, grid, epochs, seeds
        As :func:`playground.sweep`.
    total : int
        How many runs the grid makes.
    workers : int, optional
        Processes of the pool (default: the machine's cores). 1 trains in the thread.
    data : Points, optional
        Your own points, for a base config on them.
    """

    def __init__(self, base: Config, grid: dict, epochs: int, seeds, total: int,
                 workers: int | None = None, data=None):
        self._lock = threading.Lock()
        self._state = JobState("running", total)
        self._cancel = threading.Event()
        self._args = (base, grid, epochs, seeds)
        self._workers, self._data = workers, data
        self._start = time.perf_counter()
        self.thread = threading.Thread(target=self._run, name="sweep", daemon=True)
        self.thread.start()

    def _progress(self, done: int, total: int, result: SweepResult) -> None:
        with self._lock:
            self._state.results.append(result)

    def _run(self) -> None:
        pool = process_pool(self._workers) if self._workers != 1 else None
        status, error = "done", None
        try:
            sweep(*self._args, executor=pool, progress=self._progress, cancel=self._cancel,
                  workers=self._workers, data=self._data)
        except SweepCancelled:
            status = "cancelled"
        except Exception as err:  # noqa: BLE001 - the page says what went wrong
            status, error = "failed", f"{type(err).__name__}: {err}"
        finally:
            with self._lock:  # the page may start another sweep now
                self._state.status, self._state.error = status, error
                self._state.seconds = time.perf_counter() - self._start
            if pool is not None:  # pieces under way finish, queued ones are dropped
                pool.shutdown(wait=True, cancel_futures=True)

    def cancel(self) -> None:
        """Stop: no new piece starts; the page keeps the runs finished so far."""
        self._cancel.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread (and its pool) to end; True if it has."""
        self.thread.join(timeout)
        return not self.thread.is_alive()

    def snapshot(self) -> JobState:
        """A copy of the state, safe to read while the job runs."""
        with self._lock:
            s = self._state
            seconds = s.seconds if s.status != "running" else time.perf_counter() - self._start
            return JobState(s.status, s.total, list(s.results), s.error, seconds)

    @property
    def running(self) -> bool:
        return self.snapshot().status == "running"


class Owner:
    """What keeps a job running: the page stores one in the session. When the session
    lets go of it (a closed tab's session released by the classroom's janitor, or ended),
    the job is cancelled, and its processes end with its pieces under way."""

    def __init__(self, job: SweepJob):
        weakref.finalize(self, job.cancel)
