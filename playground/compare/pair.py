"""Two runs trained in lockstep: the same epochs, one slice of A then one of B.

>>> from playground.config import Config
>>> pair = Lockstep(Config(), Config(learning_rate=0.3))
>>> pair.step(100), pair.a.epoch, pair.b.epoch
(100, 100, 100)

Each run is an ordinary :class:`~playground.run.trainer.Trainer` built from its config
and the same data, so each equals its lone run bit for bit: the pair only decides who
trains when. A run that diverges is *held* (it stays at its last finite epoch) while the
other goes on; the pair reports :attr:`Lockstep.diverged` once neither trains.
"""

from __future__ import annotations

import time

from playground.config import Config
from playground.data.datasets import GIVEN
from playground.data.points import config_for
from playground.run.changes import DATA_FIELDS
from playground.run.trainer import Trainer

NAMES = ("a", "b")
SLICE_EPOCHS = 16  # step(): neither run is ahead of the other by more than this
SLICE_SECONDS = 0.005  # step_for(): a slice grows until it takes about this long


def _check_name(which: str) -> str:
    if which not in NAMES:
        raise ValueError(f"which: 'a' or 'b', got {which!r}")
    return which


class Lockstep:
    """Runs A and B, trained the same epochs side by side.

    Parameters
    ----------
    config_a, config_b : Config
        The two runs' settings.
    data : (X, y) or Points, optional
        Your own points, which both runs train on.

    Attributes
    ----------
    a, b : Trainer
        The runs. ``b`` stays the same object across :meth:`set_b` and :meth:`reset`
        (:meth:`swap` exchanges the two).
    held : frozenset of str
        The runs (``"a"``, ``"b"``) that do not train; one that diverges is held.
    """

    def __init__(self, config_a: Config | Trainer, config_b: Config | Trainer, data=None,
                 held=()):
        # (runs themselves, as :meth:`of` passes them, are taken as they are)
        self._runs = {w: c if isinstance(c, Trainer) else Trainer(c, data)
                      for w, c in zip(NAMES, (config_a, config_b), strict=True)}
        self.held: frozenset[str] = frozenset(_check_name(w) for w in held)

    @classmethod
    def of(cls, a: Trainer, b: Trainer, held=()) -> Lockstep:
        """The pair of two existing runs (used as they are, not copied).

        Raises
        ------
        ValueError
            If their epochs differ (unless the one behind is held, in ``held``, or has
            diverged: it does not train anyway).
        """
        pair = cls(a, b, held=held)
        if a.epoch != b.epoch:
            behind = "a" if a.epoch < b.epoch else "b"
            if pair.trains(behind):
                raise ValueError(f"A pair trains in lockstep: run A is at epoch {a.epoch:,} "
                                 f"and run B at epoch {b.epoch:,}.")
        return pair

    # ------------------------------------------------------------------ reading
    @property
    def a(self) -> Trainer:
        return self._runs["a"]

    @property
    def b(self) -> Trainer:
        return self._runs["b"]

    @property
    def config_a(self) -> Config:
        return self.a.config

    @property
    def config_b(self) -> Config:
        return self.b.config

    @property
    def epoch(self) -> int:
        """The pair's epoch: A's."""
        return self.a.epoch

    def trains(self, which: str) -> bool:
        """Whether run ``which`` (``"a"`` or ``"b"``) trains: neither held nor diverged."""
        return _check_name(which) not in self.held and self._runs[which].diverged is None

    def _active(self) -> list[Trainer]:
        return [self._runs[w] for w in NAMES if self.trains(w)]

    @property
    def diverged(self) -> str | None:
        """None while a run trains; once neither does, why, in plain words."""
        if self._active():
            return None
        why = []
        for which in NAMES:
            run = self._runs[which]
            state = ("diverged" if run.diverged is not None else "is held")
            why.append(f"run {which.upper()} {state} at epoch {run.epoch:,}")
        return f"Neither run trains: {' and '.join(why)}."

    # ------------------------------------------------------------------ holds
    def hold(self, which: str) -> None:
        """Stop run ``which`` (``"a"`` or ``"b"``) training; it stays where it is."""
        self.held = self.held | {_check_name(which)}

    def release(self, which: str) -> None:
        """Let run ``which`` train again (from where it is)."""
        self.held = self.held - {_check_name(which)}

    def _hold_diverged(self) -> None:
        self.held = self.held | {w for w in NAMES if self._runs[w].diverged is not None}

    # ------------------------------------------------------------------ training
    def _slice(self, n: int) -> int:
        """``n`` epochs of each run that trains, A then B; the most any of them did."""
        done = max((run.step(n) for run in self._active()), default=0)
        self._hold_diverged()
        return done

    def step(self, n_epochs: int = 1) -> int:
        """Train both runs ``n_epochs`` epochs, in slices of at most ``SLICE_EPOCHS``
        (a held or diverged run is skipped). Returns the epochs the pair advanced."""
        done = 0
        while done < n_epochs and self.diverged is None:
            did = self._slice(min(SLICE_EPOCHS, n_epochs - done))
            if not did:
                break
            done += did
        return done

    def step_for(self, seconds: float, max_epochs: int = 10**9) -> int:
        """Train both runs whole epochs in lockstep until ``seconds`` have passed (at
        least one epoch, at most ``max_epochs``). Returns the epochs the pair advanced."""
        end, done, size = time.perf_counter() + seconds, 0, 1
        while done < max_epochs and self.diverged is None:
            t0 = time.perf_counter()
            did = self._slice(min(size, max_epochs - done))
            if not did:
                break
            done += did
            now = time.perf_counter()
            if now >= end:
                break
            if now - t0 < SLICE_SECONDS:  # slices long enough that the loop costs nothing
                size = min(size * 2, SLICE_EPOCHS)
        return done

    # ------------------------------------------------------------------ changes
    def _own(self, config: Config) -> Config:
        """``config`` naming the runs' own points, as the runs hold them."""
        points = self.b.points
        if config.dataset in GIVEN and points is not None:
            return config_for(config, points)
        return config

    def set_b(self, config: Config, budget: float = 1.0) -> tuple[str, str]:
        """Give run B new settings; returns ``(kind, message)``.

        ``"none"``: the same settings. ``"b"``: B restarts from scratch with them and
        trains back up to A's epoch (within ``budget`` seconds), so that it is the run
        it would have been from the start. ``"both"``: the data changed (A takes it too)
        or B could not catch up in time: both restart at epoch 0. A hold on B is
        released.
        """
        config = self._own(config)
        if config == self.config_b:
            return "none", "B already has these settings."
        self.release("b")
        a, b = self.a, self.b
        new_data = {f: getattr(config, f) for f in DATA_FIELDS
                    if getattr(config, f) != getattr(a.config, f)}
        if new_data:
            self._update(a, _with_data(a.config, new_data))
            self._update(b, config)
            self.held = frozenset()
            return "both", ("The data changed, so A takes the same data and both runs "
                            "restart at epoch 0.")
        self._update(b, config)
        target, end = a.epoch, time.perf_counter() + budget
        while b.epoch < target and b.diverged is None and time.perf_counter() < end:
            b.step_for(end - time.perf_counter(), max_epochs=target - b.epoch)
        if b.diverged is not None:
            self.hold("b")
            return "b", (f"B restarted with its new settings and diverged at epoch "
                         f"{b.epoch:,}; A goes on alone.")
        if b.epoch < target:
            a.reset()
            b.reset()
            self.held = frozenset()
            return "both", (f"B could not catch up with A's epoch {target:,} within "
                            f"{budget:g} s, so both runs restart at epoch 0.")
        return "b", (f"B restarted with its new settings and trained to epoch {target:,} "
                     "beside A.")

    @staticmethod
    def _update(run: Trainer, config: Config) -> None:
        """``run`` with ``config``, at epoch 0."""
        if run.update(config) != "reset":
            run.reset()

    def swap(self) -> None:
        """A and B exchange places (and holds)."""
        self._runs = {"a": self.b, "b": self.a}
        self.held = frozenset({"a": "b", "b": "a"}[w] for w in self.held)

    def promote_b(self) -> None:
        """B becomes the new A: A takes B's settings and state (weights, optimizer,
        shuffling, history: B's run, continued by both); B is unchanged."""
        a, b = self.a, self.b
        a.update(b.config)
        a.load_state(b.state())
        self.held = frozenset({"a"} if "b" in self.held else ()) | (self.held & {"b"})

    def rewind(self, epoch: int) -> int:
        """Both runs back to the latest epoch at or before ``epoch`` that both hold a
        snapshot of (see :meth:`~playground.run.trainer.Trainer.rewind`), so that they
        stay in lockstep. Returns that epoch."""
        a, b = self.a, self.b
        at = min(int(epoch), a.epoch, b.epoch)
        while True:  # (both hold epoch 0: this ends)
            common = min(a.params_at(at)[0], b.params_at(at)[0])
            if common == at:
                break
            at = common
        a.rewind(at)
        b.rewind(at)
        return at

    def reset(self) -> None:
        """Both runs back to epoch 0, holds released."""
        self.a.reset()
        self.b.reset()
        self.held = frozenset()


def _with_data(config: Config, data: dict) -> Config:
    """``config`` with the data fields ``data`` (its output automatic if it no longer
    fits the dataset)."""
    try:
        return config.replace(**data)
    except ValueError:
        return config.replace(**data, output="auto")


def compare(config_a: Config, config_b: Config, epochs: int,
            data=None) -> tuple[Trainer, Trainer]:
    """Runs A and B after ``epochs`` epochs in lockstep; each is, bit for bit, the lone
    ``Trainer(config, data).step(epochs)`` (a run that diverges stops there, as alone)."""
    pair = Lockstep(config_a, config_b, data)
    pair.step(epochs)
    return pair.a, pair.b
