"""A run owns its state: Trainer.state()/load_state() carry everything that makes a run
continue bit for bit; the logs' states; a full batch's reuse of the evaluation's pass
changes nothing; the run at an earlier epoch (Trainer.at) is read only; diagnosing a
run leaves nothing on it."""

import numpy as np
import pytest

from playground import Config, DecimatingLog, History, Trainer, diagnose
from playground.run.run_at import RunAtEpoch


def assert_same(a: Trainer, b: Trainer) -> None:
    assert a.epoch == b.epoch and a.diverged == b.diverged and a.rewound_to == b.rewound_to
    assert np.array_equal(a.network.params, b.network.params)
    for log in ("history", "snapshots", "gradients"):
        sa, sb = getattr(a, log).state(), getattr(b, log).state()
        assert (sa["stride"], sa["last"]) == (sb["stride"], sb["last"]), log
        assert np.array_equal(sa["epochs"], sb["epochs"]), log
        assert np.array_equal(sa["rows"], sb["rows"], equal_nan=True), log
    assert list(a.pinned) == list(b.pinned) and a.edits == b.edits
    assert a.metrics == b.metrics


@pytest.mark.parametrize("changes", [
    dict(optimizer="adam"),                                  # mini-batches, shuffled
    dict(optimizer="momentum", batch_size=10_000),           # full batch
    dict(dataset="blobs", n_classes=3, output="softmax", dtype="float32"),
])
def test_a_run_given_another_runs_state_continues_bit_for_bit(changes):
    run = Trainer(**changes)
    run.step(40)
    run.edit(0, 0, 1, 0.5)
    run.step(20)
    run.rewind(50)
    run.step(7)
    run.snapshot()
    state = run.state()
    again = Trainer(run.config)
    again.load_state(state)
    assert_same(run, again)
    run.step(30)
    again.step(30)
    assert_same(run, again)


def test_a_state_is_a_copy():
    run = Trainer()
    run.step(10)
    state = run.state()
    params, rows = state["params"].copy(), state["history"]["rows"].copy()
    run.step(10)
    run.edit(0, 0, 0, 1.0)
    assert state["epoch"] == 10 and state["edits"] == []
    assert np.array_equal(state["params"], params)
    assert np.array_equal(state["history"]["rows"], rows)
    again = Trainer()
    again.load_state(state)
    again.network.params[0] = 42.0  # the state given stays as it was
    assert np.array_equal(state["params"], params)


def test_a_state_that_does_not_fit_is_refused():
    state = Trainer(hidden=(3,)).state()
    with pytest.raises(ValueError, match="parameters"):
        Trainer(hidden=(4,)).load_state(state)
    with pytest.raises(ValueError, match="parts"):
        Trainer().load_state({"epoch": 3})


def test_a_logs_state_round_trips_and_a_copy_is_independent():
    log = DecimatingLog(2, capacity=4)
    for epoch in range(9):
        log.add(epoch, [epoch, -epoch])
    assert log.stride == 4
    twin = DecimatingLog(2, capacity=4)
    twin.load_state(log.state())
    assert np.array_equal(twin.epochs, log.epochs) and np.array_equal(twin.rows, log.rows)
    assert (twin.stride, twin.width) == (log.stride, 2)
    log.add(12, [1, 1])
    twin.add(12, [1, 1])
    assert np.array_equal(twin.epochs, log.epochs)
    early = log.copy(upto=4)
    assert early.epochs.tolist() == [0, 4] and log.epochs.tolist() == [0, 4, 8, 12]
    with pytest.raises(ValueError, match="rows"):
        History(capacity=4).load_state(log.state())  # 2 values a row, not 4


