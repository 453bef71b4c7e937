"""Pause goes back to the epoch the browser was last sent (see app.py ``_back_to_sent``):
exactly (the run then continues bit for bit as one paused there), and only when nothing
but training happened since."""

from __future__ import annotations

import dataclasses

import numpy as np

from playground.config import Config
from playground.run.trainer import Trainer
from playground.ui.playground_page.app import _back_to_sent
from playground.ui.playground_page.state import PlaygroundState


def _sent_at(epochs: int) -> PlaygroundState:
    """A state whose run was sent at ``epochs`` and trained 37 epochs more (a batch
    training as Pause was pressed)."""
    state = PlaygroundState(Trainer(Config()))
    state.trainer.step_for(10.0, max_epochs=epochs)
    state.sent_epoch, state.resume = epochs, state.trainer.state()
    state.trainer.step_for(10.0, max_epochs=37)
    return state


def test_pause_goes_back_to_the_epoch_sent_and_continues_bit_for_bit():
    state = _sent_at(120)
    _back_to_sent(state)
    assert state.trainer.epoch == 120 and state.resume is None
    state.trainer.step_for(10.0, max_epochs=50)
    straight = Trainer(Config())
    straight.step_for(10.0, max_epochs=170)
    assert np.array_equal(state.trainer.network.params, straight.network.params)
    assert np.array_equal(state.trainer.history.state()["rows"],
                          straight.history.state()["rows"])


def test_pause_keeps_the_run_after_a_change_or_an_edit_or_when_the_epoch_was_sent():
    changed = _sent_at(120)
    config = dataclasses.replace(changed.trainer.config,
                                 learning_rate=changed.trainer.config.learning_rate / 2)
    assert changed.trainer.update(config) == "live"
    edited = _sent_at(120)
    edited.trainer.edit(0, 0, 0, 0.5)
    sent = _sent_at(120)
    sent.sent_epoch = sent.trainer.epoch  # the browser has the run's own epoch
    for state in (changed, edited, sent):
        _back_to_sent(state)
        assert state.trainer.epoch == 157
    assert changed.trainer.config == config
