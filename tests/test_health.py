"""Run health: diagnoses of runs that go wrong, rewinding to a sane epoch, edit limits."""

import collections

import numpy as np
import pytest

from playground import DATASETS, Trainer
from playground.data.features import feature_matrix
from playground.run.health import Diagnosis, diagnose
from playground.run.history import DecimatingLog
from playground.run.trainer import EDIT_LIMIT


def diverged_run():
    run = Trainer(dataset="plane", learning_rate=10, hidden=(4,))
    run.step(100)
    assert run.diverged and run.metrics["train_loss"] > 1e100  # the "last finite state"
    return run


def test_overflow_is_diagnosed_with_the_epoch_to_go_back_to():
    run = diverged_run()
    d = diagnose(run)
    assert isinstance(d, Diagnosis) and d.kind == "overflow"
    assert "learning rate (10)" in d.message and "Try 1 " in d.message
    assert d.rewind_epoch is not None and d.rewind_epoch < run.epoch
    assert f"epoch {d.rewind_epoch}" in d.message and "Reset" in d.message


def test_lower_learning_rate_after_divergence_is_absurd_until_rewound():
    run = diverged_run()
    run.update(run.config.replace(learning_rate=0.01))
    d = diagnose(run)  # diverged is cleared, but the weights are still absurd
    assert run.diverged is None and d.kind == "absurd" and d.rewind_epoch is not None
    start = run.history.train_loss[0]
    assert run.rewind(d.rewind_epoch) == d.rewind_epoch == run.epoch
    assert run.metrics["train_loss"] <= 1.5 * start
    assert run.step(20) == 20 and run.metrics["train_loss"] < start
    assert diagnose(run) is None


def test_rewind_drops_everything_after_the_epoch():
    run = Trainer(hidden=(3,), batch_size=500)
    run.step(10)
    run.edit(0, 0, 0, 0.5)
    run.step(10)
    run.snapshot()
    run.edit(0, 1, 0, -0.5)
    run.step(10)
    assert run.rewind(15) == 15
    assert run.epoch == 15 and run.diverged is None
    for log in (run.history, run.snapshots, run.gradients):
        assert log.epochs[-1] <= 15
    assert [e.epoch for e in run.edits] == [10] and max(run.pinned) == 10
    assert np.array_equal(run.network.params, run.params_at(15)[1])
    assert run.metrics == run.evaluate()  # not a cached value of epoch 30
    assert run.history.train_loss[-1] == run.metrics["train_loss"]
    assert run.step(5) == 5 and list(run.history.epochs[-6:]) == list(range(15, 21))
    with pytest.raises(ValueError, match="rewind"):
        run.rewind(run.epoch + 1)


@pytest.mark.parametrize("changes", [{}, {"optimizer": "adam"}, {"batch_size": 500}])
def test_a_rewound_run_trains_the_same_way_every_time(changes):
    run = Trainer(**changes)
    run.step(40)
    results = []
    for _ in range(2):
        run.rewind(25)
        run.step(30)
        results.append((run.network.params.copy(), run.history.as_dict()))
    assert np.array_equal(results[0][0], results[1][0])
    for key, column in results[0][1].items():
        assert np.array_equal(column, results[1][1][key])
    fresh = Trainer(**changes)
    fresh.step(7)
    run.rewind(0)  # back to the start is a reset
    run.step(7)
    assert np.array_equal(run.network.params, fresh.network.params)


def test_decimating_log_truncate():
    log = DecimatingLog(1, capacity=4)
    for epoch in range(9):
        log.add(epoch, [epoch])
    assert list(log.epochs) == [0, 4, 8]
    log.truncate(5)
    assert list(log.epochs) == [0, 4]
    log.add(6, [6])  # stride 4: not kept
    log.add(8, [8.5])
    assert list(log.epochs) == [0, 4, 8] and log.rows[-1, 0] == 8.5


def test_an_edit_that_blows_the_loss_up_is_named_as_the_cause():
    run = Trainer(dataset="plane", activation="relu", hidden=(4,))
    run.step(5)
    run.edit(0, 0, 0, 100.0)
    run.edit(1, 0, 0, 100.0)
    d = diagnose(run)
    assert d.kind == "absurd" and "Your edit of x1→h1.1 to 100 at epoch 5" in d.message
    assert d.rewind_epoch == 4  # epoch 5's snapshot holds the edit
    run.step(3)
    d = diagnose(run)
    assert run.diverged and d.kind == "overflow" and "learning rate" not in d.message
    assert "Your edit of x1→h1.1" in d.message and d.rewind_epoch == 4
    run.rewind(d.rewind_epoch)
    assert run.edits == [] and diagnose(run) is None


