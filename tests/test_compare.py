"""Compare: two runs in lockstep, each bit for bit its lone run; what differs, presets,
the pair's link and its file."""

from __future__ import annotations

import json

import numpy as np
import pytest

import playground
from playground.compare import (
    PRESETS,
    Lockstep,
    compare,
    describe,
    from_query_lenient,
    is_pair_file,
    pair_from_json,
    pair_to_json,
    to_query,
)
from playground.compare.differences import differences
from playground.config import RANGES, Config
from playground.run.trainer import Trainer
from playground.ui.server.session import RunGuard, train_for

SMALL = Config(n_samples=120, hidden=(4, 2))
SPIRAL3 = Config(dataset="spiral", n_classes=3, n_samples=150, hidden=(6,))
PLANE = Config(dataset="plane", n_samples=100, hidden=(3,))


def own_points(seed=0, n=60, values=False):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 5, (n, 2))
    y = X.sum(axis=1) if values else (X[:, 0] > 1).astype(int)
    return X, y


def assert_same(x, y, where="state"):
    """Two nested states (dicts, lists, arrays, numbers) equal, arrays bit for bit."""
    if isinstance(x, dict):
        assert isinstance(y, dict) and set(x) == set(y), where
        for k in x:
            assert_same(x[k], y[k], f"{where}.{k}")
    elif isinstance(x, list | tuple):
        assert len(x) == len(y), where
        for i, (p, q) in enumerate(zip(x, y, strict=True)):
            assert_same(p, q, f"{where}[{i}]")
    elif isinstance(x, np.ndarray):
        assert x.dtype == y.dtype and np.array_equal(x, y), where
    else:
        assert x == y, where


def assert_same_run(run, lone):
    assert run.config == lone.config
    assert run.epoch == lone.epoch
    assert_same(run.state(), lone.state())


def lone(config, epochs, data=None):
    run = Trainer(config, data)
    run.step(epochs)
    return run


# ---------------------------------------------------------------------- differences
def test_differences_in_field_order():
    a = Config()
    b = a.replace(learning_rate=0.3, activation="relu", dataset="xor")
    assert differences(a, b) == ["dataset", "activation", "learning_rate"]
    assert differences(a, a) == []


@pytest.mark.parametrize("b, line", [
    (Config(learning_rate=0.3), "B: learning rate 0.3 — A: 0.03"),
    (Config(activation="relu", learning_rate=0.3),
     "B: activation relu, learning rate 0.3 — A: tanh, 0.03"),
    (Config(hidden=()), "B: hidden layers none — A: 4, 2"),
    (Config(hidden=(8,)), "B: hidden layers 8 — A: 4, 2"),
    (Config(features=("x1sq", "x2sq")), "B: input features x1², x2² — A: x1, x2"),
    (Config(shuffle=False), "B: shuffle off — A: on"),
    (Config(), "B: the same settings as A"),
])
def test_describe(b, line):
    assert describe(Config(), b) == line


# ---------------------------------------------------------------------- presets
PRESET_AS = [Config(), SMALL.replace(hidden=(), features=("x1sq", "x2sq")),
             Config(hidden=(5,), activation="relu", optimizer="adam", learning_rate=10.0),
             Config(batch_size=250, regularization="l2", reg_rate=0.1),
             Config(dataset="own", n_classes=3, batch_size=500),
             PLANE, SPIRAL3.replace(regularization="l1", reg_rate=0.5)]


def test_presets_are_the_menu_in_order():
    assert list(PRESETS) == ["lr_x10", "layers", "relu_tanh", "sgd_adam", "batch", "l2",
                             "features"]
    assert all(p.name == k and p.label for k, p in PRESETS.items())


@pytest.mark.parametrize("name", list(PRESETS))
@pytest.mark.parametrize("a", PRESET_AS, ids=range(len(PRESET_AS)))
def test_every_preset_makes_a_valid_different_config(name, a):
    b = PRESETS[name].make(a)
    assert isinstance(b, Config) and b != a
    assert Config.from_query(b.to_query()) == b  # valid: passes validation again


