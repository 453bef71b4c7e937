"""Run files: a whole training run as one JSON text, and back.

A run file holds everything a run needs to continue exactly as it would have: the
config (its URL form), the user's own data if the run has some, the parameters, the
optimizer's state, the shuffling RNG's state, the epoch, the history, the weight
snapshots, the gradient log, the hand edits, and what changed while it trained (the
settings applied live and the rewinds, which its exported script replays). A restored
run continues bit for bit as the original, and its curves and replay are whole.

Format (version 1), one JSON object::

    {"format": "neural-playground-run", "version": 1,
     "config": {"dataset": "spiral", ...},          # Config.to_query(): every field
     "data": null | {"X": <array (n, 2)>, "y": <array (n,)>, "classes": [...] | null,
              "columns": ["x1", "x2", "label"], "bounds": <array (2, 2)>},  # own points
     "epoch": 300, "diverged": null | "...", "rewound": null | 120,
     "params": <array (n_params,)>,
     "optimizer": {"t": 300, "m": <array>, "v": <array>},   # {} for SGD
     "rng": {"state": "<int>", "inc": "<int>", "has_uint32": 0, "uinteger": 0},
     "history" | "snapshots" | "gradients": {"stride": 1, "last": 300,
                                              "epochs": <array>, "rows": <array>},
     "pinned": {"epochs": [...], "rows": <array (k, n_params)>},
     "edits": [[epoch, layer, row, col, old, new], ...],
     "changes": [[epoch, "learning_rate", 0.03, 0.3], [epoch, "rewind", from, epoch], ...],
     "checksum": "<sha256 of the rest>"}

``changes`` (see :mod:`playground.run.changes`) may be missing: a file saved before
runs kept them opens, as a run whose changes are not known.

An ``<array>`` is ``{"dtype": "float64", "shape": [...], "zlib": "<base64>"}``: the
array's little-endian bytes, zlib-compressed, in base64. Reading never unpickles or
evaluates anything; sizes are checked before anything is parsed or inflated, and every
value is checked against the config (shapes, ranges, epochs) so that a tampered,
truncated or foreign file raises ``ValueError`` with a plain message. Only NumPy and
the standard library.
"""

from __future__ import annotations

import hashlib
import json
import math

import numpy as np

from playground.config import Config
from playground.data.datasets import GIVEN
from playground.data.points import Points, config_for
from playground.run.changes import MAX_CHANGES, Change, check_changes
from playground.run.json_arrays import (
    RunFileError,
    check_finite,
    check_int,
    decode_array,
    encode_array,
    fail,
)
from playground.run.probes import Edit

FORMAT, VERSION = "neural-playground-run", 1
MAX_FILE_BYTES = 64 * 2**20  # a run file is a few MB at most (snapshots are 8 MB raw)
MAX_ROWS = 10**6  # rows of own data
MAX_EPOCH = 10**12
_KEYS = {"format", "version", "config", "data", "epoch", "diverged", "rewound", "params",
         "optimizer", "rng", "history", "snapshots", "gradients", "pinned", "edits",
         "checksum"}
_OPTIONAL = {"changes"}  # (files saved before runs logged their changes lack it)


# ---------------------------------------------------------------------- writing
def _points_node(points) -> dict | None:
    """The run's own points (:class:`~playground.points.Points`), all that maps them
    into the square: units, labels (classes int64, values float64), names, bounds."""
    if points is None:
        return None
    return {"X": encode_array(points.X), "y": encode_array(points.y),
            "classes": None if points.classes is None else list(points.classes),
            "columns": list(points.columns), "bounds": encode_array(points.bounds)}


def _log(state: dict) -> dict:
    """A log's :meth:`~playground.run.history.DecimatingLog.state` as the file holds it."""
    return {"stride": int(state["stride"]), "last": int(state["last"]),
            "epochs": encode_array(state["epochs"]), "rows": encode_array(state["rows"])}


def _body_text(body: dict) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)


