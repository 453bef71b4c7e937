"""Compare mode in the app (Streamlit AppTest): entering it, B's settings, Step on both,
swapping, making B the new A, presets, leaving keeping either run, compare links (good,
tampered, half), a run of the pair held after diverging, and pair files."""

import numpy as np
from conftest import button, run_app

from playground import Config, Trainer
from playground.compare.link import to_query
from playground.compare.pair import Lockstep
from playground.compare.pair_file import pair_to_json
from playground.ui.playground_page import compare_view
from playground.ui.playground_page.run_files import open_run_file
from playground.ui.playground_page.state import PlaygroundState


def _state(at) -> PlaygroundState:
    return at.session_state["playground"]


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _line(at) -> str:
    return next(h.proto.body for h in at.get("html") if "B:" in h.proto.body)


def _same_run(run: Trainer, config: Config, epochs: int) -> bool:
    lone = Trainer(config)
    lone.step(epochs)
    return (run.epoch == epochs and np.array_equal(run.network.params, lone.network.params)
            and np.array_equal(run.history.test_loss, lone.history.test_loss))


def test_compare_pins_a_and_the_settings_then_edit_b():
    at = run_app()
    assert _state(at).pair is None and "compare" not in at.query_params
    button(at, "compare_enter").click().run()
    state = _state(at)
    assert state.pair is not None and state.pair.b is state.trainer
    assert state.pair.config_a == state.pair.config_b == Config()
    assert "B: the same settings as A" in _line(at)
    at.selectbox(key="w_learning_rate").set_value("0.3").run()
    state = _state(at)
    assert state.pair.config_a.learning_rate == 0.03
    assert state.trainer.config.learning_rate == 0.3
    assert "B: learning rate 0.3 — A: 0.03" in _line(at)
    assert at.query_params["compare"] == "1" and at.query_params["b.learning_rate"] == "0.3"
    assert [m.label for m in at.metric] == compare_view.numbers("classification")
    assert not at.exception


def test_step_and_reset_act_on_both_runs_which_equal_their_lone_runs():
    at = run_app({"compare": "1", "b.learning_rate": "0.3", "b.activation": "relu"})
    for _ in range(3):
        button(at, "step").click().run()
    pair = _state(at).pair
    assert pair.a.epoch == pair.b.epoch == 3 and _metric(at, "Epoch") == "3"
    assert _same_run(pair.a, Config(), 3)
    assert _same_run(pair.b, Config(learning_rate=0.3, activation="relu"), 3)
    delta = float(_metric(at, "Δ test loss"))
    assert delta == round(pair.b.metrics["test_loss"] - pair.a.metrics["test_loss"], 4)
    button(at, "reset").click().run()
    assert pair.a.epoch == pair.b.epoch == 0
    assert not at.exception


def test_changing_b_mid_run_restarts_b_beside_a_and_the_data_restarts_both():
    at = run_app({"compare": "1"})
    for _ in range(4):
        button(at, "step").click().run()
    a_params = _state(at).pair.a.network.params.copy()
    at.selectbox(key="w_activation").set_value("relu").run()
    pair = _state(at).pair
    assert pair.a.epoch == pair.b.epoch == 4
    assert np.array_equal(pair.a.network.params, a_params)  # A untouched
    assert _same_run(pair.b, Config(activation="relu"), 4)  # B as if it had run so
    assert any("B restarted" in i.value for i in at.info)
    at.number_input(key="w_data_seed").set_value(3).run()
    pair = _state(at).pair
    assert pair.a.epoch == pair.b.epoch == 0  # the data changed: both start again
    assert pair.config_a.data_seed == pair.config_b.data_seed == 3
    assert pair.config_b.activation == "relu" and pair.config_a.activation == "tanh"
    assert not at.exception


def test_swap_promote_and_leave():
    at = run_app({"compare": "1", "b.learning_rate": "0.3"})
    button(at, "step").click().run()
    button(at, "compare_swap").click().run()
    state = _state(at)
    assert state.pair.config_a.learning_rate == 0.3 and state.trainer.config.learning_rate \
        == 0.03
    assert at.selectbox(key="w_learning_rate").value == "0.03"  # the sidebar edits B
    assert "B: learning rate 0.03 — A: 0.3" in _line(at)
    button(at, "compare_promote").click().run()
    state = _state(at)
    assert state.pair.config_a == state.pair.config_b
    assert state.pair.config_a.learning_rate == 0.03
    button(at, "compare_keep_a").click().run()
    state = _state(at)
    assert state.pair is None and state.trainer.config.learning_rate == 0.03
    assert "compare" not in at.query_params
    assert [m.label for m in at.metric][:2] == ["Epoch", "Training loss"]
    assert not at.exception


