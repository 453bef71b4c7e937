"""The Streamlit app through AppTest: every control and path, figure specs."""

import time

import numpy as np
import pytest
from conftest import button, run_app


def _epoch(at) -> int:
    return int(at.metric[0].value.replace(",", ""))


def test_first_page_shows_epoch_zero_and_controls():
    at = run_app()
    assert not at.exception
    assert at.metric[0].label == "Epoch" and _epoch(at) == 0
    assert button(at, "play").label == "Play"
    assert at.session_state.playground.trainer.config.hidden == (4, 2)


def test_step_then_reset():
    at = run_app()
    button(at, "step").click().run()
    assert _epoch(at) == 1
    button(at, "step").click().run()
    assert _epoch(at) == 2
    button(at, "reset").click().run()
    assert _epoch(at) == 0
    assert not at.exception


def test_play_pause():
    at = run_app()
    button(at, "play").click().run()
    assert at.session_state.playground.playing and button(at, "play").label == "Pause"
    first = _epoch(at)
    time.sleep(0.1)  # at the default 30 epochs/s, more epochs are due
    at.run()  # a frame while playing trains more epochs
    assert _epoch(at) > first > 0
    button(at, "play").click().run()
    assert not at.session_state.playground.playing and button(at, "play").label == "Play"
    paused = _epoch(at)
    at.run()
    assert _epoch(at) == paused


def test_a_pace_in_epochs_per_second_never_runs_ahead():
    at = run_app()
    assert at.selectbox(key="speed").value == "30"  # the default pace: a class can watch
    at.selectbox(key="speed").set_value("10").run()
    t0 = time.perf_counter()
    button(at, "play").click().run()
    assert _epoch(at) == 1  # the first epoch at once
    for _ in range(3):
        at.run()
    elapsed = time.perf_counter() - t0
    assert 1 <= _epoch(at) <= 1 + 10 * elapsed
    assert at.query_params["speed"] in (["10"], "10")


def test_max_speed_trains_many_epochs_per_frame():
    at = run_app({"speed": "max"})
    button(at, "play").click().run()
    at.run()
    assert _epoch(at) > 5


def test_live_learning_rate_change_keeps_weights():
    at = run_app()
    button(at, "step").click().run()
    before = at.session_state.playground.trainer.network.params.copy()
    at.selectbox(key="w_learning_rate").set_value("0.3").run()
    trainer = at.session_state.playground.trainer
    assert trainer.config.learning_rate == 0.3 and trainer.epoch == 1
    assert np.array_equal(trainer.network.params, before)
    assert trainer.optimizer.learning_rate == 0.3


def test_any_learning_rate_from_the_url_is_offered():
    # (typing into the box is covered by the browser test: AppTest's selectbox only
    # accepts listed options)
    at = run_app({"learning_rate": "0.07"})
    assert at.selectbox(key="w_learning_rate").value == "0.07"
    assert at.session_state.playground.trainer.config.learning_rate == 0.07
    assert "0.07" in at.selectbox(key="w_learning_rate").options


def test_architecture_change_resets_and_says_so():
    at = run_app()
    button(at, "step").click().run()
    at.number_input(key="w_n_layers").set_value(3).run()
    trainer = at.session_state.playground.trainer
    assert trainer.epoch == 0 and trainer.config.hidden == (4, 2, 4)
    assert any("restarted" in t.value for t in at.toast)
    at.number_input(key="w_width_0").set_value(7).run()
    assert at.session_state.playground.trainer.network.layer_sizes == (2, 7, 2, 4, 1)


def test_data_change_resets():
    at = run_app()
    button(at, "step").click().run()
    at.selectbox(key="w_dataset").set_value("spiral").run()
    assert at.session_state.playground.trainer.epoch == 0
    at.number_input(key="w_n_classes").set_value(4).run()
    t = at.session_state.playground.trainer
    assert t.config.num_classes == 4 and t.network.layer_sizes[-1] == 4
    button(at, "step").click().run()
    data_before = t.X_train.copy()
    next(b for b in at.button if b.label == "Regenerate").click().run()
    assert at.session_state.playground.trainer.config.data_seed == 1
    assert not np.array_equal(at.session_state.playground.trainer.X_train, data_before)