def test_preset_values():
    a = Config()
    assert PRESETS["lr_x10"].make(a).learning_rate == pytest.approx(0.3)
    assert PRESETS["lr_x10"].make(a.replace(learning_rate=3.0)).learning_rate == 10.0
    assert PRESETS["lr_x10"].make(a.replace(learning_rate=10.0)).learning_rate == 1.0
    assert PRESETS["layers"].make(a).hidden == (4,)
    assert PRESETS["layers"].make(a.replace(hidden=(6,))).hidden == (6, 6)
    assert PRESETS["layers"].make(a.replace(hidden=())).hidden == (4,)
    assert PRESETS["relu_tanh"].make(a).activation == "relu"
    assert PRESETS["relu_tanh"].make(a.replace(activation="relu")).activation == "tanh"
    assert PRESETS["sgd_adam"].make(a).optimizer == "adam"
    assert PRESETS["sgd_adam"].make(a.replace(optimizer="adam")).optimizer == "sgd"
    assert PRESETS["batch"].make(a).batch_size == a.n_train == 250
    assert PRESETS["batch"].make(a.replace(batch_size=250)).batch_size == 1
    assert PRESETS["batch"].make(a.replace(dataset="own")).batch_size == RANGES["batch_size"][1]
    b = PRESETS["l2"].make(a)
    assert (b.regularization, b.reg_rate) == ("l2", 0.01)
    b = PRESETS["l2"].make(b)
    assert (b.regularization, b.reg_rate) == ("none", 0.0)
    b = PRESETS["features"].make(a)
    assert (b.features, b.hidden) == (("x1sq", "x2sq"), ())
    b = PRESETS["features"].make(b)
    assert (b.features, b.hidden) == (("x1", "x2"), (4,))


# ---------------------------------------------------------------------- lockstep = lone
@pytest.mark.parametrize("a, b, data", [
    (SMALL, SMALL.replace(learning_rate=0.3), None),
    (SMALL, SMALL.replace(hidden=(8, 8, 8), activation="relu"), None),  # other shapes
    (SMALL, SMALL.replace(init_seed=7, data_seed=3), None),  # other seeds
    (SMALL, SMALL.replace(optimizer="adam", batch_size=60, shuffle=False), None),
    (SPIRAL3, SPIRAL3.replace(features=("x1", "x2", "sinx1")), None),
    (PLANE, PLANE.replace(hidden=()), None),
    (Config(dataset="own", n_samples=60), Config(dataset="own", hidden=(3,)), own_points()),
    (Config(dataset="own_values"), Config(dataset="own_values", learning_rate=0.01),
     own_points(values=True)),
])
def test_compare_equals_the_lone_runs(a, b, data):
    run_a, run_b = compare(a, b, 37, data)
    assert_same_run(run_a, lone(a, 37, data))
    assert_same_run(run_b, lone(b, 37, data))


def test_package_exports_compare():
    assert playground.compare is compare and playground.Lockstep is Lockstep


def test_steps_in_chunks_equal_the_lone_runs():
    b_config = SMALL.replace(activation="relu", batch_size=1)
    pair = Lockstep(SMALL, b_config)
    done = 0
    for n in (1, 5, 17, 40, 3):
        assert pair.step(n) == n
        done += n
        assert pair.epoch == pair.a.epoch == pair.b.epoch == done
    while pair.epoch < 100:
        pair.step_for(0.001, max_epochs=100 - pair.epoch)
        assert pair.a.epoch == pair.b.epoch
    assert pair.epoch == 100
    assert_same_run(pair.a, lone(SMALL, 100))
    assert_same_run(pair.b, lone(b_config, 100))


def test_step_for_trains_at_least_one_epoch_and_stops_at_max():
    pair = Lockstep(SMALL, SMALL.replace(learning_rate=0.1))
    assert pair.step_for(0.0) == 1
    assert pair.step_for(10.0, max_epochs=20) == 20
    assert pair.a.epoch == pair.b.epoch == 21


def test_train_for_trains_a_pair():
    pair = Lockstep(SMALL, SMALL.replace(learning_rate=0.1))
    guard = RunGuard()
    done = train_for(guard, guard.claim(), pair, 5.0, max_epochs=30)
    assert done == 30 and pair.a.epoch == pair.b.epoch == 30


def test_of_takes_two_runs_at_one_epoch():
    a, b = Trainer(SMALL), Trainer(SMALL.replace(hidden=(2,)))
    a.step(3)
    with pytest.raises(ValueError, match="epoch 3"):
        Lockstep.of(a, b)
    b.step(3)
    pair = Lockstep.of(a, b)
    assert pair.a is a and pair.b is b and pair.epoch == 3
    assert pair.config_a == SMALL and pair.config_b == b.config