def test_dead_relu_layer_is_a_lesson():
    run = Trainer(learning_rate=10, activation="relu")
    assert diagnose(run) is None  # epoch 0
    run.step(100)
    d = diagnose(run)
    assert d.kind == "dead_relu" and d.rewind_epoch == 0
    assert d.message.startswith("Every hidden ReLU in layer 2 is off for all points: the "
                                "network outputs a constant. Try a smaller learning rate "
                                "or leaky ReLU.")
    assert diagnose(run) == d  # cached, same answer
    assert "A layer of 2 units dies easily: widen it." in d.message
    leaky = Trainer(learning_rate=10, activation="leaky_relu")
    leaky.step(100)
    assert getattr(diagnose(leaky), "kind", None) != "dead_relu"


def test_rising_loss_says_the_learning_rate_is_too_high():
    run = Trainer(dataset="circle", activation="tanh", learning_rate=10)
    run.step(300)
    d = diagnose(run)
    assert d.kind == "rising" and "learning rate (10)" in d.message and "Try 1." in d.message
    assert d.rewind_epoch is not None
    loss = run.history.train_loss[list(run.history.epochs).index(d.rewind_epoch)]
    assert loss == run.history.train_loss.min()
    run.rewind(d.rewind_epoch)  # the path it left is not held against it...
    assert diagnose(run) is None
    run.step(100)  # ...but the same learning rate goes astray again
    assert diagnose(run).kind == "rising"
    run.rewind(d.rewind_epoch)
    run.update(run.config.replace(learning_rate=0.3))
    run.step(100)
    assert diagnose(run) is None and run.metrics["train_loss"] < loss


@pytest.mark.parametrize("changes", [{}, {"dataset": "xor", "hidden": (8, 8)},
                                     {"dataset": "spiral", "optimizer": "adam", "hidden": (8, 8),
                                      "learning_rate": 0.01, "activation": "relu"},
                                     {"dataset": "plane", "activation": "relu"},
                                     {"dataset": "blobs", "n_classes": 4}])
def test_healthy_runs_get_no_diagnosis(changes):
    run = Trainer(**changes)
    for _ in range(3):
        run.step(100)
        assert diagnose(run) is None


def test_high_learning_rate_never_fails_silently(capsys):
    """Learning rate 10 over every dataset (spiral and blobs with 2 and 3 classes), SGD
    and Adam, tanh and ReLU: each run that does not learn gets a diagnosis, each dead
    ReLU network the dead_relu one."""
    counts, runs = collections.Counter(), 0
    for name, spec in DATASETS.items():
        for k in (2, 3) if spec.multiclass else (2,):
            for optimizer in ("sgd", "adam"):
                for activation in ("tanh", "relu"):
                    run = Trainer(dataset=name, n_classes=k, learning_rate=10,
                                  optimizer=optimizer, activation=activation)
                    run.step(300)
                    runs += 1
                    d = diagnose(run)
                    counts[d.kind if d else None] += 1
                    where = (name, k, optimizer, activation)
                    good = 0.5 if spec.task == "regression" else 0.8
                    if run.metrics["train_acc"] < good:
                        assert d is not None, where
                    F = feature_matrix(run.X_train, run.config.features)
                    hidden = run.network.layer_outputs(F)[:-1]
                    if not run.diverged and not all(h.any() for h in hidden):
                        assert d.kind == "dead_relu", where
    assert runs == 44
    with capsys.disabled():
        print(f"\nlearning rate 10, {runs} runs: {dict(counts)}")


def test_edits_stay_within_the_limit():
    run = Trainer()
    run.edit(0, 0, 0, EDIT_LIMIT)
    run.edit(0, 0, 1, -EDIT_LIMIT)
    for value in (1e308, -100.5, float("inf")):
        with pytest.raises(ValueError, match="between −100 and 100"):
            run.edit(0, 0, 0, value)
    assert len(run.edits) == 2 and run.network.weights[0][0, 0] == EDIT_LIMIT


@pytest.mark.parametrize("changes", [{"activation": "relu", "learning_rate": 10},
                                     {"batch_size": 500, "activation": "relu",
                                      "learning_rate": 10}])
def test_diagnosing_every_epoch_leaves_the_run_bit_for_bit(changes):
    watched, plain = Trainer(**changes), Trainer(**changes)
    kinds = set()
    for _ in range(80):
        watched.step(1)
        kinds.add(getattr(diagnose(watched), "kind", None))
    plain.step(80)
    assert kinds - {None}  # something was diagnosed (and the dead check swapped weights)
    assert np.array_equal(watched.network.params, plain.network.params)
    for key, column in watched.history.as_dict().items():
        assert np.array_equal(column, plain.history.as_dict()[key])