def test_the_full_batch_reuse_of_the_evaluation_changes_nothing():
    config = Config(hidden=(5, 3), batch_size=10_000, optimizer="adam")
    at_once, one_by_one = Trainer(config), Trainer(config)
    for run in (at_once, one_by_one):
        run.step(5)
        run.edit(1, 0, 0, 2.0)  # between calls: the next call's first pass sees it
    at_once.step(12)  # every evaluation's pass reused by the next epoch
    for _ in range(12):
        one_by_one.step(1)  # no reuse across calls
    assert np.array_equal(at_once.network.params, one_by_one.network.params)
    assert np.array_equal(at_once.history.rows, one_by_one.history.rows)
    textbook = Trainer(config)
    textbook.step(5)
    textbook.edit(1, 0, 0, 2.0)
    textbook.load_state(textbook.state())  # (the same run through its state)
    textbook.step(12)
    assert np.array_equal(at_once.network.params, textbook.network.params)


def _live_state(run: Trainer) -> dict:
    return {"epoch": run.epoch, "params": run.network.params.copy(),
            "history": run.history.rows.copy(), "pinned": list(run.pinned),
            "edits": list(run.edits), "metrics": run.metrics}


def _assert_untouched(run: Trainer, before: dict) -> None:
    now = _live_state(run)
    assert now["epoch"] == before["epoch"] and now["pinned"] == before["pinned"]
    assert now["edits"] == before["edits"] and now["metrics"] == before["metrics"]
    assert np.array_equal(now["params"], before["params"])
    assert np.array_equal(now["history"], before["history"])


def test_the_run_at_an_epoch_shows_that_epoch():
    run = Trainer(hidden=(5,))
    run.step(30)
    view = run.at(12)
    assert isinstance(view, RunAtEpoch)
    epoch, params = run.params_at(12)
    assert view.epoch == epoch <= 12
    assert np.array_equal(view.network.params, params) and np.array_equal(view.params, params)
    assert view.metrics == run.metrics_of(params)
    assert view.history.epochs[-1] == epoch and run.history.epochs[-1] == 30
    assert view.gradients.epochs[-1] <= epoch
    xs, out, hidden = view.predict_grid(20)
    xs2, out2, hidden2 = run.predict_grid(20, params=params)
    assert np.array_equal(xs, xs2) and np.array_equal(out, out2)
    assert all(np.array_equal(h, h2) for h, h2 in zip(hidden, hidden2, strict=True))
    assert view.config is run.config and np.array_equal(view.X_train, run.X_train)


def test_the_run_at_an_epoch_cannot_change_the_live_run():
    run = Trainer(hidden=(5,))
    run.step(30)
    before = _live_state(run)
    view = run.at(12)
    for name in ("step", "step_for", "edit", "rewind", "snapshot", "reset", "update",
                 "load_state", "set_points"):
        assert not hasattr(view, name), name
    for name in ("epoch", "metrics", "network", "config", "history"):
        with pytest.raises(AttributeError):
            setattr(view, name, None)
    view.network.params[:] = 0.0  # its own network
    view.network.layers[0][0, 0] = 9.0
    view.history.add(31, [0, 0, 0, 0])
    view.gradients.truncate(0)
    view.metrics["train_loss"] = -1.0
    view.predict_grid(10, params=np.zeros_like(run.network.params))
    for name in ("X_train", "y_train", "X_test", "y_test", "params"):
        with pytest.raises(ValueError):  # read only
            getattr(view, name)[0] = 0
    _assert_untouched(run, before)
    run.step(5)  # and the live run trains on as if nothing happened
    alone = Trainer(hidden=(5,))
    alone.step(35)
    assert np.array_equal(run.network.params, alone.network.params)


def test_diagnosing_a_run_leaves_nothing_on_it():
    run = Trainer(learning_rate=10, activation="relu")
    run.step(100)
    names, params = set(vars(run)), run.network.params.copy()
    assert diagnose(run).kind == "dead_relu"  # (its checks are remembered elsewhere)
    assert diagnose(run).kind == "dead_relu"
    assert set(vars(run)) == names and np.array_equal(run.network.params, params)
