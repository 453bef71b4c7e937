"""How the run is shown, as opposed to what is trained: speed, toggles, panel, focus,
and the controls a lecturer hides. It travels in the URL beside the
:class:`~playground.config.Config`, so a link pasted in slides opens exactly what the
lecturer saw. Plain Python (no Streamlit): validated here, used by the app.

>>> View.from_query({"speed": "100", "panel": "gradients"})[0].speed
'100'
>>> View(speed="max").to_query()   # only what differs from the defaults
{'speed': 'max'}
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, fields

from playground.config import Config, parse_bool
from playground.data.features import FEATURES

# Training pace, in epochs per second, on a log scale; "max" trains as many as fit a frame
SPEEDS = ("1", "3", "10", "30", "100", "300", "1000", "max")
DEFAULT_SPEED = "30"  # the default circle visibly forms over a few seconds
PANELS = {"weights": "Weights", "hidden": "Hidden space", "gradients": "Gradients",
          "numbers": "By the numbers", "landscape": "Loss landscape"}
SECTIONS = ("data", "network", "training")  # the sidebar's sections, for ``hide``
MAX_AT = 10**9  # the largest epoch a link may ask replay to show
CONFIG_KEYS = tuple(f.name for f in fields(Config))
_HIDDEN_UNIT = re.compile(r"^h[1-9]\d?\.[1-9]\d{0,2}$")  # h1.3: layer 1, neuron 3


@dataclass(frozen=True)
class View:
    """What the page shows; every field is a URL key (defaults are left out of links)."""

    speed: str = DEFAULT_SPEED
    test: bool = True          # test points on the decision regions
    discretize: bool = False   # regions as two flat colours
    log_loss: bool = False     # loss curves on a log scale
    diagram: bool = True       # the network diagram
    panel: str = "weights"     # the panel below: weights, hidden (space), gradients,
                               # numbers (by the numbers), landscape (loss landscape)
    focus: str = "output"      # the main view: the output, a hidden neuron (h1.3) or an input
                               # feature's name (x1, x1sq)
    hide: tuple[str, ...] = ()  # sidebar sections and single controls' URL keys, or "all"
    at: int | None = None      # the epoch replay shows while paused (None: the latest)

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, _check(f.name, getattr(self, f.name)))

    def hides(self, key: str) -> bool:
        """Whether the control (or section) with URL key ``key`` is hidden."""
        return "all" in self.hide or key in self.hide

    def replace(self, **changes) -> View:
        return dataclasses.replace(self, **changes)

    def to_query(self) -> dict[str, str]:
        """The fields that differ from the defaults, as URL strings."""
        default = View()
        return {f.name: _format(getattr(self, f.name)) for f in fields(self)
                if getattr(self, f.name) != getattr(default, f.name)}

    @classmethod
    def from_query(cls, query) -> tuple[View, list[str]]:
        """The view a URL asks for; a bad value falls back to its default with a message
        (returned, one per field)."""
        good, problems = {}, []
        for f in fields(cls):
            if f.name not in query:
                continue
            value = query[f.name]
            value = value[-1] if isinstance(value, list) and value else value
            if f.name == "hide":  # a typo drops that name only: the rest stay hidden
                value, unknown = _known_hides(value)
                problems += [f"hide: {name!r} is not a section (data, network, training), "
                             "a control's URL key, or all — left out" for name in unknown]
            try:
                good[f.name] = _check(f.name, value)
            except ValueError as err:
                problems.append(f"{err} — using the default {_format(f.default)!r}")
        return cls(**good), problems


def _known_hides(value) -> tuple[tuple[str, ...], list[str]]:
    """The names of a ``hide`` value (a comma list or a sequence; each once, in order)
    split into those it knows and the others."""
    items = value if isinstance(value, tuple | list) else str(value).split(",")
    items = tuple(dict.fromkeys(s.strip() for s in items if s.strip()))
    allowed = ("all", *SECTIONS, *CONFIG_KEYS, *(f.name for f in fields(View)))
    return (tuple(s for s in items if s in allowed), [s for s in items if s not in allowed])


def _epoch(value) -> int | None:
    """A replayed epoch: a whole number from 0 to ``MAX_AT``, or None (the latest)."""
    if value is None or str(value).strip() in ("", "latest"):
        return None
    text = str(value).strip().replace(",", "")
    if isinstance(value, bool) or not text.isdigit() or int(text) > MAX_AT:
        raise ValueError(f"at: {value!r} is not an epoch (a whole number from 0 to {MAX_AT:,})")
    return int(text)


def _format(value) -> str:
    if value is None:
        return "latest"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def _check(name: str, value):
    default = next(f.default for f in fields(View) if f.name == name)
    if name == "at":
        return _epoch(value)
    if isinstance(default, bool):
        return parse_bool(name, value)
    if name == "hide":
        items, bad = _known_hides(value)
        if bad:
            raise ValueError(f"hide: {', '.join(bad)} is not a section (data, network, "
                             "training), a control's URL key, or all")
        return items
    text = str(value).strip()
    if name == "speed":
        if text not in SPEEDS:
            raise ValueError(f"speed: {value!r} is not one of {', '.join(SPEEDS)} "
                             "(epochs per second)")
        return text
    if name == "panel":
        if text not in PANELS:
            raise ValueError(f"panel: {value!r} is not one of {', '.join(PANELS)}")
        return text
    # focus: the network decides later whether it has that neuron
    if text != "output" and text not in FEATURES and not _HIDDEN_UNIT.match(text):
        raise ValueError(f"focus: {value!r} is not a neuron's name such as h1.3")
    return text
