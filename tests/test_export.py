"""export_script: a standalone NumPy script that reproduces Trainer(config).step(epochs)."""

import ast
import subprocess
import sys

import numpy as np
import pytest

import playground as pg
from playground import Config, Trainer, export_script

CASES = [  # together: every dataset, feature, activation, output, init, optimizer,
    # regularisation, batch mode and dtype
    dict(dataset="circle"),
    dict(dataset="xor", noise=0.2, features=("x1", "x2", "x1x2"), activation="relu",
         init="he", optimizer="momentum", momentum=0.8, regularization="l2", reg_rate=0.01,
         batch_size=7),
    dict(dataset="gauss", features=("x1sq", "x2sq"), activation="sigmoid", init="uniform",
         optimizer="adam", learning_rate=0.01, regularization="l1", reg_rate=0.003,
         batch_size=1000),
    dict(dataset="spiral", n_classes=3, noise=0.3, features=tuple(pg.FEATURES),
         activation="leaky_relu", init="normal", optimizer="adam", learning_rate=0.003,
         batch_size=1, n_samples=60),
    dict(dataset="moons", activation="linear", output="linear", batch_size=5,
         train_ratio=0.7),
    dict(dataset="checkerboard", features=("sinx1", "sinx2", "x1", "x2"), output="softmax",
         optimizer="momentum", regularization="l2", reg_rate=0.003, hidden=(6, 5, 4)),
    dict(dataset="blobs", n_classes=4, noise=0.1, hidden=(), train_ratio=0.3),
    dict(dataset="plane", optimizer="adam", regularization="l1", reg_rate=0.001,
         learning_rate=0.01),
    dict(dataset="multi-gauss", activation="relu", hidden=(8,), batch_size=1000),
    dict(dataset="xor", shuffle=False, batch_size=9, data_seed=3, init_seed=5),
    dict(dataset="circle", optimizer="adam", dtype="float32"),
    dict(dataset="spiral", n_classes=3, activation="relu", optimizer="momentum",
         regularization="l1", reg_rate=0.001, batch_size=7, dtype="float32"),
]


def _covered(key, values):
    used = {Config(**case).output_name if key == "output" else getattr(Config(**case), key)
            for case in CASES}
    if key == "features":
        used = {f for fs in used for f in fs}
    return set(values) <= used


def test_the_cases_cover_every_choice():
    for key, values in (("dataset", pg.DATASETS), ("features", pg.FEATURES),
                        ("activation", pg.ACTIVATIONS), ("output", pg.OUTPUTS),
                        ("init", pg.INITIALIZERS), ("optimizer", pg.OPTIMIZERS),
                        ("regularization", ("none", "l1", "l2")),
                        ("dtype", ("float64", "float32"))):
        assert _covered(key, values), key


def _run(script, tmp_path, name="run.py"):
    path = tmp_path / name
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(map(str, c.values()))[:60])
def test_the_script_reproduces_the_trainer(case, tmp_path):
    config, epochs = Config(n_samples=case.pop("n_samples", 100), **case), 12
    script = export_script(config, epochs)
    run = Trainer(config)
    run.step(epochs)
    assert run.diverged is None
    last = _run(script, tmp_path)[-1].split()
    assert last[:2] == ["epoch", str(epochs)] and last[2] == "train_loss"
    assert last[4] == "test_loss" and len(last) == 6
    rel = 1e-9 if config.dtype == "float64" else 1e-4
    assert float(last[3]) == pytest.approx(run.metrics["train_loss"], rel=rel)
    assert float(last[5]) == pytest.approx(run.metrics["test_loss"], rel=rel)


def test_the_script_is_numpy_only_and_holds_only_what_the_config_uses():
    script = export_script(Config(), 300)
    tree = ast.parse(script)
    imports = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
               for a in node.names}
    imports |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imports == {"numpy"}
    functions = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    assert {"make_data", "features", "forward", "backward", "sgd", "loss"} <= functions
    assert "adam" not in functions and "momentum" not in functions
    assert "L1" not in script and "L2" not in script and "softmax" not in script
    assert "@ W + b" in script
    adam = export_script(Config(optimizer="adam", regularization="l1", reg_rate=0.1), 5)
    assert "def adam(" in adam and "def sgd(" not in adam and "L1 = 0.1" in adam


def test_the_script_prints_progress_and_ends_at_epoch_zero_too(tmp_path):
    lines = _run(export_script(Config(n_samples=50), 20), tmp_path)
    assert [line.split()[1] for line in lines] == [str(e) for e in range(2, 21, 2)]
    (line,) = _run(export_script(Config(n_samples=50), 0), tmp_path, "zero.py")
    run = Trainer(n_samples=50)
    assert line.startswith("epoch 0 train_loss ")
    assert float(line.split()[3]) == pytest.approx(run.metrics["train_loss"], rel=1e-12)


@pytest.mark.parametrize("kind", ["classes", "targets"])
def test_the_script_reproduces_a_run_on_your_own_data(kind, tmp_path):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(70, 2)) * [40.0, 0.5] + [300.0, -2.0]  # own units
    y = (np.arange(70) % 3 if kind == "classes" else X[:, 0] * 0.2 + rng.normal(size=70))
    config = Config(optimizer="adam", learning_rate=0.01, batch_size=8, data_seed=4)
    run = Trainer(config, data=(X, y))
    run.step(12)
    script = export_script(run.config, 12, data=run.points)
    assert "your own data (70 points" in script and "make_dataset" not in script
    last = _run(script, tmp_path)[-1].split()
    assert float(last[3]) == pytest.approx(run.metrics["train_loss"], rel=1e-9)
    assert float(last[5]) == pytest.approx(run.metrics["test_loss"], rel=1e-9)
    with pytest.raises(ValueError, match="needs the points"):
        export_script(run.config, 12)


