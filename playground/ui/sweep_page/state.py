"""What the Sweep page trains: one or two settings and their values, seeds and epochs,
validated here and carried in the URL beside the base :class:`~playground.config.Config`
(:class:`SweepSpec`); and what the page keeps between script runs of a session, under one
session key (:class:`SweepState`). Plain Python (no Streamlit).

>>> spec, problems = SweepSpec.from_query({"x": "batch_size", "x_values": "1,10,250"})
>>> spec.x_values, spec.y, problems
(('1', '10', '250'), 'width', [])
>>> SweepSpec(epochs=100).to_query()   # only what differs from the defaults
{'epochs': '100'}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from playground.config import Config
from playground.engine.activations import ACTIVATIONS
from playground.engine.initializers import INITIALIZERS
from playground.engine.optimizers import OPTIMIZERS

if TYPE_CHECKING:
    from playground.data.points import Points
    from playground.ui.sweep_page.job import Owner, SweepJob

MAX_RUNS = 100  # runs per sweep: values x values x seeds
MAX_SEEDS, MAX_EPOCHS, MIN_EPOCHS = 8, 3000, 1
NONE = "none"  # no second setting: one row


def _num(value: float) -> str:
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class Param:
    """A setting the Sweep page can vary.

    Attributes
    ----------
    name, label : str
        URL value and what the page calls it.
    presets : tuple of str
        The values offered (and the default values).
    parse : callable
        ``parse(text) -> value``, raising ValueError on a bad one.
    apply : callable
        ``apply(base, value) -> (field, field_value, base)``: the Config field a value
        sets, its value, and the base config it needs (e.g. L2 on for a penalty rate).
    """

    name: str
    label: str
    presets: tuple[str, ...]
    parse: Callable[[str], object]
    apply: Callable[[Config, object], tuple[str, object, Config]]


def _field(name: str):
    return lambda base, value: (name, value, base)


def _width(base: Config, w: int):  # every hidden layer this wide (one if there is none)
    return "hidden", (w,) * max(1, len(base.hidden)), base


def _depth(base: Config, d: int):  # this many hidden layers as wide as the first
    return "hidden", (base.hidden[0] if base.hidden else 4,) * d, base


def _reg_rate(base: Config, rate: float):  # a penalty rate needs a penalty: L2 by default
    return "reg_rate", rate, (base if base.regularization != "none"
                              else base.replace(regularization="l2"))


def _choice(options):
    def parse(text):
        if text not in options:
            raise ValueError(f"{text!r} is not one of {', '.join(options)}")
        return text
    return parse


PARAMS: dict[str, Param] = {p.name: p for p in (
    Param("learning_rate", "Learning rate",
          ("0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3"), float,
          _field("learning_rate")),
    Param("width", "Hidden width", ("1", "2", "4", "8", "16", "32"), int, _width),
    Param("depth", "Hidden layers", ("0", "1", "2", "3", "4"), int, _depth),
    Param("batch_size", "Batch size", ("1", "5", "10", "25", "50", "250"), int,
          _field("batch_size")),
    Param("activation", "Activation", tuple(ACTIVATIONS), _choice(tuple(ACTIVATIONS)),
          _field("activation")),
    Param("optimizer", "Optimizer", tuple(OPTIMIZERS), _choice(tuple(OPTIMIZERS)),
          _field("optimizer")),
    Param("reg_rate", "L1/L2 rate", ("0", "0.001", "0.003", "0.01", "0.03", "0.1"), float,
          _reg_rate),
    Param("noise", "Noise", ("0", "0.1", "0.2", "0.3", "0.4", "0.5"), float, _field("noise")),
    Param("init", "Initialisation", tuple(INITIALIZERS), _choice(tuple(INITIALIZERS)),
          _field("init")),
    Param("init_seed", "Init seed", tuple(str(s) for s in range(6)), int,
          _field("init_seed")),
)}


@dataclass(frozen=True)
class SweepSpec:
    """The sweep's settings; every field is a URL key (defaults are left out of links).
    ``x`` varies along the columns of the thumbnails, ``y`` along the rows."""

    x: str = "learning_rate"
    x_values: tuple[str, ...] = ()  # () = the setting's presets
    y: str = "width"
    y_values: tuple[str, ...] = ()
    seeds: int = 1
    epochs: int = 300

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, _check(f.name, getattr(self, f.name), self))
        if self.y != NONE and self.y == self.x:
            raise ValueError(f"y: the rows and the columns vary the same setting ({self.x})")
        if self.n_runs > MAX_RUNS:
            raise ValueError(f"{self.n_runs} runs ({self.describe()}) is more than the "
                             f"{MAX_RUNS} a sweep may train: drop some values or seeds")

    @property
    def rows(self) -> tuple[str, ...]:
        """The values along the rows (one empty row without a second setting)."""
        return self.y_values if self.y != NONE else ("",)

    @property
    def n_runs(self) -> int:
        return len(self.x_values) * len(self.rows) * self.seeds

    def describe(self) -> str:
        """E.g. ``"8 learning rates x 6 hidden widths x 2 seeds"``."""
        parts = [f"{len(self.x_values)} × {PARAMS[self.x].label.lower()}"]
        if self.y != NONE:
            parts.append(f"{len(self.y_values)} × {PARAMS[self.y].label.lower()}")
        if self.seeds > 1:
            parts.append(f"{self.seeds} seeds")
        return ", ".join(parts)

    def replace(self, **changes) -> SweepSpec:
        return dataclasses.replace(self, **changes)

    def grid(self, base: Config):
        """``(base, grid, seeds)`` for :func:`playground.sweep`: the columns' setting
        first, then the rows', so that run ``i`` sits at column ``i // (rows x seeds)``,
        row ``(i // seeds) % rows``."""
        grid = {}
        for name, values in ((self.x, self.x_values), (self.y, self.y_values)):
            if name == NONE:
                continue
            param, column = PARAMS[name], []
            for text in values:
                field, value, base = param.apply(base, param.parse(text))
                column.append(value)
            if field in grid:  # width and depth both set hidden: combine them
                raise ValueError(f"{PARAMS[self.x].label} and {param.label} both set the "
                                 "hidden layers: vary only one of them")
            grid[field] = column
        seeds = list(range(self.seeds)) if self.seeds > 1 else None
        if seeds and "init_seed" in grid:
            raise ValueError("Seeds repeat each run with init seeds 0, 1, …: with the init "
                             "seed as a setting, use 1 seed")
        return base, grid, seeds

    def to_query(self) -> dict[str, str]:
        """The fields that differ from the defaults (a setting's values: from its
        presets), as URL strings."""
        default = SweepSpec(x=self.x, y=self.y if self.y != self.x else NONE)
        return {f.name: _format(getattr(self, f.name)) for f in fields(self)
                if getattr(self, f.name) != getattr(SweepSpec(), f.name)
                and (f.name in ("x", "y") or getattr(self, f.name) != getattr(default, f.name))}

    @classmethod
    def from_query(cls, query) -> tuple[SweepSpec, list[str]]:
        """The sweep a URL asks for: a bad field falls back to its default, with a
        message (one per field)."""
        good, problems = {}, []
        for f in fields(cls):
            if f.name in query:
                value = query[f.name]
                good[f.name] = value[-1] if isinstance(value, list) and value else value
        while True:
            try:
                return cls(**good), problems
            except ValueError as err:
                bad = str(err).split(":")[0]
                if bad not in good:  # not one field's fault (too many runs): all defaults
                    return cls(), [*problems, f"{err} — using the default sweep"]
                problems.append(f"{err} — using the default")
                del good[bad]
                if bad in ("x", "y"):  # its values belong to another setting
                    good.pop(f"{bad}_values", None)


def _format(value) -> str:
    return ",".join(value) if isinstance(value, tuple) else str(value)


def _value(name: str, param: Param, text: str) -> str:
    """``text`` as a value of ``param`` in its short form (``1e-3`` -> ``0.001``), checked
    against what a Config accepts."""
    try:
        value = param.parse(text)
        field, field_value, base = param.apply(Config(), value)
        base.replace(**{field: field_value})
    except ValueError as err:
        raise ValueError(f"{name}: {text!r} is not a value of {param.label} "
                         f"({str(err).split(': ', 1)[-1]})") from None
    return value if isinstance(value, str) else _num(value)


def _check(name: str, value, spec: SweepSpec):
    if name in ("x", "y"):
        text = str(value).strip()
        allowed = (*PARAMS, NONE) if name == "y" else tuple(PARAMS)
        if text not in allowed:
            raise ValueError(f"{name}: {value!r} is not one of {', '.join(allowed)}")
        return text
    if name in ("x_values", "y_values"):
        param = PARAMS.get(getattr(spec, name[0]))
        if param is None:  # y = none
            return ()
        items = value if isinstance(value, tuple | list) else str(value).split(",")
        items = tuple(dict.fromkeys(str(s).strip() for s in items if str(s).strip()))
        return tuple(_value(name, param, text) for text in items or param.presets)
    lo, hi = (1, MAX_SEEDS) if name == "seeds" else (MIN_EPOCHS, MAX_EPOCHS)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"{name}: expected a whole number from {lo} to {hi}, "
                         f"got {value!r}") from None
    if not lo <= number <= hi:
        raise ValueError(f"{name}: must be from {lo} to {hi}, got {number}")
    return number


STATE_KEY = "sweep_page"  # the session key of the page's state (no widget's key)


@dataclass
class SweepState:
    """One session's Sweep page, beside its widgets' keys (``sw_x``, ``sw_values_x_*``,
    …). Nothing in it is shared with other sessions; the job has its own lock."""

    widgets_seeded: bool = False     # the widgets show the link's sweep (the first run)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (st function, text)
    base_problems: list[str] | None = None  # what the link's settings had wrong (said once)
    job: SweepJob | None = None      # the sweep last started
    owner: Owner | None = None       # cancels the job when the session lets go of it
    ran: tuple[Config, SweepSpec, Points | None] | None = None  # what the job trains
    thumbs: dict[int, Any] = field(default_factory=dict)  # thumbnails drawn, by run index
    polling: bool = False            # the results redraw while the job runs
    workers: int | None = None       # processes of a sweep's pool (None: the default)

    def notify(self, kind: str, text: str) -> None:
        """Show ``text`` with ``st.<kind>`` (info, warning, error) on the next run."""
        self.notices.append((kind, text))
