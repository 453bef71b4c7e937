"""A step's goal, checked on a run as it is now: met, or what is still missing.

>>> from playground import Trainer
>>> from playground.lessons.goals import Goal
>>> goal = Goal.parse([(1, "test_acc >= 0.9 and neurons <= 6")], Trainer().config)
>>> run = Trainer()
>>> goal.check(run).met
False
>>> run.step(200) and goal.check(run).met
True

A goal counts only on the data of its step: the same dataset, number of classes,
points, noise, split and data seed (the input features may change: choosing them is
often the lesson). A run reached by editing weights by hand counts like any other: the
check reads the run's current weights, metrics and settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from playground.config import Config
from playground.lessons.conditions import Condition, ConditionResult, parse_goal
from playground.lessons.quantities import QUANTITIES

# The settings that make "the same data", with their words
DATA_LABELS = {
    "dataset": "dataset", "num_classes": "classes", "n_samples": "points", "noise": "noise",
    "train_ratio": "training share", "data_seed": "data seed",
}


def data_of(config: Config) -> dict[str, object]:
    """The data a run with ``config`` trains on, as :data:`DATA_LABELS` names it."""
    return {key: getattr(config, key) for key in DATA_LABELS}


@dataclass(frozen=True)
class GoalResult:
    """A goal checked on a run.

    Attributes
    ----------
    met : bool
        Every condition holds and the run trains on the step's data.
    missing : str
        Empty when met; else plain words: the data problem if any, then each unmet
        condition and by how much, joined by ``"; "``.
    conditions : tuple of ConditionResult
        One per condition, in the goal's order (also when the data differ).
    same_data : bool
        Whether the run trains on the step's data.
    message : str
        ``"Goal met: ..."`` with every condition's value, or ``missing``.
    """

    met: bool
    missing: str
    conditions: tuple[ConditionResult, ...]
    same_data: bool
    message: str


@dataclass(frozen=True)
class Goal:
    """Conditions joined by ``and``, for the data of one step.

    Attributes
    ----------
    text : str
        The goal as written, conditions joined by ``" and "``.
    conditions : tuple of Condition
    data : mapping
        The step's data (:func:`data_of` its settings): a run on other data does not count.
    line : int
        Where the goal starts in its lesson file.
    """

    text: str
    conditions: tuple[Condition, ...]
    data: Mapping[str, object]
    line: int

    def __post_init__(self):
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))

    @classmethod
    def parse(cls, lines: list[tuple[int, str]], config: Config) -> Goal:
        """The goal written in ``lines`` (``(line number, text)``) for a step whose
        settings are ``config``. Raises ``ValueError`` naming the line and the problem."""
        conditions = parse_goal(lines, config.task)
        text = " and ".join(c.text for c in conditions)
        return cls(text, conditions, data_of(config), lines[0][0] if lines else 0)

    @property
    def names(self) -> tuple[str, ...]:
        """The quantities the goal reads, in registry order."""
        used = set().union(*(c.names() for c in self.conditions))
        return tuple(name for name in QUANTITIES if name in used)

    def check(self, run) -> GoalResult:
        """Check the goal on ``run`` (a :class:`~playground.run.trainer.Trainer`, e.g.
        restored from a run file with ``Trainer.from_json``), as it is now.

        Only public attributes are read (``config``, ``metrics``, ``epoch``,
        ``diverged``, ``history``, ``network``, ``X_train``); the run is not changed.
        """
        values = {name: QUANTITIES[name].read(run) for name in self.names}
        results = tuple(c.check(values) for c in self.conditions)
        problem = self.data_problem(run.config)
        met = problem is None and all(r.met for r in results)
        if met:
            message = "Goal met: " + ", ".join(r.message for r in results) + "."
            return GoalResult(True, "", results, True, message)
        missing = "; ".join(([problem] if problem else [])
                            + [r.message for r in results if not r.met])
        return GoalResult(False, missing, results, problem is None, missing)

    def data_problem(self, config: Config) -> str | None:
        """Why a run with ``config`` does not count (its data are not the step's), or None."""
        theirs = data_of(config)
        changed = [key for key, value in self.data.items() if theirs[key] != value]
        if not changed:
            return None
        differences = ", ".join(f"{DATA_LABELS[key]} {_shown(theirs[key])} instead of "
                                f"{_shown(self.data[key])}" for key in changed)
        return (f"this run is on other data than the step ({differences}), so the goal "
                "does not count: go back to the step's data")


def _shown(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
