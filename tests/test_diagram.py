"""Network diagram and hidden-space view: counts, click ids, the atlas PNG, exact maps."""

import base64
import io
import struct
import time
import zlib

import numpy as np
import pytest

import playground as pg
from playground.figures import diagram as D
from playground.figures.run_figures import as_figure, neuron_labels
from playground.run.hidden_space import grid_lines, hidden_space, pca_axes

ARCHS = [{}, {"hidden": ()}, {"hidden": (32,) * 6},
         {"hidden": (5, 3), "dataset": "spiral", "n_classes": 3, "activation": "relu"},
         {"hidden": (3,), "dataset": "plane", "features": ("x1", "x1sq", "sinx1")}]


def decode_png(png: bytes) -> np.ndarray:
    """RGBA (h, w, 4) of a non-interlaced 8-bit palette PNG with unfiltered rows."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = {}, 8
    while pos < len(png):
        n, tag = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + n]
        assert struct.unpack(">I", png[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(tag + data)
        chunks[tag] = chunks.get(tag, b"") + data
        pos += 12 + n
    w, h, depth, kind = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, kind) == (8, 3) and b"IEND" in chunks
    raw = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(h, w + 1)
    assert (raw[:, 0] == 0).all()  # filter "none" on every row
    rgb = np.frombuffer(chunks[b"PLTE"], np.uint8).reshape(-1, 3)
    alpha = np.full(len(rgb), 255, np.uint8)
    trns = np.frombuffer(chunks.get(b"tRNS", b""), np.uint8)
    alpha[:len(trns)] = trns
    return np.column_stack([rgb, alpha])[raw[:, 1:]]


def atlas(fig) -> np.ndarray:
    uri = fig["layout"]["images"][0]["source"]
    return decode_png(base64.b64decode(uri.split(",", 1)[1]))


def neurons(fig) -> dict:
    return next(t for t in fig["data"] if t["name"] == "neurons")


def rgba(hex_color):
    return [int(hex_color[i:i + 2], 16) for i in (1, 3, 5)] + [255]


@pytest.mark.parametrize("changes", ARCHS)
def test_counts_ids_and_validity(changes):
    run = pg.Trainer(**changes)
    sizes = run.network.layer_sizes
    fig = D.trainer_diagram(run, focus=(len(sizes) - 1, 0))
    counts = D.diagram_counts(fig)
    n_weights = sum(w.size for w in run.network.weights)
    assert counts == {"nodes": sum(sizes), "links": n_weights}
    assert fig["layout"]["meta"]["nodes"] == sum(sizes)
    assert fig["layout"]["meta"]["links"] == n_weights
    ids = neurons(fig)["customdata"]
    assert ids.tolist() == [[lay, u] for lay, n in enumerate(sizes) for u in range(n)]
    hover = next(t for t in fig["data"] if t["name"] == "weights")
    assert len(hover["x"]) == (n_weights if n_weights <= D.HOVER_LINKS else 0)
    img = atlas(fig)
    assert img.shape == (fig["layout"]["images"][0]["sizey"],
                         fig["layout"]["images"][0]["sizex"], 4)
    assert len(fig["layout"]["images"]) == 1
    as_figure(fig)  # valid Plotly


def test_output_bias_is_shown_in_hover_and_bar():
    run = pg.Trainer()
    net = run.network
    net.biases[-1][:] = 0.75  # the output's bias: a long blue bar
    net.biases[0][:] = -0.5
    fig = D.trainer_diagram(run)
    text = neurons(fig)["hovertext"]
    assert text[-1] == "out · bias +0.7500"
    assert text[2] == "h1.1 · bias -0.5000" and text[0] == "x1 · input"
    img, g = atlas(fig), D.geometry(net.layer_sizes, 20, 1.6)
    x, y = neurons(fig)["x"][-1], neurons(fig)["y"][-1]
    bar_row = int(-y) + g.p // 2 + g.strip[0] + 1
    row = img[bar_row, int(x) - g.p // 2:int(x) + g.p // 2]
    scale = max(np.abs(a).max() for a in (*net.weights, *net.biases))
    n_blue = int((row == rgba(D.POSITIVE)).all(axis=1).sum())
    assert n_blue == round(0.75 / scale * (g.p // 2)) > 0
    assert not (row == rgba(D.NEGATIVE)).all(axis=1).any()


def test_atlas_pixels_follow_the_maps():
    sizes = (2, 3, 1)
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(2, 3)), rng.normal(size=(3, 1))]
    biases = [np.zeros(3), np.zeros(1)]
    r = 20
    hidden = np.zeros((r, r, 3))
    hidden[..., 0], hidden[..., 1] = 1.0, -1.0  # h1.1 all +1, h1.2 all -1
    hidden[:5, :, 2] = 1.0  # h1.3: +1 on the bottom quarter of the square (x2 low)
    out = np.full((r, r, 1), 0.5)  # P = 0.5: white
    inputs = rng.normal(size=(r, r, 2))
    fig = D.network_diagram(sizes, weights, biases, [hidden, out], inputs,
                            neuron_labels(sizes, ["x1", "x2"]), task="classification",
                            n_classes=2, height=300)
    img = atlas(fig)
    xy = np.column_stack([neurons(fig)["x"], -neurons(fig)["y"]]).astype(int)  # col, row
    blue, orange = rgba(D.DIVERGING[-1][1]), rgba(D.DIVERGING[0][1])
    assert img[xy[2, 1], xy[2, 0]].tolist() == blue
    assert img[xy[3, 1], xy[3, 0]].tolist() == orange
    assert np.abs(img[xy[5, 1], xy[5, 0]].astype(int) - rgba("#f7f7f7")).max() <= 2
    p = 20  # the thumbnail is r = 20 px here: bottom 5 rows blue, the rest white-ish
    cell = img[xy[4, 1] - p // 2:xy[4, 1] + p // 2, xy[4, 0] - p // 2:xy[4, 0] + p // 2]
    assert (cell[-5:] == blue).all() and (cell[:-5] != blue).any(axis=-1).all()
    assert img[0, 0, 3] == 0  # the background is transparent
    pil = pytest.importorskip("PIL.Image")  # an independent decoder agrees
    uri = fig["layout"]["images"][0]["source"]
    decoded = np.asarray(pil.open(io.BytesIO(base64.b64decode(uri.split(",")[1]))).convert("RGBA"))
    np.testing.assert_array_equal(decoded, img)


def test_maps_are_the_engines_activations():
    run = pg.Trainer(hidden=(4, 3), features=("x1", "x2", "x1x2"))
    run.step(20)
    xs, out, hidden = run.predict_grid(20)
    g1, g2 = np.meshgrid(xs, xs)
    F = pg.feature_matrix(np.column_stack([g1.ravel(), g2.ravel()]), run.config.features)
    layers = run.network.layer_outputs(F)
    for i, h in enumerate(hidden):
        for j in range(h.shape[-1]):
            np.testing.assert_allclose(h[..., j], layers[i][:, j].reshape(20, 20), atol=1e-12)
    np.testing.assert_allclose(out[..., 0], layers[-1][:, 0].reshape(20, 20), atol=1e-12)
    # and the diagram paints exactly those maps (20 px thumbnails: no resampling)
    fig = D.trainer_diagram(run)
    img, ids = atlas(fig), neurons(fig)["customdata"].tolist()
    k = ids.index([1, 2])  # h1.3
    col, row = int(neurons(fig)["x"][k]), int(-neurons(fig)["y"][k])
    cell = img[row - 10:row + 10, col - 10:col + 10]
    idx = D.map_indices(hidden[0], 1, 4, "tanh", "classification")[..., 2]
    np.testing.assert_array_equal(cell, D.PALETTE[idx[::-1]])  # image rows: top first


def test_hidden_space_neuron_axes_are_exact():
    run = pg.Trainer(dataset="spiral", hidden=(6, 4))
    run.step(10)
    net, feats, X = run.network, run.config.features, run.X_train
    layers = net.layer_outputs(pg.feature_matrix(X, feats))
    for layer, (j, k) in ((1, (0, 5)), (2, (3, 1)), (3, (0, 0))):
        hs = hidden_space(net, feats, layer, (j, k), X, n_lines=5, samples=7)
        np.testing.assert_array_equal(hs.points_xy, layers[layer - 1][:, [j, k]])
        assert hs.lines_xy.shape == (2 * 5 * 8, 2)
        assert np.isnan(hs.lines_xy[7::8]).all() and not np.isnan(hs.lines_xy[:7]).any()
        corner = net.layer_outputs(pg.feature_matrix(np.array([[-6.0, -6.0]]), feats))
        np.testing.assert_allclose(hs.lines_xy[0], corner[layer - 1][0, [j, k]])
    hs0 = hidden_space(net, feats, 0, (0, 1), X)  # layer 0: the input features
    np.testing.assert_array_equal(hs0.points_xy, X)
    assert hs0.axis_labels == ("x1", "x2")
    with pytest.raises(ValueError):
        hidden_space(net, feats, 1, (0, 6), X)


def test_hidden_space_pca_is_orthonormal_and_deterministic():
    run = pg.Trainer(dataset="spiral", hidden=(8, 3))
    run.step(10)
    net, feats, X = run.network, run.config.features, run.X_train
    a = hidden_space(net, feats, 1, "pca", X)
    b = hidden_space(net, feats, 1, "pca", X.copy())
    np.testing.assert_array_equal(a.points_xy, b.points_xy)
    np.testing.assert_allclose(a.basis.T @ a.basis, np.eye(2), atol=1e-12)
    biggest = np.abs(a.basis).argmax(axis=0)
    assert (a.basis[biggest, [0, 1]] > 0).all()  # the sign convention
    A = net.layer_outputs(pg.feature_matrix(X, feats))[0]
    np.testing.assert_allclose(a.points_xy, (A - A.mean(axis=0)) @ a.basis, atol=1e-12)
    np.testing.assert_allclose(a.points_xy.mean(axis=0), 0, atol=1e-12)
    assert a.axis_labels[0].startswith("PC1 of h1")
    # PC1 carries the most variance, and flipping the data's order changes nothing
    assert a.points_xy[:, 0].var() >= a.points_xy[:, 1].var()
    c = hidden_space(net, feats, 1, "pca", X[::-1])
    np.testing.assert_allclose(c.basis, a.basis, atol=1e-10)
    center, basis, explained = pca_axes(np.arange(5.0)[:, None])  # a 1-unit layer
    assert basis.tolist() == [[1.0, 0.0]] and explained.tolist() == [1.0, 0.0]


def test_hidden_space_figure_is_valid():
    run = pg.Trainer(dataset="spiral", n_classes=3, hidden=(4, 2))
    hs = hidden_space(run.network, run.config.features, 2, "pca", run.X_train)
    fig = D.hidden_space_figure(hs.lines_xy, hs.points_xy, run.y_train, "classification", 3,
                                "Hidden layer 2", hs.axis_labels)
    as_figure(fig)
    assert len(fig["data"][0]["x"]) == len(grid_lines().reshape(-1, 2)) + 42
    assert len(fig["data"][-1]["x"]) == len(run.X_train)


@pytest.mark.parametrize("hidden", [(4, 2), (32,) * 6])
def test_build_time(hidden):
    run = pg.Trainer(hidden=hidden)
    xs, out, maps = run.predict_grid(20)
    g1, g2 = np.meshgrid(xs, xs)
    inputs = pg.feature_matrix(np.column_stack([g1.ravel(), g2.ravel()]), ("x1", "x2"))
    net = run.network
    labels = neuron_labels(net.layer_sizes, ["x1", "x2"])
    times = []
    for _ in range(5):
        t = time.perf_counter()
        fig = D.network_diagram(net.layer_sizes, net.weights, net.biases, [*maps, out],
                                inputs.reshape(20, 20, 2), labels, task="classification",
                                n_classes=2)
        times.append(time.perf_counter() - t)
    meta = fig["layout"]["meta"]
    print(f"\ndiagram {net.layer_sizes}: {1e3 * min(times):.2f} ms, png {meta['png_bytes']} B, "
          f"data URI {len(fig['layout']['images'][0]['source'])} chars")
    assert min(times) < 0.1  # generous: a few ms on a laptop
