"""Run files: a restored run equals the original and continues bit for bit; a tampered,
truncated or foreign file raises ValueError with a plain message."""

import base64
import hashlib
import json
import zlib
from pathlib import Path

import numpy as np
import pytest

from playground import OPTIMIZERS, Config, Trainer, export_script, read_csv
from playground.run.run_file import (
    MAX_FILE_BYTES,
    RunFileError,
    _body_text,
    encode_array,
)

ROOT = Path(__file__).resolve().parents[1]
OUTPUT_CASES = [  # (dataset changes, output): every output type, on the tasks it fits
    (dict(dataset="circle"), "sigmoid"),
    (dict(dataset="circle"), "softmax"),
    (dict(dataset="circle"), "linear"),
    (dict(dataset="blobs", n_classes=3), "softmax"),
    (dict(dataset="plane"), "linear"),
]


def assert_same_run(a: Trainer, b: Trainer) -> None:
    """Every piece of state a run file carries, equal bit for bit."""
    assert a.config == b.config and a.epoch == b.epoch and a.diverged == b.diverged
    np.testing.assert_array_equal(a.network.params, b.network.params)
    for log in ("history", "snapshots", "gradients"):
        la, lb = getattr(a, log), getattr(b, log)
        assert (la.n, la.stride, la._last) == (lb.n, lb.stride, lb._last), log
        np.testing.assert_array_equal(la.epochs, lb.epochs)
        np.testing.assert_array_equal(la.rows, lb.rows)
    sa, sb = a.optimizer.state(), b.optimizer.state()
    assert sa.keys() == sb.keys()
    for k in sa:
        np.testing.assert_array_equal(sa[k], sb[k])
    assert list(a.pinned) == list(b.pinned)
    for e in a.pinned:
        np.testing.assert_array_equal(a.pinned[e], b.pinned[e])
    assert a.edits == b.edits
    assert a.metrics == b.metrics


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("data,output", OUTPUT_CASES)
def test_round_trip_continues_bit_for_bit(data, output, optimizer):
    run = Trainer(**data, output=output, optimizer=optimizer, hidden=(5, 3),
                  learning_rate=0.01)
    run.step(37)
    again = Trainer.from_json(run.to_json())
    assert_same_run(run, again)
    run.step(41)
    again.step(41)
    assert_same_run(run, again)
    assert run.to_json() == again.to_json()


@pytest.mark.parametrize("changes", [
    dict(dtype="float32", optimizer="adam"),
    dict(batch_size=10_000, optimizer="momentum"),           # full batch
    dict(hidden=(32,) * 6, n_samples=200, optimizer="adam"),  # few snapshots: decimated
    dict(dataset="spiral", noise=0.2, regularization="l2", reg_rate=0.01),
    dict(dataset="xor", regularization="l1", reg_rate=0.001, features=("x1", "x2", "x1x2")),
])
def test_round_trip_of_special_runs(changes):
    run = Trainer(**changes)
    run.step(300)
    if changes.get("hidden"):
        assert run.snapshots.stride > 1  # the snapshots were thinned: that state travels
    again = Trainer.from_json(run.to_json())
    assert_same_run(run, again)
    run.step(300)
    again.step(300)
    assert_same_run(run, again)


def test_round_trip_keeps_edits_rewinds_and_replay():
    run = Trainer(optimizer="adam")
    run.step(60)
    run.edit(0, 1, 2, 0.75)
    run.step(60)
    run.rewind(90)
    run.step(25)
    run.snapshot()
    again = Trainer.from_json(run.to_json().encode())  # bytes, as an upload gives them
    assert_same_run(run, again)
    assert again.rewound_to == run.rewound_to
    for epoch in (0, 7, 60, 61, 90, run.epoch):
        e1, p1 = run.params_at(epoch)
        e2, p2 = again.params_at(epoch)
        assert e1 == e2
        np.testing.assert_array_equal(p1, p2)
    run.step(50)
    again.step(50)
    assert_same_run(run, again)


def test_round_trip_of_a_diverged_run():
    run = Trainer(dataset="plane", learning_rate=10.0, optimizer="momentum")
    run.step(100)
    assert run.diverged
    again = Trainer.from_json(run.to_json())
    assert again.diverged == run.diverged
    assert_same_run(run, again)


def test_a_restored_run_is_independent_of_the_original():
    run = Trainer()
    run.step(20)
    again = Trainer.from_json(run.to_json())
    again.step(5)
    assert run.epoch == 20 and again.epoch == 25


def test_file_is_json_with_the_documented_fields_and_small():
    run = Trainer()
    run.step(500)
    text = run.to_json()
    body = json.loads(text)
    assert body["format"] == "neural-playground-run" and body["version"] == 1
    assert body["config"] == run.config.to_query()
    assert body["data"] is None and body["epoch"] == 500
    assert len(text) < 200_000  # a default run: tens of KB