def run_to_json(trainer) -> str:
    """The whole run ``trainer`` as the text of a run file (see the module's docstring):
    its config, its own points, and its :meth:`~playground.run.trainer.Trainer.state`."""
    state = trainer.state()
    rng = state["rng"]
    pinned = list(state["pinned"].items())  # insertion order: the oldest is dropped first
    width = state["params"].size
    body = {
        "format": FORMAT, "version": VERSION,
        "config": trainer.config.to_query(),
        "data": _points_node(trainer.points),
        "epoch": int(state["epoch"]), "diverged": state["diverged"],
        "rewound": None if state["rewound"] is None else int(state["rewound"]),
        "params": encode_array(state["params"]),
        "optimizer": {k: (int(v) if k == "t" else encode_array(v))
                      for k, v in state["optimizer"].items()},
        # 128-bit integers as decimal text: JSON readers elsewhere stop at 2**53
        "rng": {"state": str(rng["state"]["state"]), "inc": str(rng["state"]["inc"]),
                "has_uint32": int(rng["has_uint32"]), "uinteger": int(rng["uinteger"])},
        "history": _log(state["history"]), "snapshots": _log(state["snapshots"]),
        "gradients": _log(state["gradients"]),
        "pinned": {"epochs": [int(e) for e, _ in pinned],
                   "rows": encode_array(np.array([p for _, p in pinned],
                                                 state["params"].dtype).reshape(-1, width))},
        "edits": [[e.epoch, e.layer, e.row, e.col, e.old, e.new] for e in state["edits"]],
    }
    if state["changes"] is not None:
        body["changes"] = [[c.epoch, c.what, c.old, c.new] for c in state["changes"]]
    text = _body_text(body)
    body["checksum"] = hashlib.sha256(text.encode()).hexdigest()
    return json.dumps(body, separators=(",", ":"), allow_nan=False)


# ---------------------------------------------------------------------- reading
def _no_constant(name):
    fail(f"This is not a run file: it contains {name}, which JSON does not allow.")


def parse(text) -> dict:
    """The checked top level of a run file (its checksum verified); raises
    :class:`RunFileError` for anything else."""
    if isinstance(text, bytes | bytearray | memoryview):
        if len(text) > MAX_FILE_BYTES:
            fail(f"This file is {len(text) / 2**20:.0f} MB; a run file is at most "
                  f"{MAX_FILE_BYTES // 2**20} MB.")
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            fail("This is not a run file: it is not text (UTF-8).")
    if not isinstance(text, str):
        fail("A run file is text (JSON).")
    if len(text) > MAX_FILE_BYTES:
        fail(f"This file is {len(text) / 2**20:.0f} MB; a run file is at most "
              f"{MAX_FILE_BYTES // 2**20} MB.")
    if not text.lstrip().startswith("{"):
        fail("This is not a run file: a run file is a JSON object saved by Neural "
              "Playground.")
    try:
        body = json.loads(text, parse_constant=_no_constant)
    except RunFileError:
        raise
    except (ValueError, RecursionError):
        fail("This run file is damaged or incomplete: it is not valid JSON (was it cut "
              "short?).")
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        fail("This is not a Neural Playground run file (its 'format' is missing).")
    if body.get("version") != VERSION:
        fail(f"This run file has version {body.get('version')!r}; this app reads version "
              f"{VERSION}.")
    checksum = body.pop("checksum", None)
    if not isinstance(checksum, str):
        fail("This run file has no checksum: it was not saved by Neural Playground.")
    if not _KEYS - {"checksum"} <= set(body) <= _KEYS | _OPTIONAL:
        missing = sorted(_KEYS - {"checksum"} - set(body))
        extra = sorted(set(body) - _KEYS - _OPTIONAL)
        fail("This run file is incomplete or foreign: "
              + (f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(extra)}")
              + ".")
    if hashlib.sha256(_body_text(body).encode()).hexdigest() != checksum:
        fail("This run file was changed after it was saved (its checksum does not match); "
              "it was not opened.")
    return body


