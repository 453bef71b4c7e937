"""The stage through AppTest: view state in the URL, classroom mode, the panels at
epoch 0, the editor, values out of range."""

import math

import pytest
from conftest import button, run_app

from playground.ui.playground_page.view_state import View


def _query(at) -> dict:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def _keys(at) -> set:
    return {w.key for w in at.main if getattr(w, "key", None)} | {
        w.key for w in at.sidebar if getattr(w, "key", None)}


# ---------------------------------------------------------------------- the panels
@pytest.mark.parametrize("panel", ["weights", "hidden", "gradients"])
def test_every_panel_at_epoch_0_after_reset_and_a_new_dataset(panel):
    # the Gradients panel at epoch 0 replaced every plot with "slice step cannot be zero"
    at = run_app({"panel": panel})
    assert not at.exception and "panel" in at.session_state.playground.last_figures
    button(at, "step").click().run()
    button(at, "reset").click().run()
    assert not at.exception
    at.selectbox(key="w_dataset").set_value("xor").run()
    assert not at.exception
    fig = at.session_state.playground.last_figures["panel"]
    if panel == "gradients":  # an empty log: the epoch axis starts at 0, not -1
        assert fig["layout"]["xaxis"]["range"][0] == 0


# ---------------------------------------------------------------------- the URL
def test_default_link_is_empty_and_a_change_adds_only_that_key():
    at = run_app()
    assert _query(at) == {}
    at.selectbox(key="w_learning_rate").set_value("0.1").run()
    assert _query(at) == {"learning_rate": "0.1"}
    at.selectbox(key="speed").set_value("max").run()
    assert _query(at) == {"learning_rate": "0.1", "speed": "max"}


def test_the_whole_view_travels_in_the_url():
    view = {"speed": "100", "test": "false", "discretize": "true", "log_loss": "true",
            "diagram": "false", "panel": "gradients", "focus": "h1.3"}
    at = run_app({**view, "dataset": "xor"})
    assert not at.exception and not at.warning
    ss = at.session_state
    assert (ss.speed, ss.show_test, ss.discretize, ss.log_loss, ss.show_network, ss.panel,
            ss.focus) == ("100", False, True, True, False, "gradients", "h1.3")
    figs = ss.playground.last_figures
    assert "network" not in figs
    assert figs["regions"]["layout"]["title"]["text"].startswith("Neuron h1.3")
    assert figs["curves"]["layout"]["yaxis"]["type"] == "log"
    assert _query(at) == {**view, "dataset": "xor"}  # the same link back


def test_an_input_feature_can_be_focused_by_its_url_name():
    at = run_app({"features": "x1,x2,x1sq", "focus": "x1sq"})
    figs = at.session_state.playground.last_figures
    assert figs["regions"]["layout"]["title"]["text"].startswith("Neuron x1²")


@pytest.mark.parametrize("query", [
    {"speed": "warp"}, {"panel": "<img>"}, {"focus": "javascript:1"}, {"test": "maybe"},
    {"hide": "everything"}, {"focus": "h9.9"},
])
def test_a_tampered_view_opens_with_defaults_and_a_notice(query):
    at = run_app(query)
    assert not at.exception
    if query != {"focus": "h9.9"}:  # (a neuron the network lacks: just the output)
        assert at.warning and "could not be used" in at.warning[0].value
    figs = at.session_state.playground.last_figures
    assert figs["regions"]["layout"]["title"]["text"].startswith("Output")
    button(at, "step").click().run()
    assert not at.exception


# ---------------------------------------------------------------------- classroom
def test_hide_sections_and_single_controls_keeps_their_values():
    at = run_app({"hide": "data,learning_rate", "dataset": "xor", "learning_rate": "0.1",
               "noise": "0.2"})
    keys = _keys(at)
    assert "w_dataset" not in keys and "w_noise" not in keys  # the data section is gone
    assert "w_learning_rate" not in keys  # and that one control
    assert "w_optimizer" in keys and "w_activation" in keys  # the rest stay
    c = at.session_state.playground.trainer.config
    assert (c.dataset, c.learning_rate, c.noise) == ("xor", 0.1, 0.2)
    at.selectbox(key="w_optimizer").set_value("adam").run()  # still the URL's values
    c = at.session_state.playground.trainer.config
    assert (c.dataset, c.learning_rate, c.noise, c.optimizer) == ("xor", 0.1, 0.2, "adam")
    assert _query(at)["hide"] == "data,learning_rate"


