"""What TF Playground has beside the stage, through AppTest: the decision regions'
colour legend, the + / − buttons on the network diagram, and the dataset thumbnails
that pick the dataset."""

from __future__ import annotations

import re

from conftest import ROOT, run_app

from playground.figures.run_figures import CLASS_COLORS

PETALS = (ROOT / "examples" / "petals.csv").read_bytes()


def _legend(at) -> str:
    layout = at.session_state.playground.last_figures["regions"]["layout"]
    (text,) = [a["text"] for a in layout.get("annotations", []) if a.get("name") == "legend"]
    return re.sub(r"<[^>]+>", "", text)  # the words, without the colour spans


def _legend_colors(at) -> list[str]:
    layout = at.session_state.playground.last_figures["regions"]["layout"]
    (text,) = [a["text"] for a in layout["annotations"] if a.get("name") == "legend"]
    return re.findall(r"color:(#[0-9a-f]{6})\">■", text)


# ---------------------------------------------------------------------- the legend
def test_the_legend_names_the_two_classes_and_the_outputs_scale():
    at = run_app()
    assert not at.exception
    words = _legend(at)
    assert "class 0" in words and "class 1" in words and "P(class 1): 0" in words
    assert _legend_colors(at) == list(CLASS_COLORS[:2])  # orange, then blue


def test_the_legend_of_three_classes_gives_each_its_colour():
    at = run_app({"dataset": "spiral", "n_classes": "3"})
    assert "class 2" in _legend(at) and "less sure" in _legend(at)
    assert _legend_colors(at) == list(CLASS_COLORS[:3])


def test_the_legend_of_regression_is_the_value_scale():
    at = run_app({"dataset": "plane"})
    assert _legend(at).startswith("output: −1") and _legend(at).endswith(" 1")


def test_the_legend_names_your_own_classes():
    at = run_app()
    next(u for u in at.get("file_uploader") if u.key == "own_upload").set_value(
        ("petals.csv", PETALS, "text/csv"))
    at.run()
    words = _legend(at)
    assert all(name in words for name in ("setosa", "versicolor", "virginica"))


def test_the_legend_of_a_neurons_map_is_its_value_scale():
    at = run_app({"focus": "h1.2"})
    assert _legend(at).startswith("h1.2: −1") and _legend(at).endswith(" 1")  # tanh


# ---------------------------------------------------------------------- + / − on the diagram
def _buttons(at) -> dict:
    """The diagram's + / − buttons: (hover text's first words, customdata) by position."""
    from playground.figures.diagram_buttons import TRACE

    fig = at.session_state.playground.last_figures["network"]
    (trace,) = [t for t in fig["data"] if t.get("name") == TRACE]
    return [(h, list(c)) for h, c in zip(trace["hovertext"], trace["customdata"], strict=True)]


def _press(at, starts: str):
    """Click the diagram's button whose hover text starts with ``starts`` (the event
    stream.js sends for a click on it), then run the page as the click's rerun."""
    from playground.figures.diagram_buttons import TRACE
    from playground.ui.playground_page import architecture

    (custom,) = [c for h, c in _buttons(at) if h.startswith(starts)]
    event = {"figure": "network", "points": [{"customdata": custom, "traceName": TRACE}]}
    taken = architecture.handle_click(event, at.session_state.playground)
    return taken, at.run()


def test_the_diagrams_buttons_add_a_neuron_and_a_layer_and_restart_the_run():
    at = run_app({"hidden": "4,2"})
    for _ in range(3):
        next(b for b in at.button if b.key == "step").click().run()
    taken, at = _press(at, "One neuron more in hidden layer 1")
    assert taken and not at.exception
    run = at.session_state.playground.trainer
    assert run.config.hidden == (5, 2) and run.epoch == 0
    assert any("restarted at epoch 0 (was 3)" in t.value for t in at.toast)  # as the sidebar
    assert at.number_input(key="w_width_0").value == 5
    hidden = at.query_params["hidden"]
    assert (hidden[-1] if isinstance(hidden, list) else hidden) == "5,2"  # the link too
    taken, at = _press(at, "One neuron fewer in hidden layer 2")
    assert at.session_state.playground.trainer.config.hidden == (5, 1)
    taken, at = _press(at, "Add a hidden layer")
    assert at.session_state.playground.trainer.config.hidden == (5, 1, 4)
    taken, at = _press(at, "Remove the last hidden layer")
    taken, at = _press(at, "Remove the last hidden layer")
    assert at.session_state.playground.trainer.config.hidden == (5,)


def test_the_diagrams_buttons_stop_at_the_limits():
    at = run_app({"hidden": "1,32,4,4,4,4"})
    assert [c[2] for h, c in _buttons(at)][:4] == [0, 1, -1, 0]  # 1: no fewer; 32: no more
    taken, at = _press(at, "One neuron fewer in hidden layer 1")
    assert not taken and at.session_state.playground.trainer.config.hidden[0] == 1
    assert _buttons(at)[-1][1][2] == 0  # six layers: no more
    at = run_app({"hidden": ""})
    assert [c for h, c in _buttons(at)] == [[-2, 0, 0], [-2, 0, 1]]  # none to remove


def test_a_link_that_hides_the_network_settings_has_no_buttons():
    at = run_app({"hide": "network"})
    fig = at.session_state.playground.last_figures["network"]
    assert not [t for t in fig["data"] if t.get("name", "").startswith("architecture")]


# ---------------------------------------------------------------------- the thumbnails
def test_the_thumbnails_are_every_dataset_in_the_boxs_order_and_replace_the_preview():
    from playground.data.datasets import DATASETS
    from playground.ui.playground_page import dataset_picker

    at = run_app({"dataset": "xor"})
    assert not at.exception and at.selectbox(key="w_dataset").value == "xor"
    options = dataset_picker.thumbnails()
    assert [o["name"] for o in options] == list(DATASETS)
    assert [o["label"] for o in options] == [d.label for d in DATASETS.values()]
    assert all(o["src"].startswith("data:image/png;base64,") for o in options)
    assert not [e for e in at.expander if e.label == "Preview datasets"]  # they pick now


def test_the_buttons_leave_the_neurons_the_diagrams_last_trace():
    fig = run_app().session_state.playground.last_figures["network"]
    assert [t["name"] for t in fig["data"]][-3:] == ["architecture label", "architecture",
                                                     "neurons"]