def _log_state(log, node, what: str, dtype: str, epoch: int) -> dict:
    """The state ``node`` holds for the :class:`~playground.run.history.DecimatingLog`
    ``log`` (of the run the file is restored into), checked."""
    if not isinstance(node, dict) or set(node) != {"stride", "last", "epochs", "rows"}:
        fail(f"This run file is damaged: its {what} is incomplete.")
    stride = check_int(node["stride"], f"the {what}'s stride", 1, 2**40)
    if stride & (stride - 1):
        fail(f"This run file is damaged: the {what}'s stride {stride} is not a power of 2.")
    epochs = decode_array(node["epochs"], f"the {what}'s epochs", "int64", (None,))
    n = len(epochs)
    rows = decode_array(node["rows"], f"the {what}'s rows", dtype, (n, log.width))
    if n > log.capacity:
        fail(f"This run file is damaged: its {what} holds {n} rows, at most "
              f"{log.capacity} fit.")
    if n and (epochs[0] < 0 or epochs[-1] > epoch or np.any(np.diff(epochs) <= 0)
              or np.any(epochs % stride)):
        fail(f"This run file is damaged: its {what}'s epochs are not increasing multiples "
              f"of {stride} up to epoch {epoch}.")
    last = check_int(node["last"], f"the {what}'s last epoch", -1, epoch)
    if n and last < epochs[-1] or not n and last != -1:
        fail(f"This run file is damaged: its {what}'s last epoch {last} is before its rows.")
    return {"stride": stride, "last": last, "epochs": epochs, "rows": rows}


def _rng_state(node) -> dict:
    if not isinstance(node, dict) or set(node) != {"state", "inc", "has_uint32", "uinteger"}:
        fail("This run file is damaged: the shuffling generator's state is incomplete.")
    values = []
    for key in ("state", "inc"):
        text = node[key]
        if not isinstance(text, str) or not text.isdigit() or len(text) > 40:
            fail("This run file is damaged: the shuffling generator's state is not a number.")
        values.append(int(text))
    if not all(v < 2**128 for v in values) or values[1] % 2 == 0:
        fail("This run file is damaged: the shuffling generator's state is out of range.")
    return {"bit_generator": "PCG64", "state": {"state": values[0], "inc": values[1]},
            "has_uint32": check_int(node["has_uint32"], "has_uint32", 0, 1),
            "uinteger": check_int(node["uinteger"], "uinteger", 0, 2**32 - 1)}


def _config(node) -> Config:
    if not isinstance(node, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in node.items()):
        fail("This run file is damaged: its settings are not a set of named values.")
    try:
        return Config.from_query(node)
    except ValueError as err:
        fail(f"This run file has a setting this app cannot use: {err}.")


def _own_data(node):
    """The run's own points from the file's ``data`` (None if it has none)."""
    if node is None:
        return None
    if not isinstance(node, dict) or set(node) != {"X", "y", "classes", "columns", "bounds"}:
        fail("This run file is damaged: its data is incomplete.")
    X = check_finite(decode_array(node["X"], "the data's points", "float64", (None, 2)),
                     "the data")
    if not 1 <= len(X) <= MAX_ROWS:
        fail(f"This run file is damaged: it holds {len(X)} points.")
    classes, columns = node["classes"], node["columns"]
    y = check_finite(decode_array(node["y"], "the data's labels", "float64" if classes is None
                                  else "int64", (len(X),)), "the labels")
    bounds = decode_array(node["bounds"], "the data's bounds", "float64", (2, 2))
    names = (columns if classes is None else classes + columns)
    if not (classes is None or isinstance(classes, list)) or not isinstance(columns, list) or \
            not all(isinstance(n, str) and len(n) <= 200 for n in names):
        fail("This run file is damaged: its data's names are not text.")
    try:
        return Points(X, y, None if classes is None else tuple(classes), tuple(columns),
                      bounds)
    except ValueError as err:
        fail(f"This run file's data cannot be used: {err}.")


def run_from_json(text, trainer_class):
    """A new ``trainer_class`` run restored from the run file ``text`` (str or bytes).

    Raises
    ------
    RunFileError (a ValueError)
        For a tampered, truncated, foreign or oversized file, with a plain message.
    """
    body = parse(text)
    config = _config(body["config"])
    data = _own_data(body["data"])
    try:
        if config.dataset in GIVEN:  # the run trains on its own points
            if data is None or config_for(config, data) != config:
                fail("This run file is damaged: its settings name points it does not hold.")
            run = trainer_class(config, data=data)
        else:  # a built-in dataset; own points kept to switch back to
            run = trainer_class(config)
            run.points = data
    except RunFileError:
        raise
    except (ValueError, TypeError) as err:
        fail(f"This run file's data cannot be used: {err}")
    _restore(run, body)
    return run


