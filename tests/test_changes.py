"""A run logs what changed while it trained (playground/run/changes.py): the settings
applied live and the rewinds, each at its epoch; a reset clears the log; the log is part
of the run's state and tells the config the run started with."""

import dataclasses

import numpy as np
import pytest

from playground import Config, Trainer
from playground.run.changes import (
    DATA_FIELDS,
    LIVE_FIELDS,
    MAX_CHANGES,
    NETWORK_FIELDS,
    Change,
    starting_config,
)
from playground.run.trainer import MAX_EDITS


def test_every_setting_is_data_network_or_live():
    names = [f.name for f in dataclasses.fields(Config)]
    assert sorted(DATA_FIELDS + NETWORK_FIELDS + LIVE_FIELDS) == sorted(names)
    assert {"learning_rate", "optimizer", "batch_size", "reg_rate", "shuffle"} <= set(
        LIVE_FIELDS)


def test_live_settings_are_logged_at_their_epoch_and_undo_to_the_start():
    run = Trainer()
    run.update(run.config.replace(learning_rate=0.1))  # before training: the start
    assert run.changes == []
    run.step(5)
    run.update(run.config.replace(learning_rate=0.3, batch_size=20))
    run.step(3)
    run.update(run.config.replace(regularization="l2", reg_rate=0.01))
    assert run.changes == [Change(5, "learning_rate", 0.1, 0.3), Change(5, "batch_size", 10, 20),
                           Change(8, "regularization", "none", "l2"),
                           Change(8, "reg_rate", 0.0, 0.01)]
    assert starting_config(run.config, run.changes) == Config(learning_rate=0.1)
    assert run.update(run.config.replace(hidden=(3,))) == "reset"
    assert run.changes == [] and run.epoch == 0


def test_changes_within_one_epoch_are_one_and_a_change_undone_is_none():
    run = Trainer()
    run.step(4)
    for rate in (0.1, 0.2, 0.05):
        run.update(run.config.replace(learning_rate=rate))
    run.update(run.config.replace(batch_size=30))
    run.update(run.config.replace(batch_size=10))
    assert run.changes == [Change(4, "learning_rate", 0.03, 0.05)]
    # an optimizer switched back and forth restarted: that stays
    run.update(run.config.replace(optimizer="adam"))
    run.update(run.config.replace(optimizer="sgd"))
    assert run.changes[-1] == Change(4, "optimizer", "sgd", "sgd")
    run.reset()
    assert run.changes == []


def test_a_rewind_drops_the_later_changes_and_logs_the_settings_it_keeps():
    run = Trainer(hidden=(3,))
    run.step(10)
    run.update(run.config.replace(learning_rate=0.1))
    run.step(10)
    run.update(run.config.replace(learning_rate=0.2, optimizer="momentum"))
    run.step(10)
    assert run.rewind(15) == 15
    assert run.changes == [Change(10, "learning_rate", 0.03, 0.1),
                           Change(15, "optimizer", "sgd", "momentum"),
                           Change(15, "learning_rate", 0.1, 0.2),
                           Change(15, "rewind", 30, 15)]
    assert starting_config(run.config, run.changes) == Config(hidden=(3,))
    run.step(5)
    run.rewind(0)  # back to the start: the settings of now are where it starts
    assert run.changes == []


def test_a_diverged_epoch_leaves_the_shuffling_as_it_was():
    diverged = Trainer(dataset="plane", learning_rate=10, hidden=(4,))
    diverged.step(100)
    assert diverged.diverged
    epoch = diverged.epoch
    calm = diverged.config.replace(learning_rate=0.001)
    diverged.update(calm)
    diverged.step(3)
    # the same run, stopped by hand at that epoch: the same orders follow
    twin = Trainer(dataset="plane", learning_rate=10, hidden=(4,))
    twin.step(epoch)
    twin.update(calm)
    twin.step(3)
    assert np.array_equal(diverged.network.params, twin.network.params)


def test_the_log_is_part_of_the_state_and_a_forged_one_is_refused():
    run = Trainer()
    run.step(3)
    run.update(run.config.replace(learning_rate=0.3))
    state = run.state()
    again = Trainer(run.config)
    again.load_state(state)
    assert again.changes == run.changes and again.changes is not run.changes
    for changes in ([Change(2, "learning_rate", 0.03, 0.2)],  # does not end at 0.3
                    [Change(9, "learning_rate", 0.03, 0.3)],  # after the epoch
                    [Change(2, "hidden", (4, 2), (3,))],  # not live
                    [Change(2, "learning_rate", 0.03, -1.0)]):  # out of range
        with pytest.raises(ValueError, match="load_state"):
            Trainer(run.config).load_state({**state, "changes": changes})
    unknown = Trainer(run.config)
    unknown.load_state({**state, "changes": None})
    assert unknown.changes is None
    unknown.step(2)
    unknown.update(unknown.config.replace(batch_size=5))
    assert unknown.changes is None  # still not known


def test_a_run_that_changed_too_often_says_its_log_is_not_kept():
    run = Trainer(hidden=(2,), n_samples=50, batch_size=1000)
    for epoch in range(MAX_CHANGES + 1):
        run.step(1)
        run.update(run.config.replace(learning_rate=0.01 if epoch % 2 else 0.02))
    assert run.changes is None
    edited = Trainer(hidden=(2,))
    for k in range(MAX_EDITS + 1):
        edited.edit(0, 0, 0, k / MAX_EDITS)
    assert len(edited.edits) == MAX_EDITS and edited.changes is None
