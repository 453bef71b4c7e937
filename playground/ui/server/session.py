"""One session's run, shared by the script threads Streamlit starts for it.

Streamlit may start a rerun's thread before the previous one has stopped (fast
reruns), so two threads of one session can reach the same
:class:`~playground.trainer.Trainer`. Every mutation of the run (training, Step, Reset,
new settings, an edit) holds the session's :class:`RunGuard` lock, and a thread that
trains gives way as soon as a newer script run has started: each run takes a *ticket*,
and training stops at the next slice once its ticket is no longer the newest.
Plain Python (no Streamlit), so the guard is tested with real threads.
"""

from __future__ import annotations

import itertools
import threading
import time

SLICE = 0.02  # seconds: a training thread checks for a newer run this often


class RunGuard:
    """The lock of one session's run and the ticket of its newest script run."""

    def __init__(self):
        self.lock = threading.RLock()
        self._tickets = itertools.count(1)  # next() is atomic: no lock needed to claim
        self.newest = 0

    def claim(self) -> int:
        """A ticket for a script run that is starting: older runs stop training."""
        ticket = next(self._tickets)
        self.newest = max(self.newest, ticket)
        return ticket

    def is_newest(self, ticket: int) -> bool:
        return ticket >= self.newest


def train_for(guard: RunGuard, ticket: int, trainer, seconds: float,
              max_epochs: int = 10**9, between=None) -> int:
    """Train ``trainer`` for up to ``seconds`` and ``max_epochs`` while holding the lock,
    in short slices, stopping early when a newer script run has claimed a ticket (it
    then gets the lock within one slice). ``between()``, if given, runs between slices
    (another session's click may go first). Returns the epochs trained."""
    done, end = 0, time.perf_counter() + seconds
    with guard.lock:
        while done < max_epochs and guard.is_newest(ticket) and trainer.diverged is None:
            left = end - time.perf_counter()
            if left <= 0 and done:
                break
            done += trainer.step_for(min(max(left, 0.0), SLICE), max_epochs=max_epochs - done)
            if between is not None:
                between()
    return done


class Pace:
    """Epochs due to keep a steady ``rate`` in epochs per second on the wall clock.

    The first epoch is due at once (Play shows a change right away), then one every
    ``1 / rate`` seconds. A run that falls behind (a slow frame, a big network) picks up
    from now instead of training a burst to catch up.
    """

    MAX_BEHIND = 1.0  # seconds of epochs a batch may catch up on (batches come every
    # half second or so, a little later when the server or the browser is busy)

    def __init__(self, rate: float, now: float, epoch: int):
        self.rate, self.t0, self.epoch0 = float(rate), now, epoch

    def due(self, now: float, epoch: int) -> int:
        """Epochs to train now, given the run is at ``epoch``."""
        behind = 1 + int(self.rate * (now - self.t0) + 1e-9) - (epoch - self.epoch0)
        limit = max(1, int(self.rate * self.MAX_BEHIND))
        if behind > limit:  # too far behind: train ``limit`` now and count on from here
            self.t0, self.epoch0 = now, epoch + limit - 1
            return limit
        return max(behind, 0)