def test_an_unknown_hide_name_is_dropped_alone_with_a_notice():
    view, problems = View.from_query({"hide": "foo,network, learning_rate,foo,bar"})
    assert view.hide == ("network", "learning_rate")
    assert problems == [f"hide: {name!r} is not a section (data, network, training), a "
                        "control's URL key, or all — left out" for name in ("foo", "bar")]
    at = run_app({"hide": "foo,network", "learning_rate": "0.1"})
    keys = _keys(at)
    assert "w_activation" not in keys and "w_n_layers" not in keys  # network stays hidden
    assert "w_learning_rate" in keys and "w_dataset" in keys
    assert "hide: 'foo' is not a section" in at.warning[0].value
    assert _query(at)["hide"] == "network"


def test_hide_all_leaves_only_the_stage():
    at = run_app({"hide": "all", "hidden": "3"})
    assert not [w for w in at.sidebar if getattr(w, "key", None)]
    assert {"play", "step", "reset"} <= _keys(at)
    assert "speed" not in _keys(at)  # a single view control is hidden too
    button(at, "step").click().run()
    assert at.session_state.playground.trainer.epoch == 1
    assert at.session_state.playground.trainer.config.hidden == (3,)


# ---------------------------------------------------------------------- the editor
def test_a_click_on_a_link_opens_the_editor_with_its_current_value():
    at = run_app({"hidden": "3"})
    state = at.session_state.playground  # as a click on the link leaves it
    for key, value in (("edit_layer", 1), ("edit_from", 0), ("edit_to", 2)):
        state.set_widget_next_run(key, value)
    state.edit_open = True
    at.run()
    w = at.session_state.playground.trainer.network.weights[0][0, 2]
    box = at.number_input(key="edit_value")
    assert box.value == pytest.approx(round(w, 4)) and "now" in box.label
    button(at, "edit_apply").click().run()  # Apply without typing keeps the weight
    weights = at.session_state.playground.trainer.network.weights
    assert weights[0][0, 2] == pytest.approx(w, abs=1e-4)
    assert any("Set x1→h1.3 to" in t.value for t in at.toast)


def test_the_editor_keeps_values_in_a_sane_range():
    at = run_app({"hidden": "3"})
    button(at, "edit_open_button").click().run()
    at.number_input(key="edit_value").set_value(1e308).run()
    assert not at.exception
    assert abs(at.number_input(key="edit_value").value) <= 100
    button(at, "edit_apply").click().run()
    assert math.isfinite(at.session_state.playground.trainer.metrics["train_loss"])


# ---------------------------------------------------------------------- out of range
@pytest.mark.parametrize("key,value,field,expected", [
    ("w_n_layers", 7, "hidden", (4, 2, 4, 4, 4, 4)),  # 6 layers, not 0
    ("w_train_pct", 100, "train_ratio", 0.9),  # 90 %, not 10 %
    ("w_width_0", -3, "hidden", (1, 2)),
    ("w_n_samples", math.nan, "n_samples", 500),  # a traceback before
    ("w_batch_size", math.inf, "batch_size", 10),
    ("w_n_samples", 10**9, "n_samples", 10_000),
])
def test_values_out_of_range_are_clamped_with_a_notice(key, value, field, expected):
    at = run_app()
    at.number_input(key=key).set_value(value).run()
    assert not at.exception
    assert getattr(at.session_state.playground.trainer.config, field) == expected
    assert at.warning and ("outside" in at.warning[0].value or "needs a number" in
                           at.warning[0].value)


def test_the_code_button_shows_this_runs_script():
    at = run_app({"dataset": "xor", "activation": "relu"})
    button(at, "step").click().run()
    button(at, "code_open").click().run()
    assert not at.exception
    code = at.code[0].value
    assert "def forward(" in code and "EPOCHS = 1" in code and "import playground" not in code
    assert "relu" in code.lower()


def test_a_batch_beyond_the_training_set_is_clipped_with_a_notice():
    at = run_app()  # 250 training points
    at.number_input(key="w_batch_size").set_value(9999).run()
    assert at.session_state.playground.trainer.config.batch_size == 250
    assert at.number_input(key="w_batch_size").value == 250
    assert any("Batch size: 9,999 is more than the 250 training points — using 250" in w.value
               for w in at.warning)
    at.number_input(key="w_batch_size").set_value(100).run()
    assert not at.warning and at.session_state.playground.trainer.config.batch_size == 100


def test_a_link_beyond_the_apps_network_names_the_control():
    at = run_app({"hidden": "64,2"})
    notice = at.warning[0].value
    assert "Hidden layers: the app shows up to 6 hidden layers of 32 neurons — using 32,2" in (
        notice)
    assert "- hidden:" not in notice


def test_the_speed_box_says_epoch_for_one():
    at = run_app({"speed": "1"})
    assert at.selectbox(key="speed").value == "1"
    options = at.selectbox(key="speed").options
    assert options[0] == "1 epoch/s" and "30 epochs/s" in options and options[-1] == "max speed"