# ---------------------------------------------------------------------- divergence, holds
def test_a_diverging_b_is_held_while_a_goes_on():
    b_config = PLANE.replace(learning_rate=10.0)
    pair = Lockstep(PLANE, b_config)
    assert pair.step(40) == 40
    assert pair.a.epoch == 40 and pair.a.diverged is None
    assert pair.b.diverged is not None and pair.held == {"b"}
    assert pair.diverged is None  # A still trains
    assert_same_run(pair.b, lone(b_config, 40))  # stopped where it stops alone
    assert_same_run(pair.a, lone(PLANE, 40))
    pair.hold("a")
    assert pair.step(5) == 0
    assert "Neither run trains" in pair.diverged and "B diverged" in pair.diverged
    pair.release("a")
    assert pair.diverged is None and pair.step(2) == 2


def test_a_loop_on_diverged_ends_when_both_stop():
    pair = Lockstep(PLANE.replace(learning_rate=10.0), PLANE.replace(learning_rate=9.0))
    epochs = 0
    while pair.diverged is None and epochs < 1000:
        epochs += pair.step_for(0.01)
    assert pair.diverged is not None and pair.held == {"a", "b"}


def test_hold_names_a_or_b():
    pair = Lockstep(SMALL, SMALL)
    with pytest.raises(ValueError, match="'a' or 'b'"):
        pair.hold("c")
    pair.hold("b")
    assert pair.trains("a") and not pair.trains("b")
    assert pair.step(4) == 4 and pair.b.epoch == 0 and pair.a.epoch == 4


# ---------------------------------------------------------------------- set_b
def test_set_b_same_settings():
    pair = Lockstep(SMALL, SMALL.replace(learning_rate=0.3))
    pair.step(5)
    assert pair.set_b(SMALL.replace(learning_rate=0.3))[0] == "none"
    assert pair.b.epoch == 5


@pytest.mark.parametrize("new_b", [SMALL.replace(hidden=(8,), activation="relu"),
                                   SMALL.replace(learning_rate=0.1, optimizer="adam"),
                                   SMALL.replace(init_seed=4)])
def test_set_b_restarts_b_and_catches_up(new_b):
    pair = Lockstep(SMALL, SMALL.replace(learning_rate=0.3))
    b = pair.b
    pair.step(45)
    pair.hold("b")
    kind, message = pair.set_b(new_b)
    assert kind == "b" and message == ("B restarted with its new settings and trained to "
                                       "epoch 45 beside A.")
    assert pair.b is b and pair.held == frozenset()
    assert_same_run(pair.b, lone(new_b, 45))
    assert_same_run(pair.a, lone(SMALL, 45))
    pair.step(10)
    assert_same_run(pair.b, lone(new_b, 55))


def test_set_b_with_new_data_restarts_both():
    pair = Lockstep(SMALL, SMALL.replace(learning_rate=0.3))
    a, b = pair.a, pair.b
    pair.step(10)
    new_b = SMALL.replace(learning_rate=0.3, dataset="xor", noise=0.2)
    kind, message = pair.set_b(new_b)
    assert kind == "both" and "data changed" in message and "epoch 0" in message
    assert pair.a is a and pair.b is b and pair.epoch == pair.b.epoch == 0
    assert pair.config_a == SMALL.replace(dataset="xor", noise=0.2)
    assert pair.config_b == new_b
    assert differences(pair.config_a, pair.config_b) == ["learning_rate"]


def test_set_b_to_a_regression_dataset_gives_a_its_output():
    a_config = SMALL.replace(output="sigmoid")
    pair = Lockstep(a_config, a_config)
    assert pair.set_b(PLANE)[0] == "both"
    assert pair.config_a.dataset == "plane" and pair.config_a.output == "auto"


def test_set_b_that_cannot_catch_up_restarts_both():
    pair = Lockstep(SMALL, SMALL)
    pair.step(300)
    kind, message = pair.set_b(SMALL.replace(learning_rate=0.5), budget=0.0)
    assert kind == "both"
    assert message == ("B could not catch up with A's epoch 300 within 0 s, so both runs "
                       "restart at epoch 0.")
    assert pair.a.epoch == pair.b.epoch == 0


def test_set_b_that_diverges_is_held():
    pair = Lockstep(PLANE, PLANE)
    pair.step(20)
    kind, message = pair.set_b(PLANE.replace(learning_rate=10.0))
    stopped = lone(PLANE.replace(learning_rate=10.0), 20).epoch
    assert stopped < 20
    assert kind == "b" and f"diverged at epoch {stopped}; A goes on alone." in message
    assert pair.held == {"b"} and pair.a.epoch == 20 and pair.b.epoch == stopped