def _diverged_app():
    """The app after playing a run that diverges (plane, learning rate 10)."""
    at = run_app({"dataset": "plane", "learning_rate": "10", "hidden": "4"})
    at.selectbox(key="speed").set_value("max").run()
    button(at, "play").click().run()
    for _ in range(3):
        at.run()
    return at


def test_divergence_pauses_with_a_clear_message():
    at = _diverged_app()
    assert not at.exception
    assert not at.session_state.playground.playing
    assert any("diverged" in e.value and "learning rate" in e.value for e in at.error)
    assert np.isfinite(at.session_state.playground.trainer.network.params).all()
    # pressing Play again does nothing until the settings change
    button(at, "play").click().run()
    assert not at.session_state.playground.playing
    at.selectbox(key="w_learning_rate").set_value("0.01").run()
    assert at.session_state.playground.trainer.diverged is None


def test_after_divergence_the_run_shows_its_last_sane_epoch():
    # the screen showed training loss 9e+245 (the last finite state): now the run goes
    # back to its last sane epoch, says so, and plays again once the settings change
    at = _diverged_app()
    trainer = at.session_state.playground.trainer
    start = trainer.history.train_loss[0]
    assert trainer.diverged is None and trainer.metrics["train_loss"] <= 1.5 * start
    assert _epoch(at) == trainer.epoch
    assert any("went back to epoch" in e.value and "learning rate (10)" in e.value
               for e in at.error)
    at.selectbox(key="w_learning_rate").set_value("0.01").run()
    assert not at.error
    button(at, "play").click().run()
    assert at.session_state.playground.playing and not at.exception


def test_an_edit_that_breaks_the_run_is_named_and_undone_by_going_back():
    at = run_app({"dataset": "plane", "activation": "relu", "hidden": "4"})
    for _ in range(5):
        button(at, "step").click().run()
    trainer = at.session_state.playground.trainer
    for layer, value in ((0, 100.0), (1, 100.0)):
        with at.session_state.playground.guard.lock:
            trainer.edit(layer, 0, 0, value)
    at.run()
    assert any("Your edit of x1→h1.1 to 100" in e.value for e in at.error)
    button(at, "rewind").click().run()
    assert not at.exception and not at.error
    assert trainer.epoch == 4 and trainer.metrics["train_loss"] < 10


def test_url_sets_widgets_and_run():
    q = {"dataset": "xor", "hidden": "8,6,3", "learning_rate": "0.1", "activation": "relu",
         "noise": "0.2", "data_seed": "7", "init_seed": "3", "optimizer": "adam",
         "features": "x1,x2,x1x2"}
    at = run_app(q)
    assert not at.exception and not at.warning
    assert at.selectbox(key="w_dataset").value == "xor"
    assert at.number_input(key="w_n_layers").value == 3
    assert at.number_input(key="w_width_1").value == 6
    assert at.selectbox(key="w_learning_rate").value == "0.1"
    assert at.multiselect(key="w_features").value == ["x1", "x2", "x1x2"]
    c = at.session_state.playground.trainer.config
    assert (c.dataset, c.hidden, c.learning_rate, c.data_seed, c.init_seed) == (
        "xor", (8, 6, 3), 0.1, 7, 3)
    # the URL carries every setting back
    assert at.query_params["hidden"] == ["8,6,3"] or at.query_params["hidden"] == "8,6,3"


def test_url_beyond_the_app_ranges_is_clamped_with_a_notice():
    at = run_app({"hidden": "128,128,128,128,128,128,128,128"})
    assert not at.exception
    assert at.session_state.playground.trainer.config.hidden == (32,) * 6
    assert at.warning and "hidden" in at.warning[0].value