# ---------------------------------------------------------------------- a run's changes
def _last_line(script, tmp_path, name="run.py"):
    last = _run(script, tmp_path, name)[-1].split()
    assert last[0] == "epoch" and last[2] == "train_loss" and last[4] == "test_loss"
    return int(last[1]), float(last[3]), float(last[5])


def _a_run_with_every_kind_of_change() -> Trainer:
    """A live learning rate, an optimizer switch, a batch size, an L2 penalty, two hand
    edits, a setting changed after the epoch a rewind goes back to, and the rewind."""
    run = Trainer(dataset="xor", hidden=(5,), n_samples=200, noise=0.1)
    run.step(40)
    run.update(run.config.replace(learning_rate=0.1))
    run.step(20)
    run.update(run.config.replace(optimizer="adam", learning_rate=0.01))
    run.step(15)
    run.edit(0, 0, 1, 0.5)
    run.update(run.config.replace(batch_size=25))
    run.step(20)
    run.update(run.config.replace(regularization="l2", reg_rate=0.001))
    run.edit(1, 5, 0, -0.25)  # the output's bias
    run.step(30)
    run.update(run.config.replace(learning_rate=0.02, shuffle=False))  # kept by the rewind
    run.step(25)
    assert run.rewind(120) == 120
    run.step(37)
    assert run.diverged is None and run.epoch == 157
    return run


def test_the_script_replays_every_kind_of_change_a_run_makes(tmp_path):
    run = _a_run_with_every_kind_of_change()
    script = export_script(run)
    assert "CHANGES = {\n    40: {\"learning_rate\": 0.1}," in script
    assert '75: {"batch_size": 25, "edits": [(0, 0, 1, 0.5)]},' in script
    assert '95: {"l2": 0.001, "edits": [(1, 5, 0, -0.25)]},' in script
    assert '120: {"learning_rate": 0.02, "shuffle": False, "rewind": True},' in script
    assert "back here from epoch 150" in script and "def adam(" in script and "def sgd(" in script
    epoch, train_loss, test_loss = _last_line(script, tmp_path)
    assert epoch == 157
    assert train_loss == pytest.approx(run.metrics["train_loss"], rel=1e-12)
    assert test_loss == pytest.approx(run.metrics["test_loss"], rel=1e-12)
    # up to an earlier epoch: the run as it was then (on the path it kept)
    again = Trainer(run.config.replace(learning_rate=0.03, optimizer="sgd", batch_size=10,
                                       regularization="none", reg_rate=0.0, shuffle=True))
    again.step(40)
    again.update(again.config.replace(learning_rate=0.1))
    again.step(10)
    assert _last_line(export_script(run, 50), tmp_path, "early.py")[1] == pytest.approx(
        again.metrics["train_loss"], rel=1e-12)


def test_the_script_of_a_run_at_epoch_zero_and_of_an_unchanged_run(tmp_path):
    run = Trainer(n_samples=60)
    run.edit(0, 2, 1, 0.75)  # before any training
    assert export_script(run, 5).count("0: {\"edits\": [(0, 2, 1, 0.75)]}") == 1
    _, train_loss, _ = _last_line(export_script(run), tmp_path)
    assert train_loss == pytest.approx(run.metrics["train_loss"], rel=1e-12)
    plain = Trainer(n_samples=60, batch_size=7)
    plain.step(9)
    assert export_script(plain) == export_script(plain.config, 9)
    assert "CHANGES = {}  # nothing changed" in export_script(plain)


def test_the_issues_run_a_learning_rate_changed_while_playing(tmp_path):
    # Play, change the learning rate while playing, Pause: the Code view's script ends
    # at the app's metrics (before, it trained with the new rate from epoch 0)
    from conftest import button, run_app

    at = run_app()
    trainer = at.session_state.playground.trainer
    trainer.step(120)
    at.selectbox(key="w_learning_rate").set_value("0.1").run()
    assert trainer.config.learning_rate == 0.1 and trainer.epoch == 120
    trainer.step(173)
    button(at, "code_open").click()
    at.run()
    assert not at.exception
    (caption,) = [c.value for c in at.caption if "NumPy script" in c.value]
    assert "1 change during the run, replayed at their epochs" in caption
    script = at.code[0].value
    assert "120: {\"learning_rate\": 0.1}" in script and "EPOCHS = 293" in script
    epoch, train_loss, test_loss = _last_line(script, tmp_path)
    assert epoch == 293
    assert train_loss == pytest.approx(trainer.metrics["train_loss"], rel=1e-12)
    assert test_loss == pytest.approx(trainer.metrics["test_loss"], rel=1e-12)


def test_the_script_of_a_run_that_diverged_then_went_on_at_a_lower_rate(tmp_path):
    run = Trainer(dataset="plane", learning_rate=10, hidden=(4,), n_samples=100)
    run.step(50)
    assert run.diverged
    run.update(run.config.replace(learning_rate=0.01))  # the epochs kept, then on
    run.step(20)
    script = export_script(run)
    assert f'{run.epoch - 20}: {{"learning_rate": 0.01}}' in script
    _, train_loss, test_loss = _last_line(script, tmp_path)
    assert train_loss == pytest.approx(run.metrics["train_loss"], rel=1e-12)
    assert test_loss == pytest.approx(run.metrics["test_loss"], rel=1e-12)


def test_a_config_needs_its_epochs():
    with pytest.raises(ValueError, match="epochs"):
        export_script(Config())
