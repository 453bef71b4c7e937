"""The two lenses below the stage in the app (Streamlit AppTest): By the numbers and the
loss landscape, at epoch 0, after Reset, while playing, replayed, for classification and
regression with 0 to 6 hidden layers, and on a run that diverged."""

import numpy as np
import pytest
from conftest import button, run_app

from playground import explain_point, loss_landscape
from playground.run.explain_text import explanation_lines, num
from playground.ui.playground_page import inside, lenses

HIDDEN = ("", "3", "3,2", "2,2,2", "2,2,2,2", "2,2,2,2,2", "2,2,2,2,2,2")  # 0..6 layers
TASKS = {"classification": "circle", "regression": "plane"}


def _state(at):
    return at.session_state.playground


def _markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def _loss_line(e) -> str:
    """The forward pass's last line: the point's loss, as the panel writes it."""
    return next(line for line in explanation_lines(e) if line.startswith("$$L ="))


def _numbers_shown(at, run, index: int) -> None:
    """The panel writes out ``explain_point(run, index)``: its loss line is on the page."""
    assert not at.exception
    lines = _markdown(at)
    assert "**Forward pass**" in lines and "**Backward pass**" in lines
    e = explain_point(run, index)
    assert _loss_line(e) in lines
    assert num(e.loss) in _loss_line(e)
    caption = next(c.value for c in at.caption if c.value.startswith(f"**Point {index}**"))
    assert f"epoch {run.epoch:,}" in caption
    # the stage's panel: the point's path, each unit's value on hover
    path = _state(at).last_figures["panel"]
    assert path["layout"]["title"]["text"] == (f"Point {index} through the network at epoch "
                                               f"{run.epoch:,} (links: w·a)")
    hover = path["data"][-1]["hovertext"]
    assert hover[-1].startswith(f"{e.labels[-1][-1]} = {e.activations[-1][-1]:.4g} (bias ")


def _figure(at) -> dict:
    """The stage's panel: the landscape's figure, as last sent."""
    return _state(at).last_figures["panel"]


def _heatmap(at) -> np.ndarray:
    heat = _figure(at)["data"][0]
    assert heat["name"] == "landscape"
    return np.asarray(heat["z"])


def _landscape_shown(at, run) -> None:
    """The panel draws ``loss_landscape(run)``: 41 x 41, its log10 loss, the path."""
    assert not at.exception
    fig = _figure(at)
    assert [t["name"] for t in fig["data"]] == ["landscape", "path", "current weights"]
    z = _heatmap(at)
    assert z.shape == (41, 41) and np.isfinite(z).all()
    expected = loss_landscape(run, "random", 41, 1.0, _state(at).lens.seed)
    heat = fig["data"][0]
    lo, hi = heat["zmin"], heat["zmax"]
    assert np.allclose(z.T, np.clip(np.log10(expected.loss), lo, hi), atol=1e-6)
    assert f"epoch {run.epoch:,}" in fig["layout"]["title"]["text"]
    assert "α" in fig["layout"]["xaxis"]["title"]["text"]
    assert "β" in fig["layout"]["yaxis"]["title"]["text"]


@pytest.mark.parametrize("task", list(TASKS))
@pytest.mark.parametrize("hidden", HIDDEN)
def test_both_lenses_at_epoch_zero_while_playing_and_after_reset(task, hidden):
    at = run_app({"dataset": TASKS[task], "hidden": hidden, "panel": "numbers"})
    run = _state(at).trainer
    assert run.network.n_layers == len([h for h in hidden.split(",") if h]) + 1
    _numbers_shown(at, run, 0)
    at.radio(key="panel").set_value("landscape").run()
    _landscape_shown(at, run)
    at.selectbox(key="speed").set_value("max").run()
    button(at, "play").click().run()
    at.run()  # a frame while playing
    assert _state(at).playing and run.epoch > 0
    assert not at.exception and _heatmap(at).shape == (41, 41)
    at.radio(key="panel").set_value("numbers").run()
    assert not at.exception and "**Backward pass**" in _markdown(at)
    button(at, "play").click().run()  # pause: the panel shows the epoch the stage shows
    _numbers_shown(at, run, 0)
    button(at, "reset").click().run()
    assert run.epoch == 0
    _numbers_shown(at, run, 0)
    at.radio(key="panel").set_value("landscape").run()
    _landscape_shown(at, run)