def test_url_numbers_beyond_their_range_clamp_to_the_nearest_bound_with_a_notice():
    at = run_app({"learning_rate": "99", "noise": "0.9", "n_samples": "20000",
                  "batch_size": "0"})
    assert not at.exception
    c = at.session_state.playground.trainer.config
    assert (c.learning_rate, c.noise, c.n_samples, c.batch_size) == (10.0, 0.5, 10_000, 1)
    assert at.selectbox(key="w_learning_rate").value == "10"
    assert at.number_input(key="w_n_samples").value == 10_000
    notice = at.warning[0].value
    for line in ("Learning rate: must be between 1e-06 and 10, got '99' — using 10",
                 "Noise: must be between 0 and 0.5, got '0.9' — using 0.5",
                 "Points: must be between 10 and 10000, got '20000' — using 10000",
                 "Batch size: must be between 1 and 10000, got '0' — using 1"):
        assert line in notice
    assert "inf" not in notice and "own" not in notice
    at = run_app({"batch_size": "9999"})  # 250 training points
    assert at.session_state.playground.trainer.config.batch_size == 250
    assert at.number_input(key="w_batch_size").value == 250
    assert "Batch size: 9,999 is more than the 250 training points — using 250" in (
        at.warning[0].value)


@pytest.mark.parametrize("query", [
    {"learning_rate": "NaN", "hidden": "9999", "dataset": "<script>", "zzz": "1"},
    {"n_samples": "-5", "noise": "huge", "features": "", "batch_size": "1e400"},
    {"dataset": "plane", "output": "softmax", "n_classes": "77"},
])
def test_junk_url_opens_with_defaults_and_a_notice(query):
    at = run_app(query)
    assert not at.exception
    assert at.warning and "could not be used" in at.warning[0].value
    assert _epoch(at) == 0
    button(at, "step").click().run()
    assert _epoch(at) == 1 and not at.exception


def test_figure_specs():
    at = run_app({"n_samples": "300"})
    figs = at.session_state.playground.last_figures
    regions = figs["regions"]
    assert [d["name"] for d in regions["data"]] == ["train", "test"]
    values = regions["values"]  # what the regions picture shows
    assert (values["zmin"], values["zmax"]) == (0.0, 1.0) and values["z"].shape == (100, 100)
    image = regions["layout"]["images"][0]
    assert image["source"].startswith("data:image/png;base64,")
    assert (image["x"], image["sizex"]) == (pytest.approx(-6.0606, abs=1e-3),
                                            pytest.approx(12.1212, abs=1e-3))
    assert regions["layout"]["shapes"][0]["path"].startswith("M")  # the 0.5 boundary
    n_points = sum(len(d["x"]) for d in regions["data"])
    assert n_points == 300
    assert regions["layout"]["yaxis"]["scaleanchor"] == "x"
    assert [d["name"] for d in figs["curves"]["data"]] == ["train", "test"] * 2
    assert len(figs["panel"]["data"]) == 3  # weights: one heatmap per layer
    zmins = {d["zmin"] for d in figs["panel"]["data"]}
    assert len(zmins) == 1 and next(iter(zmins)) < 0  # one symmetric scale shared
    at.toggle(key="show_test").set_value(False).run()
    assert len(at.session_state.playground.last_figures["regions"]["data"]) == 1
    at.toggle(key="log_loss").set_value(True).run()
    assert at.session_state.playground.last_figures["curves"]["layout"]["yaxis"]["type"] == "log"


def test_multiclass_and_regression_figures():
    at = run_app({"dataset": "blobs", "n_classes": "4"})
    heat = at.session_state.playground.last_figures["regions"]["values"]
    assert (heat["zmin"], heat["zmax"]) == (0.0, 4.0)
    at = run_app({"dataset": "plane"})
    heat = at.session_state.playground.last_figures["regions"]["values"]
    assert (heat["zmin"], heat["zmax"]) == (-1.0, 1.0)
    assert at.metric[3].label == "Training R²"


# ---------------------------------------------------------------- inside the network
def test_network_diagram_spec():
    from playground.figures.diagram import diagram_counts

    at = run_app({"hidden": "5,3"})
    fig = at.session_state.playground.last_figures["network"]
    counts = diagram_counts(fig)
    assert counts["nodes"] == 2 + 5 + 3 + 1
    assert counts["links"] == 2 * 5 + 5 * 3 + 3 * 1
    hover = " ".join(str(t) for d in fig["data"] for t in (d.get("text") or d.get(
        "hovertext") or []))
    assert "out" in hover and "bias" in hover  # the output's bias is shown
    at.toggle(key="show_network").set_value(False).run()
    assert "network" not in at.session_state.playground.last_figures


