"""Pair files: both runs of a :class:`~playground.compare.pair.Lockstep` in one JSON text.

Format (version 1)::

    {"format": "neural-playground-compare", "version": 1,
     "a": "<run A's run file>", "b": "<run B's run file>",   # see playground.run.run_file
     "held": ["b"],
     "checksum": "<sha256 of the rest>"}

Each run is kept as the text of its own run file (written and read by
:mod:`playground.run.run_file`, with all its checks), so a restored pair continues bit
for bit. A tampered, truncated, foreign or oversized file raises ``ValueError`` with a
plain message.
"""

from __future__ import annotations

import hashlib
import json

from playground.compare.pair import NAMES, Lockstep
from playground.run.run_file import MAX_FILE_BYTES
from playground.run.trainer import Trainer

FORMAT, VERSION = "neural-playground-compare", 1
MAX_PAIR_BYTES = 2 * MAX_FILE_BYTES + 2**16
_KEYS = {"format", "version", "a", "b", "held"}


def _body_text(body: dict) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)


def pair_to_json(pair: Lockstep) -> str:
    """Both runs of ``pair``, and which are held, as the text of a pair file."""
    body = {"format": FORMAT, "version": VERSION, "a": pair.a.to_json(),
            "b": pair.b.to_json(), "held": sorted(pair.held)}
    body["checksum"] = hashlib.sha256(_body_text(body).encode()).hexdigest()
    return json.dumps(body, separators=(",", ":"), allow_nan=False)


def _loads(text):
    """The JSON object of ``text`` (str or bytes), or None when it is none."""
    if isinstance(text, bytes | bytearray | memoryview):
        if len(text) > MAX_PAIR_BYTES:
            return None
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not isinstance(text, str) or len(text) > MAX_PAIR_BYTES or \
            not text.lstrip().startswith("{"):
        return None
    try:
        body = json.loads(text, parse_constant=_refuse)
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


def _refuse(name):
    raise ValueError(f"{name} is not JSON")


def is_pair_file(text) -> bool:
    """Whether ``text`` (str or bytes) is a pair file (rather than a run file or else);
    :func:`pair_from_json` checks it thoroughly."""
    body = _loads(text)
    return body is not None and body.get("format") == FORMAT


def pair_from_json(text) -> Lockstep:
    """The pair saved by :func:`pair_to_json`.

    Raises
    ------
    ValueError
        For a tampered, truncated, foreign or oversized file, with a plain message.
    """
    size = len(text) if isinstance(text, str | bytes | bytearray) else 0
    if size > MAX_PAIR_BYTES:
        raise ValueError(f"This file is {size / 2**20:.0f} MB; a pair file is at most "
                         f"{MAX_PAIR_BYTES // 2**20} MB.")
    body = _loads(text)
    if body is None:
        raise ValueError("This pair file is damaged or incomplete: it is not a JSON object "
                         "(was it cut short?).")
    if body.get("format") != FORMAT:
        raise ValueError("This is not a Neural Playground pair file (its 'format' is "
                         "missing).")
    if body.get("version") != VERSION:
        raise ValueError(f"This pair file has version {body.get('version')!r}; this app "
                         f"reads version {VERSION}.")
    checksum = body.pop("checksum", None)
    if set(body) != _KEYS or not isinstance(checksum, str):
        raise ValueError("This pair file is incomplete or foreign: it does not hold runs A "
                         "and B and a checksum.")
    if hashlib.sha256(_body_text(body).encode()).hexdigest() != checksum:
        raise ValueError("This pair file was changed after it was saved (its checksum does "
                         "not match); it was not opened.")
    held = body["held"]
    if not isinstance(held, list) or not set(held) <= set(NAMES) or \
            len(set(held)) != len(held):
        raise ValueError("This pair file is damaged: its held runs are not 'a' or 'b'.")
    runs = []
    for which in NAMES:
        if not isinstance(body[which], str):
            raise ValueError(f"This pair file is damaged: run {which.upper()} is not a run "
                             "file.")
        try:
            runs.append(Trainer.from_json(body[which]))
        except ValueError as err:
            raise ValueError(f"Run {which.upper()} of this pair file: {err}") from None
    try:
        return Lockstep.of(*runs, held=held)
    except ValueError as err:
        raise ValueError(f"This pair file is damaged: {err}") from None