def _restore(run, body: dict) -> None:
    """Put the file's state into ``run`` (a fresh trainer of the file's config)."""
    net, dtype = run.network, run.network.dtype.name
    width = net.params.size
    epoch = check_int(body["epoch"], "the epoch", 0, MAX_EPOCH)
    diverged = body["diverged"]
    if diverged is not None and (not isinstance(diverged, str) or len(diverged) > 2000):
        fail("This run file is damaged: its divergence note is not text.")
    rewound = body["rewound"]
    if rewound is not None:
        rewound = check_int(rewound, "the rewound epoch", 0, epoch)
    params = check_finite(decode_array(body["params"], "the parameters", dtype, (width,)),
                     "the parameters")
    opt = run.optimizer
    state, want = body["optimizer"], opt.state()
    if not isinstance(state, dict) or set(state) != set(want):
        fail(f"This run file is damaged: the optimizer's state does not fit "
              f"{run.config.optimizer} (expected {', '.join(sorted(want)) or 'none'}).")
    loaded = {k: (check_int(v, "the optimizer's step count", 0, MAX_EPOCH * 10**6) if k == "t"
                  else check_finite(decode_array(v, f"the optimizer's {k}", dtype, (width,)),
                               f"the optimizer's {k}"))
              for k, v in state.items()}
    rng = _rng_state(body["rng"])
    logs = {"history": _log_state(run.history, body["history"], "history", "float64", epoch),
            "snapshots": _log_state(run.snapshots, body["snapshots"], "snapshots", dtype,
                                    epoch),
            "gradients": _log_state(run.gradients, body["gradients"], "gradient log",
                                    "float64", epoch)}
    check_finite(logs["snapshots"]["rows"], "the snapshots")
    pinned = body["pinned"]
    if not isinstance(pinned, dict) or set(pinned) != {"epochs", "rows"} or \
            not isinstance(pinned["epochs"], list) or len(pinned["epochs"]) > 256:
        fail("This run file is damaged: its chosen snapshots are incomplete.")
    p_epochs = [check_int(e, "a chosen snapshot's epoch", 0, epoch) for e in pinned["epochs"]]
    if len(set(p_epochs)) != len(p_epochs):
        fail("This run file is damaged: two chosen snapshots have the same epoch.")
    p_rows = check_finite(decode_array(pinned["rows"], "the chosen snapshots", dtype,
                                  (len(p_epochs), width)), "the chosen snapshots")
    edits = body["edits"]
    if not isinstance(edits, list) or len(edits) > 1000:
        fail("This run file is damaged: its edits are not a list.")
    edits = [_edit(e, epoch, net) for e in edits]
    changes = _changes(body.get("changes"), epoch, run.config)
    # everything checked: the run takes the file's state
    run.load_state({"epoch": epoch, "diverged": diverged, "rewound": rewound,
                    "params": params, "optimizer": loaded, "rng": rng, **logs,
                    "pinned": dict(zip(p_epochs, p_rows, strict=True)), "edits": edits,
                    "changes": changes})


def _edit(entry, epoch: int, net) -> Edit:
    if not isinstance(entry, list) or len(entry) != 6:
        fail("This run file is damaged: an edit is not [epoch, layer, row, col, old, new].")
    at = check_int(entry[0], "an edit's epoch", 0, epoch)
    layer = check_int(entry[1], "an edit's layer", 0, net.n_layers - 1)
    rows, cols = net.layers[layer].shape
    row = check_int(entry[2], "an edit's row", 0, rows - 1)
    col = check_int(entry[3], "an edit's column", 0, cols - 1)
    values = entry[4:]
    if not all(isinstance(v, float | int) and not isinstance(v, bool) and math.isfinite(v)
               for v in values):
        fail("This run file is damaged: an edit's values are not numbers.")
    return Edit(at, layer, row, col, float(values[0]), float(values[1]))


def _changes(node, epoch: int, config: Config) -> list[Change] | None:
    """The changes a run file holds (None: a file saved without them), checked."""
    if node is None:
        return None
    if not isinstance(node, list) or len(node) > MAX_CHANGES:
        fail("This run file is damaged: its changes are not a list.")
    changes = []
    for entry in node:
        if not isinstance(entry, list) or len(entry) != 4:
            fail("This run file is damaged: a change is not [epoch, setting, old, new].")
        at = check_int(entry[0], "a change's epoch", 1, epoch)
        changes.append(Change(at, *entry[1:]))
    try:
        return check_changes(changes, config, epoch)
    except ValueError as err:
        fail(f"This run file is damaged: {str(err)[:200]}.")
