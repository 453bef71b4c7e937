"""A lesson as read from its file: steps with text, settings, a prediction, a goal and
its solution. Plain frozen data; :mod:`playground.lessons.lesson_file` builds it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

from playground.config import Config
from playground.lessons.goals import Goal
from playground.lessons.settings import configure


class _ReadOnly:
    """Mapping fields become read-only views: a lesson is shared (built-ins are cached)."""

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dict):
                object.__setattr__(self, f.name, MappingProxyType(dict(value)))


@dataclass(frozen=True)
class Prediction:
    """A question to answer before playing; the answer shows only after a choice.

    Attributes
    ----------
    question : str
    choices : tuple of str
        Two or more, in the order written.
    answer_index : int
        The right choice's index into ``choices``.
    explanation : str
        Markdown: why that is the answer.
    """

    question: str
    choices: tuple[str, ...]
    answer_index: int
    explanation: str

    @property
    def answer(self) -> str:
        """The right choice's text."""
        return self.choices[self.answer_index]

    def is_right(self, choice: int | str) -> bool:
        """Whether ``choice`` (an index into :attr:`choices` or a choice's text) is right."""
        if isinstance(choice, str):
            return choice.strip().casefold() == self.answer.casefold()
        return choice == self.answer_index


@dataclass(frozen=True)
class Solution(_ReadOnly):
    """Settings and a number of epochs that meet the step's goal.

    Unpacks as ``config, epochs = step.solution``; train it with
    ``Trainer(config).step(epochs)``.

    Attributes
    ----------
    config : Config
        The step's settings with the solution's applied.
    epochs : int
    settings : mapping of str
        The solution's own settings as written (may be empty: just train).
    """

    config: Config
    epochs: int
    settings: Mapping[str, str] = field(default_factory=dict)

    def __iter__(self):
        return iter((self.config, self.epochs))


@dataclass(frozen=True)
class Step(_ReadOnly):
    """One step of a lesson.

    Attributes
    ----------
    number : int
        1 for the first step.
    title : str
    text : str
        Markdown (may hold ``$formulas$``), without the lesson's blocks.
    settings : mapping of str
        The settings applied when the step opens, as written (``{}`` if none): Config
        fields and the app's view keys.
    config : Config
        Where the step starts: the lesson's settings, then every step's settings up to
        this one, in order (what a link to this step opens).
    view : mapping of str
        The app's view keys the same way (lesson's, then the steps' up to this one).
    prediction : Prediction or None
    goal : Goal or None
    solution : Solution or None
    line : int
        The line of the step's heading in the lesson file.
    """

    number: int
    title: str
    text: str
    settings: Mapping[str, str]
    config: Config
    view: Mapping[str, str]
    prediction: Prediction | None = None
    goal: Goal | None = None
    solution: Solution | None = None
    line: int = 0

    def apply(self, config: Config) -> Config:
        """``config`` (the student's settings) with this step's settings applied: what
        the app switches to when the student opens the step with Next."""
        return configure(config, self.settings, self.line, "settings")


@dataclass(frozen=True)
class Lesson(_ReadOnly):
    """A lesson: front matter and steps.

    Attributes
    ----------
    name : str
        The built-in's name or the file's stem (``"xor"``); ``""`` for text.
    title, summary : str
    settings : mapping of str
        The starting settings as written in the front matter (Config fields and view
        keys).
    config : Config
        The starting settings as a Config (defaults for the fields not given).
    view : mapping of str
        The app's view keys among the starting settings.
    hide : tuple of str
        The controls the app hides during the lesson (its ``hide=`` names).
    intro : str
        Markdown before the first step (may be empty).
    steps : tuple of Step
    """

    name: str
    title: str
    summary: str
    settings: Mapping[str, str]
    config: Config
    view: Mapping[str, str]
    hide: tuple[str, ...]
    intro: str
    steps: tuple[Step, ...]

    def step(self, number: int) -> Step:
        """Step ``number`` (1-based). Raises ``ValueError`` outside 1..len(steps)."""
        if isinstance(number, bool) or not isinstance(number, int) \
                or not 1 <= number <= len(self.steps):
            raise ValueError(f"step: {self.title!r} has steps 1 to {len(self.steps)}, "
                             f"not {number!r}")
        return self.steps[number - 1]

    def query(self, number: int = 1) -> dict[str, str]:
        """The app's URL query that opens step ``number``: the step's settings (short
        form), view keys, ``hide``, and ``lesson``/``step`` when the lesson has a name."""
        step = self.step(number)
        query = {**step.config.to_query(short=True), **step.view}
        if self.hide:
            query["hide"] = ",".join(self.hide)
        if self.name:
            query.update(lesson=self.name, step=str(number))
        return query