def test_set_b_with_own_points():
    data = own_points()
    pair = Lockstep(Config(dataset="own"), Config(dataset="own"), data)
    pair.step(12)
    assert pair.set_b(Config(dataset="own", hidden=(5,)))[0] == "b"
    assert_same_run(pair.b, lone(Config(dataset="own", hidden=(5,)), 12, data))


# ---------------------------------------------------------------------- swap, promote, reset
def test_swap_exchanges_the_runs_and_their_holds():
    pair = Lockstep(SMALL, SMALL.replace(learning_rate=0.3))
    a, b = pair.a, pair.b
    pair.hold("b")
    pair.swap()
    assert pair.a is b and pair.b is a and pair.held == {"a"}
    assert pair.config_a.learning_rate == 0.3


def test_promote_b_makes_b_the_new_a():
    b_config = SMALL.replace(learning_rate=0.3, optimizer="adam")
    pair = Lockstep(SMALL, b_config)
    a = pair.a
    pair.step(25)
    pair.promote_b()
    assert pair.a is a and pair.config_a == pair.config_b == b_config
    assert_same(pair.a.state(), pair.b.state())
    pair.step(15)
    assert_same_run(pair.a, lone(b_config, 40))
    assert_same_run(pair.b, lone(b_config, 40))


def test_reset_puts_both_at_epoch_0():
    pair = Lockstep(PLANE, PLANE.replace(learning_rate=10.0))
    b = pair.b
    pair.step(10)
    pair.reset()
    assert pair.b is b and pair.held == frozenset() and pair.a.epoch == pair.b.epoch == 0
    pair.step(2)
    assert_same_run(pair.a, lone(PLANE, 2))


# ---------------------------------------------------------------------- links
PAIRS = [(Config(), Config(learning_rate=0.3)),
         (Config(), Config()),
         (SMALL, SMALL.replace(hidden=(), features=("x1sq", "x2sq"))),
         (SPIRAL3, SPIRAL3.replace(n_classes=5, activation="relu")),
         (Config(), SPIRAL3),
         (Config(output="sigmoid"), PLANE),
         (PLANE, PLANE.replace(dataset="multi-gauss", noise=0.3)),
         (Config(dataset="own", n_classes=3), Config(dataset="own", n_classes=3,
                                                     optimizer="adam")),
         (Config(dataset="own_values"), Config(dataset="own_values", hidden=(2, 2, 2))),
         (Config(), Config(shuffle=False, dtype="float32", init="he", momentum=0.5))]
PAIRS += [(a, p.make(a)) for a in PRESET_AS for p in PRESETS.values()]


@pytest.mark.parametrize("a, b", PAIRS)
def test_link_round_trip(a, b):
    query = to_query(a, b)
    assert query["compare"] == "1"
    assert Config.from_query(query) == a
    assert from_query_lenient(query, a) == (b, [])


def test_link_holds_only_the_differences():
    assert to_query(Config(hidden=(8,)), Config(hidden=(8,), activation="relu")) == {
        "hidden": "8", "compare": "1", "b.activation": "relu"}


def test_no_pair_in_a_plain_link():
    assert from_query_lenient({"learning_rate": "0.3"}, Config()) == (None, [])


TAMPERED = [
    ({"b.foo": "1"}, Config(), ["'b.foo' is not a setting"]),
    ({"b.learning_rate": "99"}, Config(learning_rate=10.0), ["Learning rate", "using 10"]),
    ({"b.activation": "banana"}, Config(), ["Activation", "banana", "keeping A's tanh"]),
    ({"b.hidden": "4,500"}, Config(hidden=(4, 128)), ["Hidden layers"]),
    ({"b.hidden": "a,b"}, Config(), ["Hidden layers", "keeping A's 4, 2"]),
    ({"b.n_classes": "4"}, Config(), ["Classes", "two classes"]),
    ({"b.n_classes": "4", "b.dataset": "blobs"}, Config(dataset="blobs", n_classes=4), []),
    ({"b.output": "softmax", "b.dataset": "plane"}, PLANE.replace(n_samples=500, hidden=(4, 2)),
     ["Output / loss", "automatic"]),
    ({"b.dataset": "own"}, Config(), ["Dataset", "own points"]),
    ({"b.dataset": "nowhere"}, Config(), ["Dataset", "keeping A's circle"]),
    ({"b.batch_size": "400"}, Config(batch_size=250), ["Batch size", "250"]),
    ({"b.shuffle": "maybe"}, Config(), ["Shuffle", "keeping A's on"]),
    ({"b.noise": "nan"}, Config(), ["Noise"]),
    ({"b.features": "x1,x1"}, Config(), ["Input features"]),
    ({"b.features": ""}, Config(), ["Input features"]),
    ({"b.learning_rate": ["0.1", "0.2"]}, Config(learning_rate=0.2), []),
    ({"b.": "x", "b.seed": "3"}, Config(), ["'b.' is not a setting", "'b.seed' is not"]),
    ({"b.init_seed": "1e400"}, Config(), ["Init seed"]),
    ({"b.hidden": "1," * 20}, Config(), ["Hidden layers"]),
]