def test_focus_a_neuron_shows_its_map():
    at = run_app({"hidden": "4,2"})
    at.selectbox(key="focus").set_value("h1.3").run()
    regions = at.session_state.playground.last_figures["regions"]
    assert regions["layout"]["title"]["text"].startswith("Neuron h1.3")
    trainer = at.session_state.playground.trainer
    _, _, hidden = trainer.predict_grid(100)
    assert np.allclose(regions["values"]["z"], hidden[0][..., 2])
    assert (regions["values"]["zmin"], regions["values"]["zmax"]) == (-1.0, 1.0)  # tanh
    at.selectbox(key="focus").set_value("output").run()
    figs = at.session_state.playground.last_figures
    assert figs["regions"]["layout"]["title"]["text"].startswith("Output")


def test_diagram_click_focuses_a_neuron_or_picks_a_link():
    from playground.ui.playground_page.inside import handle_click
    from playground.ui.playground_page.state import PlaygroundState

    at = run_app({"hidden": "4,2"})
    ss, trainer = at.session_state, at.session_state.playground.trainer
    state = PlaygroundState(trainer)
    click = {"figure": "network", "points": [{"customdata": [2, 1]}]}
    assert handle_click(click, state, trainer) and state.widgets_next_run["focus"] == "h2.2"
    assert handle_click({"figure": "network", "points": [{"customdata": [3, 0]}]}, state,
                        trainer) and state.widgets_next_run["focus"] == "output"
    assert handle_click({"figure": "network", "points": [{"customdata": [1, 1, 3]}]}, state,
                        trainer)
    assert (state.widgets_next_run["edit_layer"], state.widgets_next_run["edit_from"],
            state.widgets_next_run["edit_to"]) == (1, 1, 3) and state.edit_open
    assert not handle_click({"figure": "network", "points": [{"customdata": [9, 9]}]}, state,
                            trainer)
    assert not handle_click(None, state, trainer)
    ss.playground.set_widget_next_run("focus", "h2.2")
    at.run()
    assert at.selectbox(key="focus").value == "h2.2"
    figs = ss.playground.last_figures
    assert figs["regions"]["layout"]["title"]["text"].startswith("Neuron h2.2")


def test_hidden_space_and_gradient_panels():
    at = run_app({"hidden": "6,4", "dataset": "spiral"})
    at.radio(key="panel").set_value("hidden").run()
    fig = at.session_state.playground.last_figures["panel"]
    assert "Hidden layer 2" in fig["layout"]["title"]["text"]  # the last hidden layer
    at.selectbox(key="hs_layer").set_value(1).run()
    figs = at.session_state.playground.last_figures
    assert "Hidden layer 1" in figs["panel"]["layout"]["title"]["text"]
    button(at, "step").click().run()
    at.radio(key="panel").set_value("gradients").run()
    fig = at.session_state.playground.last_figures["panel"]
    assert fig["layout"]["yaxis"]["type"] == "log"
    assert len(fig["data"]) == 2 * 3  # norms and ratios for each of 3 layers
    assert not at.exception


def test_edit_a_weight_from_the_form():
    at = run_app({"hidden": "3"})
    button(at, "step").click().run()
    button(at, "edit_open_button").click().run()  # View menu: Edit a weight or bias
    at.selectbox(key="edit_layer").set_value(1).run()
    at.selectbox(key="edit_from").set_value(1).run()
    at.selectbox(key="edit_to").set_value(2).run()
    at.number_input(key="edit_value").set_value(0.625).run()
    button(at, "edit_apply").click().run()
    trainer = at.session_state.playground.trainer
    assert trainer.network.weights[0][1, 2] == 0.625 and trainer.epoch == 1
    assert any("Set x2→h1.3 to 0.625" in t.value for t in at.toast)
    assert not at.session_state.playground.edit_open  # the editor closed
    button(at, "step").click().run()
    assert at.session_state.playground.trainer.epoch == 2