def test_leave_keeping_b_keeps_its_run():
    at = run_app({"compare": "1", "b.optimizer": "adam"})
    button(at, "step").click().run()
    b = _state(at).pair.b
    button(at, "compare_keep_b").click().run()
    state = _state(at)
    assert state.pair is None and state.trainer is b and b.epoch == 1
    assert at.query_params["optimizer"] == "adam"
    assert not at.exception


def test_a_preset_makes_b_from_a_by_one_change():
    at = run_app()
    at.selectbox(key="compare_preset_new").set_value("sgd_adam").run()
    state = _state(at)
    assert state.pair.config_b == Config(optimizer="adam")
    assert at.selectbox(key="w_optimizer").value == "adam"
    at.selectbox(key="compare_preset").set_value("layers").run()
    state = _state(at)
    assert state.pair.config_b == Config(hidden=(4,))
    assert "B: hidden layers 4 — A: 4, 2" in _line(at)
    assert not at.exception


def test_a_compare_link_round_trips_and_a_tampered_one_names_what_was_dropped():
    b = Config(learning_rate=0.1, hidden=(8,), activation="relu")
    at = run_app(to_query(Config(), b))
    assert _state(at).pair.config_b == b
    at = run_app({"compare": "1", "b.learning_rate": "99", "b.banana": "1",
                  "b.activation": "nope", "b.n_classes": "4"})
    state = _state(at)
    assert state.pair is not None and state.pair.config_b.learning_rate == 10
    text = at.warning[0].value
    for named in ("Learning rate", "banana", "Activation", "Classes"):
        assert named in text
    # half a link: B's differences without compare=1 still open the pair
    at = run_app({"b.optimizer": "adam"})
    assert _state(at).pair.config_b.optimizer == "adam"
    assert not at.exception


def test_b_diverging_is_held_while_a_goes_on():
    pair = Lockstep(Config(dataset="plane"), Config(dataset="plane", learning_rate=10.0))
    state = PlaygroundState(pair.b, pair=pair, playing=True)
    for _ in range(60):
        pair.step(5)
        if compare_view.stop_broken(state):
            break
    assert "b" in pair.held and "a" not in pair.held and state.playing
    assert "Run B stopped" in state.held_notes["b"] and "A goes on" in state.held_notes["b"]
    before = pair.a.epoch, pair.b.epoch
    pair.step(3)
    assert pair.a.epoch == before[0] + 3 and pair.b.epoch == before[1]


def test_a_pair_file_opens_in_compare_mode_and_a_run_file_leaves_it():
    pair = Lockstep(Config(), Config(learning_rate=0.3))
    pair.step(7)
    at = run_app()
    state = _state(at)
    assert open_run_file(state, "pair.json", pair_to_json(pair).encode())
    assert state.pair is not None and state.trainer is state.pair.b
    assert state.pair.a.epoch == 7 and state.trainer.config.learning_rate == 0.3
    assert np.array_equal(state.pair.b.network.params, pair.b.network.params)
    run = Trainer(Config(hidden=(3,)))
    assert open_run_file(state, "run.json", run.to_json().encode())
    assert state.pair is None and state.trainer.config.hidden == (3,)


def test_continue_from_here_takes_both_runs_back_in_lockstep():
    at = run_app({"compare": "1", "b.hidden": "8,8", "at": "60"})
    pair = _state(at).pair
    assert pair.a.epoch == pair.b.epoch == 60
    slider = next(s for s in at.select_slider if s.key.startswith("replay_slider_"))
    slider.set_value(20).run()
    assert _metric(at, "Epoch") == "20"
    button(at, "replay_continue").click().run()
    assert pair.a.epoch == pair.b.epoch == 20
    button(at, "step").click().run()
    assert pair.a.epoch == pair.b.epoch == 21
    assert not at.exception


def test_rewinding_a_pair_finds_an_epoch_both_runs_hold():
    pair = Lockstep(Config(), Config(hidden=(32, 32, 32)))
    pair.step(3000)
    at = pair.rewind(2500)
    assert at <= 2500 and pair.a.epoch == pair.b.epoch == at
    assert pair.a.history.epochs[-1] == pair.b.history.epochs[-1] == at
