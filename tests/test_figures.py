"""Figure builders: valid Plotly specs, fixed colour ranges, exact boundary geometry."""

import numpy as np
import pytest

import playground as pg
from playground.figures import run_figures as F
from playground.ui.playground_page.views import curve_arrays, dataset_previews, live_figures


def test_contour_segments_follow_a_circle():
    xs = np.linspace(-6, 6, 100)
    X, Y = np.meshgrid(xs, xs)
    seg = F.contour_segments(xs, np.hypot(X, Y), 3.0)
    assert seg.shape[1] == 4 and len(seg) > 50
    for x, y in (seg[:, :2].T, seg[:, 2:].T):
        assert np.abs(np.hypot(x, y) - 3.0).max() < 0.01
    assert np.ptp(np.arctan2(seg[:, 1], seg[:, 0])) > 6.0  # goes all the way round
    path = F.segments_path(seg[:2])
    assert path.count("M") == 2 and path.count("L") == 2


def test_contour_segments_empty_and_saddle():
    xs = np.linspace(-1, 1, 5)
    assert F.contour_segments(xs, np.zeros((5, 5)), 0.5).shape == (0, 4)
    X, Y = np.meshgrid(xs, xs)
    assert len(F.contour_segments(xs, X * Y + 1e-9, 0.0)) > 0


@pytest.mark.parametrize("changes", [{}, {"dataset": "spiral", "n_classes": 3},
                                     {"dataset": "multi-gauss"}, {"hidden": ()}])
def test_live_figures_are_valid_plotly(changes):
    run = pg.Trainer(**changes)
    run.step(3)
    for name, spec in live_figures(run, log_loss=True, focus=(1, 0) if run.network.n_layers > 1
                                   else None).items():
        F.as_figure(spec)  # raises on any invalid property
        assert spec["layout"]["template"] == F.TEMPLATE, name


def test_region_values_fixed_ranges():
    out = np.random.default_rng(0).random((4, 4, 1))
    z, lo, hi, _ = F.region_values(out, "classification")
    assert (lo, hi) == (0, 1) and np.array_equal(z, out[..., 0])
    z, *_ = F.region_values(out, "classification", discretize=True)
    assert set(np.unique(z)) <= {0.0, 1.0}
    probs = np.random.default_rng(1).dirichlet(np.ones(3), size=(4, 4))
    z, lo, hi, scale = F.region_values(probs, "classification")
    assert (lo, hi) == (0, 3) and np.array_equal(np.floor(z), probs.argmax(-1))
    assert len(scale) == 6
    z, lo, hi, _ = F.region_values(out * 10 - 5, "regression")
    assert (lo, hi) == (-1, 1) and z.min() >= -1 and z.max() <= 1


def test_weights_figure_shares_one_symmetric_scale():
    net = pg.MLP((2, 3, 2, 1), seed=0)
    fig = F.weights_figure(net.weights, net.biases, ["x1", "x2"])
    m = max(np.abs(net.params).max(), 1e-12)
    for i, trace in enumerate(fig["data"]):
        assert (trace["zmin"], trace["zmax"]) == (-m, m)
        assert trace["z"].shape == (net.weights[i].shape[0] + 1, net.weights[i].shape[1])
        assert trace["y"][-1] == "bias"


def test_curves_are_thinned_and_end_at_the_current_epoch():
    run = pg.Trainer(batch_size=250)
    run.step(1500)
    ep, tr, te = curve_arrays(run, "loss", max_points=100)
    assert len(ep) <= 101 and ep[-1] == 1500 and tr[-1] == run.metrics["train_loss"]
    assert len(tr) == len(te) == len(ep)


def test_previews_show_every_dataset():
    previews = dataset_previews(size=40)
    assert [label for label, _ in previews] == [s.label for s in pg.DATASETS.values()]
    for _, img in previews:
        assert img.shape == (40, 40, 3) and img.dtype == np.uint8
        assert (img != 255).any()  # points were drawn


def test_region_image_pixels_follow_the_values():
    import base64
    import zlib

    xs = np.linspace(-6, 6, 4)
    out = np.zeros((4, 4, 1))
    out[0, :] = 1.0  # bottom row (lowest x2) certain of class 1
    fig = F.decision_figure(xs, out, "classification")
    png = base64.b64decode(fig["layout"]["images"][0]["source"].split(",")[1])
    idat = png[png.index(b"IDAT") + 4:png.index(b"IEND") - 8]
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(4, 5)[:, 1:]
    assert (rows[-1] == 255).all() and (rows[0] == 0).all()  # image rows run top-down


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_confident_class_colour_stays_in_its_band(k):
    # a certain prediction of class c must not round into class c+1's pale colour
    probs = np.zeros((1, k, k))
    probs[0, np.arange(k), np.arange(k)] = 1.0
    z, lo, hi, _ = F.region_values(probs, "classification")
    level = np.round((z - lo) / (hi - lo) * 255) / 255 * (hi - lo)  # the 256-level look-up
    assert (np.floor(level[0]) == np.arange(k)).all()


def test_big_networks_use_a_coarser_grid():
    from playground.run.frames import BIG_GRID, GRID, grid_resolution

    assert grid_resolution(pg.Trainer()) == GRID
    big = pg.Trainer(hidden=(32,) * 6)
    assert grid_resolution(big) == BIG_GRID
    assert live_figures(big)["regions"]["values"]["z"].shape == (BIG_GRID, BIG_GRID)


def test_weight_heatmap_columns_are_labelled_so_the_labels_stay_apart():
    # 8 neurons: "h1.1 … h1.8" ran together at the top of a heatmap a third of a panel wide
    net = pg.MLP((2, 8, 32, 4, 1), seed=0)
    fig = F.weights_figure(net.weights, net.biases, ["x1", "x2"])
    layout = fig["layout"]
    eight, many, four = layout["xaxis"], layout["xaxis2"], layout["xaxis3"]
    assert eight["tickvals"] == [f"h1.{j}" for j in range(1, 9)]
    assert eight["ticktext"] == [str(j) for j in range(1, 9)]
    shown = [t for t in many["ticktext"] if t]
    assert len(many["ticktext"]) == 32 and 1 < len(shown) <= F.MAX_TICKS
    assert "tickvals" not in four  # a few units keep their full names (h3.1 … h3.4)
    assert [t["x"] for t in fig["data"]][0] == [f"h1.{j}" for j in range(1, 9)]  # hover


def test_the_gradient_panels_right_axis_title_stays_clear_of_the_left_plot():
    epochs = np.arange(1, 4)
    norms = np.array([[0.2, 0.1], [0.05, 0.06], [0.18, 0.05]])
    fig = F.gradients_figure(epochs, norms, norms / 4)
    layout = fig["layout"]
    assert layout["yaxis2"]["side"] == "right"  # its title beyond the right plot
    assert layout["xaxis"]["domain"][1] < layout["xaxis2"]["domain"][0]
