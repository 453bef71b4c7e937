"""The playground's URL state as a lesson writes it: a query string of settings, and the
names of the controls to hide.

Settings are the app's query string (``dataset=xor&hidden=4&learning_rate=0.1``, a
leading ``?`` or a whole copied link is fine): :class:`~playground.config.Config`
fields, validated here by ``Config.from_query``, and the app's view keys
(:data:`VIEW_KEYS`), kept as strings for the app to apply (their values are the app's
to check: this layer does not import it). ``hide`` is a comma-separated list of
sidebar sections (data, network, training), URL keys of single controls, or ``all``
(the same names as the app's ``hide=``).
"""

from __future__ import annotations

import difflib
from dataclasses import fields
from urllib.parse import parse_qsl

from playground.config import Config
from playground.data.datasets import GIVEN

CONFIG_KEYS = tuple(f.name for f in fields(Config))
# The app's view keys a lesson may set (the app's View fields minus hide and at)
VIEW_KEYS = ("speed", "test", "discretize", "log_loss", "diagram", "panel", "focus")
SECTIONS = ("data", "network", "training")
HIDE_NAMES = ("all", *SECTIONS, *CONFIG_KEYS, *VIEW_KEYS, "hide", "at")
# Keys of the app's URL that a lesson's settings must not carry, and why
NOT_SETTINGS = {
    "hide": "put the controls to hide on the front matter's hide: line",
    "at": "a lesson opens at the latest epoch",
    "lesson": "the lesson is this file",
    "step": "the step is where the settings stand",
}
MAX_SETTINGS_CHARS = 2000


def parse_settings(text: str, line: int) -> dict[str, str]:
    """The settings written on ``line`` as ``{key: value}`` strings, keys checked.

    Raises
    ------
    ValueError
        ``"line 4: settings: ..."`` for an empty or malformed query string, a repeated
        or unknown key, or a key a lesson may not set.
    """
    text = text.strip()
    if "?" in text:
        text = text.split("?", 1)[1]  # a whole link copied from the app
    text = text.strip("&").strip()
    if not text:
        raise ValueError(f"line {line}: settings: no settings given — write the "
                         "playground's query string, e.g. dataset=xor&hidden=4")
    if len(text) > MAX_SETTINGS_CHARS:
        raise ValueError(f"line {line}: settings: longer than {MAX_SETTINGS_CHARS} characters")
    settings: dict[str, str] = {}
    for part in text.split("&"):
        part = part.strip()
        if "=" not in part:
            raise ValueError(f"line {line}: settings: {part!r} is not key=value (settings "
                             "are a query string such as dataset=xor&hidden=4)")
        pairs = parse_qsl(part, keep_blank_values=True)
        key, value = pairs[0] if pairs else (part.split("=", 1)[0], "")
        key, value = key.strip(), value.strip()
        if key in NOT_SETTINGS:
            raise ValueError(f"line {line}: settings: {key} is not a setting a lesson "
                             f"applies — {NOT_SETTINGS[key]}")
        if key not in CONFIG_KEYS and key not in VIEW_KEYS:
            raise ValueError(f"line {line}: settings: unknown setting {key!r}"
                             f"{suggestion(key, (*CONFIG_KEYS, *VIEW_KEYS))}")
        if key in settings:
            raise ValueError(f"line {line}: settings: {key} is given twice")
        if key == "dataset" and value in GIVEN:
            raise ValueError(f"line {line}: settings: a lesson cannot carry your own points "
                             f"(dataset={value}): pick a built-in dataset")
        settings[key] = value
    return settings


def parse_hide(text: str, line: int) -> tuple[str, ...]:
    """The controls to hide, e.g. ``"data, learning_rate"`` -> ``("data", "learning_rate")``.

    Raises
    ------
    ValueError
        Naming the line and the first name the app does not know.
    """
    names = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    for name in names:
        if name not in HIDE_NAMES:
            raise ValueError(f"line {line}: hide: {name!r} is not a section (data, network, "
                             "training), a control's URL key, or all"
                             f"{suggestion(name, HIDE_NAMES)}")
    return names


def config_part(settings: dict[str, str]) -> dict[str, str]:
    """The :class:`Config` fields among ``settings``."""
    return {k: v for k, v in settings.items() if k in CONFIG_KEYS}


def view_part(settings: dict[str, str]) -> dict[str, str]:
    """The app's view keys among ``settings``."""
    return {k: v for k, v in settings.items() if k in VIEW_KEYS}


def configure(base: Config, settings: dict[str, str], line: int, what: str) -> Config:
    """``base`` with the Config fields of ``settings`` applied, validated.

    Raises
    ------
    ValueError
        ``"line 9: settings: learning_rate: must be between ..."``.
    """
    try:
        return Config.from_query({**base.to_query(), **config_part(settings)})
    except ValueError as err:
        raise ValueError(f"line {line}: {what}: {err}") from None


def suggestion(name: str, names) -> str:
    """``" (did you mean x?)"`` for the name among ``names`` closest to ``name``, or ``""``."""
    close = difflib.get_close_matches(name, names, n=1)
    return f" (did you mean {close[0]}?)" if close else ""