# ---------------------------------------------------------------------- bad files
def _saved():
    run = Trainer(optimizer="adam", hidden=(3,))
    run.step(30)
    run.edit(0, 0, 0, 0.5)
    run.step(5)
    return run.to_json()


TEXT = _saved()


def _resign(body: dict) -> str:
    """A forged file: ``body`` changed and its checksum recomputed, so only the checks
    of the content can refuse it."""
    body = {k: v for k, v in body.items() if k != "checksum"}
    text = _body_text(body)
    return json.dumps({**body, "checksum": hashlib.sha256(text.encode()).hexdigest()})


def _forged(change):
    body = json.loads(TEXT)
    change(body)
    return _resign(body)


def _set(path, value):
    def change(body):
        node = body
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def _array(a):
    return encode_array(np.asarray(a))


def _bomb():
    raw = zlib.compress(b"\0" * (8 * 2**20))  # 8 MB of zeros where 8 bytes are expected
    return {"dtype": "int64", "shape": [1], "zlib": base64.b64encode(raw).decode()}


def _deep():
    return "{" + '"format":' + "[" * 100_000 + "]" * 100_000 + "}"


RAW_CASES = {  # the file's text changed as a careless edit, a cut download or another file
    "empty": "",
    "whitespace": "   \n",
    "not json": "hello, world",
    "a csv": "x1,x2,label\n0.1,0.2,1\n",
    "a json list": "[1, 2, 3]",
    "a json number": "42",
    "another json object": '{"name": "my model", "weights": [[1, 2], [3, 4]]}',
    "cut in half": TEXT[: len(TEXT) // 2],
    "last byte cut": TEXT[:-1],
    "first byte cut": TEXT[1:],
    "one digit changed": TEXT.replace('"epoch":35', '"epoch":36'),
    "setting changed": TEXT.replace('"learning_rate":"0.03"', '"learning_rate":"0.3"'),
    "checksum removed": TEXT.replace('"checksum"', '"checksun"'),
    "wrong version": TEXT.replace('"version":1', '"version":2'),
    "wrong format": TEXT.replace("neural-playground-run", "tensorflow-playground"),
    "NaN constant": TEXT.replace('"diverged":null', '"diverged":NaN'),
    "deep nesting": _deep(),
    "too large": " " * (MAX_FILE_BYTES + 1),
}


FORGED_CASES = {  # re-signed files whose content is wrong
    "missing params": lambda b: b.pop("params"),
    "missing history": lambda b: b.pop("history"),
    "extra key": _set(["python"], "__import__('os')"),
    "bad setting": _set(["config", "activation"], "swish"),
    "setting not text": _set(["config", "hidden"], [3]),
    "config not a dict": _set(["config"], "circle"),
    "negative epoch": _set(["epoch"], -1),
    "epoch not whole": _set(["epoch"], 3.5),
    "epoch is true": _set(["epoch"], True),
    "absurd epoch": _set(["epoch"], 10**30),
    "params too short": _set(["params"], _array(np.zeros(3))),
    "params wrong type": _set(["params"], _array(np.zeros(13, np.float32))),
    "params infinite": _set(["params"], _array(np.full(13, np.inf))),
    "params not an array": _set(["params"], [0.0] * 13),
    "params bad base64": _set(["params", "zlib"], "!!!not base64!!!"),
    "params bad zlib": _set(["params", "zlib"], base64.b64encode(b"garbage").decode()),
    "params shape lies": _set(["params", "shape"], [2**31]),
    "zlib bomb": _set(["history", "epochs"], _bomb()),
    "adam state missing": lambda b: b["optimizer"].pop("m"),
    "adam step negative": _set(["optimizer", "t"], -5),
    "rng state not a number": _set(["rng", "state"], "12abc"),
    "rng increment even": _set(["rng", "inc"], "2"),
    "rng state huge": _set(["rng", "state"], str(2**130)),
    "stride not a power of 2": _set(["history", "stride"], 3),
    "history after the epoch": _set(["history", "epochs"], _array(np.arange(36) + 100)),
    "history not increasing": _set(["history", "epochs"], _array(np.zeros(36, np.int64))),
    "history rows missing": _set(["history", "rows"], _array(np.zeros((2, 4)))),
    "snapshot rows wrong width": _set(["snapshots", "rows"], _array(np.zeros((36, 5)))),
    "last before the rows": _set(["gradients", "last"], 3),
    "pinned epoch repeated": _set(["pinned", "epochs"], [30, 30]),
    "pinned epoch in the future": _set(["pinned", "epochs"], [99]),
    "edit of a layer that is not there": _set(["edits", 0, 1], 7),
    "edit value not a number": _set(["edits", 0, 5], "1e3"),
    "rewound after the epoch": _set(["rewound"], 99),
    "divergence note not text": _set(["diverged"], {"a": 1}),
    "changes not a list": _set(["changes"], {"40": "learning_rate"}),
    "change not four values": _set(["changes"], [[3, "learning_rate", 0.3]]),
    "change after the epoch": _set(["changes"], [[99, "learning_rate", 0.03, 0.03]]),
    "change of a setting that resets": _set(["changes"], [[3, "hidden", "4", "3"]]),
    "change to a bad value": _set(["changes"], [[3, "learning_rate", 0.03, "fast"]]),
    "changes that end elsewhere": _set(["changes"], [[3, "learning_rate", 0.01, 0.3]]),
    "rewind forward": _set(["changes"], [[3, "rewind", 1, 3]]),
    "data of the wrong shape": _set(["data"], {"X": _array(np.zeros((4, 3))),
                                               "y": _array(np.zeros(4))}),
}


@pytest.mark.parametrize("name", list(RAW_CASES))
def test_tampered_truncated_or_foreign_text_is_refused(name):
    assert RAW_CASES[name] != TEXT
    with pytest.raises(ValueError) as err:
        Trainer.from_json(RAW_CASES[name])
    assert isinstance(err.value, RunFileError)
    message = str(err.value)
    assert message.endswith(".") and "Traceback" not in message and len(message) < 300


@pytest.mark.parametrize("name", list(FORGED_CASES))
def test_forged_content_is_refused(name):
    text = _forged(FORGED_CASES[name])
    assert json.loads(text)["checksum"]  # signed: the content checks must catch it
    with pytest.raises(RunFileError) as err:
        Trainer.from_json(text)
    message = str(err.value)
    assert "checksum" not in message  # refused for what it holds
    assert message.startswith("This") and "Traceback" not in message and len(message) < 300


def test_a_resigned_unchanged_file_still_opens():
    """The forgery helper itself is sound: a re-signed original opens."""
    again = Trainer.from_json(_forged(lambda b: None))
    assert again.epoch == 35


def test_binary_garbage_and_non_utf8_are_refused():
    for data in (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), b"\xff\xfe{", bytes(100)):
        with pytest.raises(ValueError, match="not"):
            Trainer.from_json(data)