@pytest.mark.parametrize("extra, b, named", TAMPERED)
def test_tampered_links_never_raise_and_name_each_problem(extra, b, named):
    config, problems = from_query_lenient({"compare": "1", **extra}, Config())
    assert config == b
    text = " ".join(problems)
    assert all(p.startswith("B: ") for p in problems)
    for word in named:
        assert word in text
    if not named:
        assert problems == []
    else:
        assert problems


def test_a_link_of_odd_values_never_raises():
    for value in (None, 3, [], ["x"], {"a": 1}, "∞", "-0", "1" * 5000):
        for key in ("b.hidden", "b.learning_rate", "b.dataset", "b.features", "b.shuffle"):
            config, problems = from_query_lenient({key: value}, Config())
            assert isinstance(config, Config) and isinstance(problems, list)


# ---------------------------------------------------------------------- pair files
def test_pair_file_round_trip_continues_bit_for_bit():
    data = own_points(2)
    pair = Lockstep(Config(dataset="own"), Config(dataset="own", optimizer="adam"), data)
    pair.step(20)
    pair.hold("b")
    pair.step(5)
    text = pair_to_json(pair)
    assert is_pair_file(text) and is_pair_file(text.encode())
    again = pair_from_json(text)
    assert again.held == {"b"}
    assert_same(again.a.state(), pair.a.state())
    assert_same(again.b.state(), pair.b.state())
    again.release("b")
    pair.release("b")
    again.step(7)
    pair.step(7)
    assert_same(again.a.state(), pair.a.state())
    assert_same(again.b.state(), pair.b.state())


def test_pair_file_of_a_diverged_run():
    pair = Lockstep(PLANE, PLANE.replace(learning_rate=10.0))
    pair.step(30)
    again = pair_from_json(pair_to_json(pair))
    assert again.held == {"b"} and again.b.epoch == pair.b.epoch < 30
    assert again.a.epoch == 30 and again.b.diverged == pair.b.diverged is not None


def test_a_run_file_is_not_a_pair_file():
    run_text = Trainer(SMALL).to_json()
    assert not is_pair_file(run_text)
    assert not is_pair_file("not json") and not is_pair_file(b"\xff\xfe")
    with pytest.raises(ValueError, match="not a Neural Playground pair file"):
        pair_from_json(run_text)


def _resealed(body: dict) -> str:
    """``body`` with a checksum that matches it (a forgery, not a mere edit)."""
    import hashlib
    body = dict(body)
    body.pop("checksum", None)
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    body["checksum"] = hashlib.sha256(text.encode()).hexdigest()
    return json.dumps(body)


def test_pair_file_refuses_tampering():
    pair = Lockstep(SMALL, SMALL.replace(hidden=(3,)))
    pair.step(6)
    text = pair_to_json(pair)
    body = json.loads(text)
    cases = {
        text[: len(text) // 2]: "damaged or incomplete",
        text.replace('"held":[]', '"held":["a"]'): "checksum",
        json.dumps({**body, "version": 2}): "version 2",
        _resealed({**body, "held": ["c"]}): "held",
        _resealed({**body, "b": 5}): "run B is not a run file",
        _resealed({**body, "a": body["a"][:-40]}): "Run A of this pair file",
        _resealed({k: v for k, v in body.items() if k != "b"}): "incomplete or foreign",
        _resealed({**body, "b": Trainer(SMALL).to_json()}): "lockstep",
        "[1, 2]": "damaged or incomplete",
        "": "damaged or incomplete",
    }
    for bad, words in cases.items():
        with pytest.raises(ValueError, match=words):
            pair_from_json(bad)
