"""The lenses' figures: a point's path through the network, and the note in the
landscape's place."""

import pytest

from playground import Trainer, explain_point
from playground.figures.diagram import diagram_counts
from playground.figures.landscape import note_figure
from playground.figures.point_path import point_path_figure


def _path(run, index, focus=None):
    e = explain_point(run, index)
    c = run.config
    fig = point_path_figure(e.inputs, e.activations, e.weights, e.biases, e.labels,
                            task=c.task, n_classes=c.num_classes, activation=c.activation,
                            focus=focus, title="a point")
    return e, fig


@pytest.mark.parametrize("settings", [{"hidden": (3, 2)}, {"hidden": ()},
                                      {"dataset": "plane", "hidden": (4,)},
                                      {"dataset": "spiral", "n_classes": 3, "hidden": (5,)}])
def test_the_path_shows_each_links_share_and_each_units_value(settings):
    run = Trainer(**settings)
    run.step(5)
    e, fig = _path(run, 3)
    sizes = run.network.layer_sizes
    n_links = sum(W.size for W in e.weights)
    assert diagram_counts(fig) == {"nodes": sum(sizes), "links": n_links}
    # each link is its share w·a of the next weighted sum, in the weights' order
    assert fig["data"][0]["hovertext"] == [
        f"{e.labels[lay][i]} → {e.labels[lay + 1][j]}: w·a = {W[i, j] * e.inputs[lay][i]:+.4f}"
        for lay, W in enumerate(e.weights) for i in range(W.shape[0]) for j in range(W.shape[1])]
    units = fig["data"][-1]["hovertext"]
    assert units[0] == f"{e.labels[0][0]} = {e.inputs[0][0]:.4g}"
    assert units[-1] == (f"{e.labels[-1][-1]} = {e.activations[-1][-1]:.4g} "
                         f"(bias {e.biases[-1][-1]:+.4g})")
    assert fig["layout"]["title"]["text"] == "a point"


def test_the_chosen_neuron_is_outlined():
    run = Trainer(hidden=(3, 2))
    _, plain = _path(run, 0)
    _, chosen = _path(run, 0, focus=(1, 2))
    assert plain["layout"]["shapes"][-1]["path"] == "M0,0"  # no frame
    assert chosen["layout"]["shapes"][-1]["path"].count("M") == 1  # one frame


def test_a_note_in_the_landscapes_place():
    fig = note_figure("train a few more epochs", 300)
    assert fig["data"] == [] and fig["layout"]["height"] == 300
    assert fig["layout"]["annotations"][0]["text"] == "train a few more epochs"
