"""What differs between two configs, as field names and as the line the app shows:

>>> from playground.config import Config
>>> describe(Config(), Config(learning_rate=0.3))
'B: learning rate 0.3 — A: 0.03'
"""

from __future__ import annotations

from dataclasses import fields

from playground.config import LABELS, Config
from playground.data.features import FEATURES


def differences(a: Config, b: Config) -> list[str]:
    """The names of the fields whose values differ between ``a`` and ``b``, in
    :class:`~playground.config.Config` field order."""
    return [f.name for f in fields(Config) if getattr(a, f.name) != getattr(b, f.name)]


def _hidden(widths: tuple[int, ...]) -> str:
    return ", ".join(map(str, widths)) if widths else "none"


def _features(names: tuple[str, ...]) -> str:
    return ", ".join(FEATURES[n].label for n in names)


def _switch(on: bool) -> str:
    return "on" if on else "off"


# field -> how its value reads (the others: numbers with :g, names as they are)
SHOWN = {"hidden": _hidden, "features": _features, "shuffle": _switch}


def shown(name: str, value) -> str:
    """Field ``name``'s ``value`` as people read it: ``"4, 2"``, ``"x1, x2²"``, ``0.03``."""
    if name in SHOWN:
        return SHOWN[name](value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def describe(a: Config, b: Config) -> str:
    """The line naming what B changes from A: B's settings with the controls' names, then
    A's values in the same order, e.g. ``"B: activation relu, learning rate 0.3 — A: tanh,
    0.03"``; ``"B: the same settings as A"`` when nothing differs."""
    names = differences(a, b)
    if not names:
        return "B: the same settings as A"
    ours = ", ".join(f"{LABELS[n].lower()} {shown(n, getattr(b, n))}" for n in names)
    theirs = ", ".join(shown(n, getattr(a, n)) for n in names)
    return f"B: {ours} — A: {theirs}"
