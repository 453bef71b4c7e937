"""The live component's wire format: arrays as binary buffers, digests that let the
browser skip unchanged figures and traces, and the in-place patch condition."""

import json
import struct

import numpy as np

from playground.ui.live.live_plot import _figure_dict, encode_figures

DTYPES = {"f4": np.float32, "f8": np.float64, "u1": np.uint8, "i4": np.int32}


def decode(blob: bytes) -> dict:
    """What live_plot.js does: JSON header, then arrays from the aligned buffers."""
    (n,) = struct.unpack("<I", blob[:4])
    header = json.loads(blob[4:4 + n])
    base = 4 + n + (-(4 + n)) % 8

    def walk(node):
        if isinstance(node, dict) and "__nd__" in node:
            off, size = node["__nd__"]
            arr = np.frombuffer(blob[base + off:base + off + size], DTYPES[node["dtype"]])
            return arr.reshape(node["shape"])
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(header)


def _encode(figs: dict) -> dict:
    payload = {"order": list(figs), "figs": {k: _figure_dict(v) for k, v in figs.items()}}
    return decode(encode_figures(payload))


def _figure(z, title="t", source="data:a", path="M0,0L1,1"):
    return {"data": [{"type": "scatter", "x": np.arange(3.0), "y": np.array([1.0, 2, 3])},
                     {"type": "heatmap", "z": z}],
            "layout": {"title": {"text": title}, "images": [{"source": source}],
                       "shapes": [{"type": "path", "path": path}]},
            "patchable": True, "values": {"z": z}}


def test_arrays_round_trip_as_float32_buffers():
    z = np.random.default_rng(0).random((4, 5))
    out = _encode({"a": _figure(z)})["figs"]["a"]
    assert np.allclose(out["data"][1]["z"], z, atol=1e-7)
    assert out["data"][1]["z"].dtype == np.float32
    assert out["data"][0]["x"].tolist() == [0.0, 1.0, 2.0]
    assert "values" not in out and out["patchable"] is True  # only what Plotly needs


def test_values_beyond_float32_travel_as_float64():
    out = _encode({"a": _figure(np.array([[1e250, -2.0]]))})["figs"]["a"]
    assert out["data"][1]["z"].dtype == np.float64 and out["data"][1]["z"][0, 0] == 1e250


def test_digests_find_what_changed():
    z = np.ones((3, 3))
    a = _encode({"one": _figure(z), "two": _figure(z)})["figs"]
    # the same content gets the same digests wherever it sits in the payload
    assert a["one"]["digest"] == a["two"]["digest"] and a["one"]["tdig"] == a["two"]["tdig"]
    b = _encode({"one": _figure(z * 2)})["figs"]["one"]
    assert b["digest"] != a["one"]["digest"]
    assert b["tdig"][0] == a["one"]["tdig"][0] and b["tdig"][1] != a["one"]["tdig"][1]


def test_layout_digest_ignores_only_what_the_browser_can_patch():
    z = np.ones((2, 2))
    base = _encode({"f": _figure(z)})["figs"]["f"]["ldig"]
    patched = _encode({"f": _figure(z, title="u", source="data:b", path="M1,1L2,2")})
    assert patched["figs"]["f"]["ldig"] == base
    fig = _figure(z)
    fig["layout"]["height"] = 500  # anything else needs a real Plotly.react
    assert _encode({"f": fig})["figs"]["f"]["ldig"] != base


def test_unchanged_figures_are_not_sent_again():
    z = np.ones((3, 3))
    sent: dict = {}

    def frame(figs):
        payload = {"order": list(figs), "figs": {k: _figure_dict(v) for k, v in figs.items()}}
        blob = encode_figures(payload, sent=sent)
        return decode(blob)["figs"], len(blob)

    first, size_first = frame({"a": _figure(z), "b": _figure(z * 3)})
    assert "data" in first["a"] and "data" in first["b"]
    second, size_second = frame({"a": _figure(z), "b": _figure(z * 4)})
    assert second["a"] == {"keep": first["a"]["digest"], "span": None, "height": None}
    assert "data" in second["b"] and size_second < size_first
    sent.clear()  # what the browser asks for when it lacks a kept figure
    third, _ = frame({"a": _figure(z), "b": _figure(z * 4)})
    assert "data" in third["a"]


def test_the_same_figure_objects_go_as_keep_without_being_read():
    z = np.ones((3, 3))
    sent: dict = {}
    a, b = _figure_dict(_figure(z)), _figure_dict(_figure(z * 3))
    first = decode(encode_figures({"order": ["a", "b"], "figs": {"a": a, "b": b}}, sent=sent))
    # "a" is the very object sent before: its digest is trusted, its arrays not read
    a["data"][0]["z"] = np.full((3, 3), 7.0)
    b2 = _figure_dict(_figure(z * 5))
    blob = encode_figures({"order": ["a", "b"], "figs": {"a": a, "b": b2}}, sent=sent,
                          unchanged=frozenset({"a"}))
    second = decode(blob)["figs"]
    assert second["a"]["keep"] == first["figs"]["a"]["digest"] and "data" in second["b"]
    # a figure rebuilt equal to what was sent goes as keep, and carries no data
    same = encode_figures({"order": ["b"], "figs": {"b": _figure_dict(_figure(z * 5))}},
                          sent=sent)
    assert decode(same)["figs"]["b"]["keep"] == sent["b"] and len(same) < 200