def test_a_point_out_of_range_gets_a_message():
    at = run_app({"panel": "numbers"})
    n = len(_state(at).trainer.X_train)
    at.number_input(key=lenses.POINT_KEY).set_value(n).run()
    assert not at.exception
    assert any(f"index: a training point from 0 to {n - 1}, got {n}" in w.value
               for w in at.warning)
    assert "**Forward pass**" not in _markdown(at)
    note = _figure(at)["layout"]["annotations"][0]["text"]
    assert f"index: a training point from 0 to {n - 1}, got {n}" in note
    at.number_input(key=lenses.POINT_KEY).set_value(n - 1).run()
    _numbers_shown(at, _state(at).trainer, n - 1)


def test_a_click_on_a_training_point_and_on_a_neuron_pick_them():
    at = run_app({"panel": "numbers", "at": "20", "hidden": "3,2"})
    state = _state(at)
    run = state.trainer
    x, y = run.X_train[7]
    # what the browser sends for a click on the 8th training point of the regions
    click = {"figure": "regions", "points": [{"traceName": "train", "x": x, "y": y}]}
    assert not lenses.handle_click(click, state, run, "weights")  # another panel: no
    assert lenses.handle_click(click, state, run, "numbers")
    at.run()
    assert at.number_input(key=lenses.POINT_KEY).value == 7
    _numbers_shown(at, run, 7)
    # a neuron of the diagram (layer 1, unit 2: h1.3) focuses it and is the one explained
    assert inside.handle_click({"figure": "network", "points": [{"customdata": [1, 2]}]},
                               state, run)
    at.run()
    assert at.selectbox(key=lenses.NEURON_KEY).value == (1, 2)
    assert "**Incoming weights of h1.3** (learning rate η = 0.03, mini-batch of B = 10 " \
           "points, whose gradients the step averages)" in _markdown(at)
    # a neuron of the point's path (the stage's panel): h2.2
    assert lenses.handle_click({"figure": "panel", "points": [{"customdata": [2, 1]}]},
                               state, run, "numbers")
    at.run()
    assert at.selectbox(key=lenses.NEURON_KEY).value == (2, 1)
    outlined = _figure(at)["layout"]["shapes"][-1]["path"]
    assert outlined != "M0,0"  # the chosen neuron's frame
    assert "**Incoming weights of h2.2**" in " ".join(_markdown(at))
    # a test point is not a training point: nothing changes
    test_click = {"figure": "regions", "points": [{"traceName": "test", "x": 0, "y": 0}]}
    assert not lenses.handle_click(test_click, state, run, "numbers")


def _ring(at):
    """The regions' ring around the point By the numbers follows: its place, or None."""
    regions = _state(at).last_figures["regions"]
    rings = [t for t in regions["data"] if t["name"] == "chosen point"]
    assert len(rings) <= 1
    return (rings[0]["x"][0], rings[0]["y"][0]) if rings else None


def test_the_regions_ring_the_point_by_the_numbers_follows():
    at = run_app({"panel": "numbers", "at": "20"})
    X = _state(at).trainer.X_train
    assert _ring(at) == tuple(X[0])  # the default point
    at.number_input(key=lenses.POINT_KEY).set_value(12).run()
    assert _ring(at) == tuple(X[12]) and _state(at).lens.marked == 12
    at.number_input(key=lenses.POINT_KEY).set_value(len(X)).run()  # out of range: none
    assert not at.exception and _ring(at) is None
    at.number_input(key=lenses.POINT_KEY).set_value(3).run()
    assert _ring(at) == tuple(X[3])
    ring = next(t for t in _state(at).last_figures["regions"]["data"]
                if t["name"] == "chosen point")
    assert ring["hoverinfo"] == "skip"  # clicks go through to the point under it
    at.session_state["own_draw"] = True  # drawing your own points: a click adds one
    at.run()
    assert not at.exception and _ring(at) is None
    assert _state(at).lens.marked == 3  # (the stage was drawn for it: no rerun to ring it)
    at.session_state["own_draw"] = False
    at.run()
    assert _ring(at) == tuple(X[3])
    at.query_params["panel"] = "weights"  # another panel: no ring
    at.session_state["panel"] = "weights"
    at.run()
    assert not at.exception and _ring(at) is None and _state(at).lens.marked is None


