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