def test_a_huge_upload_is_refused_before_parsing():
    with pytest.raises(ValueError, match="at most"):
        Trainer.from_json(b"{" + b" " * MAX_FILE_BYTES + b"}")


def _assert_same_points(a, b):
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    np.testing.assert_array_equal(a.bounds, b.bounds)
    assert (a.classes, a.columns, a.y.dtype) == (b.classes, b.columns, b.y.dtype)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_own_points_round_trip_and_continue(optimizer):
    X, y = read_csv(ROOT / "examples" / "petals.csv")
    run = Trainer(Config(hidden=(5,), optimizer=optimizer), data=(X, y))
    assert run.config.dataset == "own"
    run.step(40)
    again = Trainer.from_json(run.to_json())
    _assert_same_points(run.points, again.points)
    assert_same_run(run, again)
    run.step(30)
    again.step(30)
    assert_same_run(run, again)


def test_own_values_and_points_kept_beside_a_built_in_dataset_round_trip():
    rng = np.random.default_rng(3)
    X = rng.normal(50.0, 20.0, (60, 2))
    run = Trainer(Config(hidden=(4,)), data=(X, np.sin(X[:, 0] / 9.0) * 30.0))
    assert run.config.dataset == "own_values"
    run.step(25)
    again = Trainer.from_json(run.to_json())
    _assert_same_points(run.points, again.points)
    assert_same_run(run, again)
    run.update(run.config.replace(dataset="circle"))  # the points stay, to switch back to
    run.step(10)
    again = Trainer.from_json(run.to_json())
    assert again.config.dataset == "circle"
    _assert_same_points(run.points, again.points)
    assert_same_run(run, again)


def test_a_file_whose_settings_name_points_it_lacks_is_refused():
    X, y = read_csv(ROOT / "examples" / "petals.csv")
    text = Trainer(Config(hidden=(3,)), data=(X, y)).to_json()
    body = json.loads(text)
    body["data"] = None
    with pytest.raises(RunFileError, match="points it does not hold"):
        Trainer.from_json(_resign(body))


# ---------------------------------------------------------------------- what changed
def test_round_trip_keeps_what_changed_while_the_run_trained():
    run = Trainer(hidden=(3,), optimizer="momentum")
    run.step(20)
    run.update(run.config.replace(learning_rate=0.1, batch_size=25))
    run.step(20)
    run.edit(0, 1, 2, 0.5)
    run.update(run.config.replace(optimizer="adam"))
    run.step(10)
    run.rewind(30)
    run.step(5)
    again = Trainer.from_json(run.to_json())
    assert again.changes == run.changes and len(run.changes) == 4
    assert export_script(again) == export_script(run)


def test_a_file_saved_without_the_changes_opens_as_a_run_whose_changes_are_not_known():
    body = json.loads(TEXT)
    assert body["changes"] == []
    again = Trainer.from_json(_forged(lambda b: b.pop("changes")))
    assert again.epoch == 35 and again.changes is None
    assert "is not known" in export_script(again)
    assert Trainer.from_json(TEXT).changes == []