def test_the_landscape_controls_span_pca_and_new_directions():
    at = run_app({"panel": "landscape", "at": "30"})
    run = _state(at).trainer
    _landscape_shown(at, run)
    made = _state(at).lens.landscape
    at.run()  # the same weights and settings: the same figure, not computed again
    assert _state(at).lens.landscape is made
    first = _heatmap(at).copy()
    button(at, "lens_new").click().run()
    assert _state(at).lens.seed == 1
    _landscape_shown(at, run)
    assert not np.array_equal(_heatmap(at), first)
    at.select_slider(key="lens_span").set_value(5.0).run()
    fig = _figure(at)
    assert fig["layout"]["xaxis"]["range"] == [-5.0, 5.0]
    at.radio(key="lens_directions").set_value("pca").run()
    fig = _figure(at)
    assert "PC1 of the training path" in fig["layout"]["xaxis"]["title"]["text"]
    assert any("path is projected" in c.value for c in at.caption)


def test_pca_at_epoch_zero_says_to_train_first():
    at = run_app({"panel": "landscape"})
    at.radio(key="lens_directions").set_value("pca").run()
    assert not at.exception
    fig = _figure(at)
    assert not fig["data"] and "train a few more epochs" in fig["layout"]["annotations"][0]["text"]


def test_replay_shows_the_replayed_epochs_network():
    at = run_app({"panel": "numbers", "at": "40"})
    run = _state(at).trainer
    slider = next(s for s in at.select_slider if s.key.startswith("replay_slider_"))
    slider.set_value(10).run()
    _numbers_shown(at, run.at(10), 0)
    at.radio(key="panel").set_value("landscape").run()
    _landscape_shown(at, run.at(10))
    assert run.epoch == 40  # the run itself did not move


def test_a_diverged_run_gets_messages_not_tracebacks():
    at = run_app({"dataset": "plane", "learning_rate": "10", "hidden": "4",
                  "panel": "numbers"})
    run = _state(at).trainer
    run.step(60)  # diverges (paused, the app does not take it back): the run keeps its
    assert run.diverged is not None  # last finite weights, a loss of ~1e+249
    at.run()
    assert not at.exception and at.error  # the stage says what went wrong
    _numbers_shown(at, run, 0)
    assert any(r"\times10^{" in line for line in _markdown(at))  # huge numbers, written
    at.radio(key="panel").set_value("landscape").run()
    assert not at.exception
    heat = _figure(at)["data"][0]  # the colour scale survives losses of 1e+249
    assert np.isfinite([heat["zmin"], heat["zmax"]]).all() and np.isfinite(_heatmap(at)).all()
    assert heat["zmax"] > 200


def test_after_divergence_the_landscape_survives_huge_losses():
    at = run_app({"dataset": "plane", "learning_rate": "10", "hidden": "4",
                  "panel": "landscape"})
    at.selectbox(key="speed").set_value("max").run()
    button(at, "play").click().run()
    for _ in range(3):
        at.run()
    assert not _state(at).playing and not at.exception  # paused, back to a sane epoch
    at.select_slider(key="lens_span").set_value(10.0).run()
    heat = _figure(at)["data"][0]
    assert np.isfinite([heat["zmin"], heat["zmax"]]).all() and np.isfinite(_heatmap(at)).all()
    at.radio(key="panel").set_value("numbers").run()
    assert not at.exception and "**Forward pass**" in _markdown(at)
