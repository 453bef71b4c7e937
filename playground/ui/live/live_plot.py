"""Live Plotly figures that stay mounted in the browser across Streamlit reruns.

``st.plotly_chart`` re-creates its chart whenever the figure changes, which
flickers and drops zoom when a figure is redrawn several times per second. This
module provides :func:`live_plot`, a Streamlit *components v2* element that
keeps one Plotly graph div per figure alive in the page and only calls
``Plotly.react`` with the new data on each rerun.

How it works
------------
* The JavaScript lives in ``live_plot.js`` next to this file and is registered
  inline with :func:`streamlit.components.v2.component`. Streamlit sends the JS
  text with every rerun but turns it into a cached blob-URL module, so it is
  only evaluated once per page.
* ``plotly.min.js`` (~4.8 MB, shipped by the ``plotly`` Python package) is *not*
  inlined (that would resend it on every rerun). Instead its directory is
  registered as a v1 component path, which makes Streamlit's own server expose
  it at ``<base>/component/<name>/plotly.min.js``; the JS loads it once per
  page with a ``<script>`` tag. Works offline.
* Figures travel as one binary payload (``bytes`` -> ``Uint8Array`` in JS):
  a JSON header plus raw little-endian buffers for every NumPy array (float64
  is down-cast to float32). A 100x100 float32 heatmap costs 40 kB instead of
  ~80 kB of rounded JSON text, and nothing is parsed number by number.
* The component must be called with a stable ``key``: the key is the element
  identity, so the same key means the same DOM (no remount); a different key
  remounts and starts from ``Plotly.newPlot`` again.
* Clicks come back as a trigger value: the return value of :func:`live_plot` is
  the click event of the current rerun (or ``None``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Mounted", "encode_figures", "live_plot", "plotly_js_url", "resend_all"]

SESSION_KEY = "live_plot"  # session key: {component key: Mounted} (no widget's key)

_COMPONENT_NAME = "neural_playground.live_plot"
_LIB_COMPONENT = "plotly_lib"
_JS_PATH = Path(__file__).with_name("live_plot.js")
_CSS = """
.lp-grid {
  display: grid;
  grid-template-columns: repeat(var(--lp-cols, 1), minmax(0, 1fr));
  gap: var(--lp-gap, 8px);
  width: 100%;
}
/* columns=0: as many columns as fit, each at least --lp-min wide (one on a phone) */
.lp-grid.lp-auto {
  grid-template-columns: repeat(auto-fill, minmax(min(var(--lp-min, 380px), 100%), 1fr));
}
.lp-cell { min-width: 0; position: relative; }
.lp-error { color: var(--st-red-color, #d33); white-space: pre-wrap; font-size: 0.8rem; }
"""
_F32_MAX = float(np.finfo(np.float32).max)
_DTYPE_CODES = {
    np.dtype("float32"): "f4",
    np.dtype("int8"): "i1",
    np.dtype("uint8"): "u1",
    np.dtype("int16"): "i2",
    np.dtype("uint16"): "u2",
    np.dtype("int32"): "i4",
    np.dtype("uint32"): "u4",
}
_B64_DTYPES = {
    "f8": "<f8",
    "f4": "<f4",
    "i1": "i1",
    "u1": "u1",
    "i2": "<i2",
    "u2": "<u2",
    "i4": "<i4",
    "u4": "<u4",
}


@cache
def _component() -> Callable[..., Any]:
    """Register (once per process) and return the components-v2 mount callable."""
    import streamlit as st

    return st.components.v2.component(
        _COMPONENT_NAME,
        js=_JS_PATH.read_text(encoding="utf-8"),
        css=_CSS,
        isolate_styles=False,  # Plotly injects its CSS into document.head: no shadow DOM.
    )


def plotly_js_url() -> str:
    """Return the same-origin URL of ``plotly.min.js``, registering its folder if needed.

    The folder ``plotly/package_data`` of the installed ``plotly`` package is
    registered as a (file-serving only) v1 custom component. Registration needs
    a running script, so call this from inside a Streamlit script run.
    """
    import plotly
    import streamlit.components.v1 as components
    from streamlit import config
    from streamlit.runtime import Runtime

    lib_dir = Path(plotly.__file__).parent / "package_data"
    full_name = f"{__name__}.{_LIB_COMPONENT}"
    registry = Runtime.instance().component_registry if Runtime.exists() else None
    if registry is None or registry.get_component_path(full_name) is None:
        components.declare_component(_LIB_COMPONENT, path=str(lib_dir))
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/component/{full_name}/plotly.min.js"


def _as_array(value: Any) -> np.ndarray | None:
    """Return ``value`` as a numeric array if it is one (ndarray or plotly b64 spec)."""
    if isinstance(value, np.ndarray):
        return value if value.dtype.kind in "fiub" else None
    if isinstance(value, Mapping) and "bdata" in value and "dtype" in value:
        raw = base64.b64decode(value["bdata"])
        arr = np.frombuffer(raw, dtype=_B64_DTYPES.get(value["dtype"], value["dtype"]))
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(s) for s in shape.split(",")]
        return arr.reshape(shape) if shape else arr
    return None


class _Packer:
    """Collect NumPy arrays into one binary blob, replacing them by JSON references."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, arr: np.ndarray) -> dict[str, Any]:
        if arr.dtype.kind == "b":
            arr = arr.astype(np.uint8)
        code = _DTYPE_CODES.get(arr.dtype)
        if code is None and arr.dtype.kind == "f" and arr.size and \
                np.nanmax(np.abs(np.where(np.isinf(arr), 0.0, arr))) > _F32_MAX:
            arr, code = arr.astype(np.float64), "f8"  # beyond float32 (a diverging run)
        if code is None:  # float64, int64, ... -> float32 (exact for |ints| < 2**24)
            arr, code = arr.astype(np.float32), "f4"
        raw = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False)
        data = raw.tobytes()
        ref = {"__nd__": [self.size, len(data)], "dtype": code, "shape": list(arr.shape)}
        pad = (-len(data)) % 8
        self.chunks.append(data + b"\0" * pad)
        self.size += len(data) + pad
        return ref

    def walk(self, node: Any) -> Any:
        arr = _as_array(node)
        if arr is not None and arr.ndim in (1, 2):
            return self.add(arr)
        if arr is not None:
            return _jsonable(arr)
        if isinstance(node, Mapping):
            return {str(k): self.walk(v) for k, v in node.items()}
        if isinstance(node, (list, tuple)):
            return [self.walk(v) for v in node]
        return _scalar(node)


def _scalar(value: Any) -> Any:
    """Make NumPy scalars and non-finite floats JSON-safe (JSON has no NaN)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _jsonable(node: Any) -> Any:
    """Plain-JSON variant of :class:`_Packer` (arrays become nested lists)."""
    arr = _as_array(node)
    if arr is not None:
        if arr.dtype.kind == "f":
            rounded = np.round(arr.astype(np.float64), 5)
            finite = np.isfinite(rounded)
            if finite.all():
                return rounded.tolist()
            obj = rounded.astype(object)
            obj[~finite] = None
            return obj.tolist()
        return arr.tolist()
    if isinstance(node, Mapping):
        return {str(k): _jsonable(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [_jsonable(v) for v in node]
    return _scalar(node)


def _figure_dict(fig: Any) -> dict[str, Any]:
    """Accept a plain figure dict or a ``plotly.graph_objects.Figure``; keep only what
    Plotly draws (``data``, ``layout``, ``config``) and ``patchable``: True lets the
    browser patch image sources, shape paths and the title in place when nothing else
    changed (one image and simple shapes, e.g. the decision regions)."""
    if hasattr(fig, "to_plotly_json"):
        fig = fig.to_plotly_json()
    if not isinstance(fig, Mapping):
        raise TypeError(f"figure must be a dict or plotly Figure, got {type(fig).__name__}")
    return {k: fig[k] for k in ("data", "layout", "config", "patchable") if k in fig}


_OFFSETS = re.compile(r'"__nd__":\[\d+,')


def _digest(node, chunks) -> str:
    """Digest of a walked node and its binary chunks, independent of where in the
    payload the chunks sit (the byte offsets are left out)."""
    h = hashlib.blake2b(digest_size=8)
    text = json.dumps(node, separators=(",", ":"), allow_nan=False, sort_keys=True)
    h.update(_OFFSETS.sub('"__nd__":[', text).encode())
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()


def _layout_frame(layout: Mapping[str, Any]) -> dict[str, Any]:
    """The layout without what the browser may patch in place (image sources, shape
    paths, title text): equal frames mean only those changed."""
    out = dict(layout)
    out["images"] = [{**im, "source": None} for im in layout.get("images", [])]
    out["shapes"] = [{**sh, "path": None} for sh in layout.get("shapes", [])]
    if isinstance(layout.get("title"), Mapping):
        out["title"] = {**layout["title"], "text": None}
    return out


def encode_figures(payload: dict[str, Any], *, binary: bool = True,
                   sent: dict[str, str] | None = None,
                   unchanged: frozenset = frozenset()) -> bytes | dict[str, Any]:
    """Encode the component payload.

    With ``binary=True`` the result is ``[u32 json length][json][pad][buffers]``;
    otherwise a JSON-serialisable dict with arrays as (rounded) nested lists.

    ``sent`` (binary only) maps figure names to the digest last sent to this browser
    element; a figure whose digest has not changed goes as ``{"keep": digest}`` without
    its data, and ``sent`` is updated with what goes out. Figures named in
    ``unchanged`` are the very objects sent last time: they go as "keep" without even
    being read (a live frame redraws one figure and keeps the others).
    """
    if not binary:
        return _jsonable(payload)
    packer = _Packer()
    walked = {k: v for k, v in payload.items() if k != "figs"}
    figs = {}
    for name, fig in payload.get("figs", {}).items():
        known = sent.get(name) if sent is not None else None
        if known is not None and name in unchanged:
            figs[name] = _keep(known, fig)
            continue
        mark = (len(packer.chunks), packer.size)
        entry = _walk_figure(packer, fig)
        if known == entry["digest"]:  # rebuilt, but the same: take its data back out
            del packer.chunks[mark[0]:]
            packer.size = mark[1]
            figs[name] = _keep(known, fig)
            continue
        figs[name] = entry
        if sent is not None:
            sent[name] = entry["digest"]
    walked = packer.walk(walked)
    walked["figs"] = figs
    header = json.dumps(walked, separators=(",", ":"), allow_nan=False).encode()
    pad = (-(4 + len(header))) % 8
    return b"".join([struct.pack("<I", len(header)), header, b"\0" * pad, *packer.chunks])


def _keep(digest: str, fig: Mapping[str, Any]) -> dict[str, Any]:
    """What tells the browser to keep the figure it holds (with its box's size)."""
    return {"keep": digest, "span": fig.get("span"),
            "height": fig.get("height") or fig.get("layout", {}).get("height")}


def _walk_figure(packer: _Packer, fig: Mapping[str, Any]) -> dict[str, Any]:
    """One figure with its arrays moved into ``packer``, and its digests: per trace and
    per figure (the browser skips Plotly.react for an unchanged figure, and hands Plotly
    the *same* trace object for an unchanged trace, so that Plotly, which compares
    arrays by reference, does not redraw it), and of the layout minus what the browser
    may patch in place."""
    entry = packer.walk({k: v for k, v in fig.items() if k != "data"})
    traces, tdig = [], []
    for trace in fig.get("data", []):
        first = len(packer.chunks)
        walked_trace = packer.walk(trace)
        traces.append(walked_trace)
        tdig.append(_digest(walked_trace, packer.chunks[first:]))
    entry["data"], entry["tdig"] = traces, tdig
    entry["ldig"] = _digest(_layout_frame(entry.get("layout", {})), [])
    entry["digest"] = _digest({**entry, "data": tdig}, [])
    return entry


def live_plot(
    figures: Mapping[str, Any],
    *,
    key: str,
    columns: int = 2,
    height: int = 300,
    spans: Mapping[str, int] | None = None,
    heights: Mapping[str, int] | None = None,
    configs: Mapping[str, Mapping[str, Any]] | None = None,
    labels: Mapping[str, str] | None = None,
    min_width: int = 380,
    on_click: Callable[[], None] | None = None,
    binary: bool = True,
) -> dict[str, Any] | None:
    """Render Plotly figures that stay mounted and update in place on every rerun.

    Parameters
    ----------
    figures
        ``{name: figure}`` in display order. A figure is a dict
        ``{"data": [...], "layout": {...}}`` (NumPy arrays allowed anywhere,
        including plotly's ``{"dtype", "bdata", "shape"}`` specs) or a
        ``plotly.graph_objects.Figure``. Tip: build plain dicts or use
        ``template="none"``: a ``go.Figure`` carries a ~6 kB default template.
    key
        Stable element key. Same key => same DOM and Plotly instances (no
        remount). Changing it remounts the component.
    columns
        Number of grid columns; figures fill the grid row by row. 0: as many columns
        as fit with each at least ``min_width`` px (one column on a phone).
    height
        Default height in px of each figure (``layout.height`` or ``heights``
        override it).
    spans
        Optional ``{name: n}``: a figure spans ``n`` grid columns.
    heights
        Optional ``{name: px}`` per-figure heights.
    configs
        Optional ``{name: plotly config}`` (merged over ``{"displaylogo": False,
        "displayModeBar": "hover"}`` and the offline-only defaults); a figure dict's
        own ``"config"`` key also works.
    labels
        Optional ``{name: text}``: the accessible name (``aria-label``) of a figure's
        box, by which assistive technology and tests find it.
    min_width
        With ``columns=0``, the narrowest a column may get, in px.
    on_click
        Optional callback run (before the rerun) when a point is clicked.
    binary
        Send arrays as raw float32 buffers (default) instead of JSON lists.

    Returns
    -------
    dict or None
        The click event of *this* rerun, else ``None``::

            {"figure": name, "seq": n,
             "points": [{"curveNumber", "pointIndex", "pointNumber", "x", "y",
                         "z"?, "customdata"?, "text"?, "traceName"?}, ...]}

        On a figure whose ``layout.meta.draw`` is true, a click anywhere in the plot
        area comes as ``{"figure", "points": [], "at": [x, y], "clicks": [{"at", "seq"},
        ...], "page", "seq"}``: every click the figure's ``layout.meta.ack`` (``[page,
        seq]``) has not confirmed yet, numbered per page.

        A click in a ``st.fragment`` reruns only that fragment. Layout defaults:
        transparent backgrounds, Streamlit text colour and font, and
        ``uirevision`` = ``"<key>:<name>"`` so zoom/pan survive data updates
        (set ``layout.uirevision`` yourself to reset the view on purpose).
    """
    spans = spans or {}
    heights = heights or {}
    configs = configs or {}
    figs: dict[str, Any] = {}
    labels = labels or {}
    import streamlit as st

    mounted = _mounted(st.session_state, key)
    # The very figure objects of the last call (a live frame rebuilds one figure and
    # passes the others on) need not be read again: see encode_figures(unchanged=...).
    memo = mounted.last_call
    extras = {name: (spans.get(name), heights.get(name), labels.get(name),
                     repr(configs.get(name))) for name in figures}
    unchanged = frozenset(name for name, fig in figures.items()
                          if name in memo and memo[name][0] is fig
                          and memo[name][1] == extras[name])
    memo.clear()
    memo.update({name: (fig, extras[name]) for name, fig in figures.items()})
    for name, fig in figures.items():
        entry = _figure_dict(fig)
        if name in labels:
            entry["label"] = str(labels[name])
        if name in spans:
            entry["span"] = int(spans[name])
        if name in heights:
            entry["height"] = int(heights[name])
        if name in configs:
            entry["config"] = {**entry.get("config", {}), **configs[name]}
        figs[str(name)] = entry
    payload = {
        "key": str(key),
        "lib": plotly_js_url(),
        "columns": int(columns),
        "minWidth": int(min_width),
        "height": int(height),
        "order": list(figs),
        "figs": figs,
    }
    # What this browser element already has: unchanged figures are not sent again.
    sent = mounted.sent
    result = _component()(
        key=key,
        data=encode_figures(payload, binary=binary, sent=sent if binary else None,
                            unchanged=unchanged),
        on_click_change=on_click or _noop,
        on_resend_change=partial(resend_all, str(key)),
    )
    return result.click if result is not None else None


@dataclass
class Mounted:
    """What a session keeps of one mounted component (by its key) between reruns."""

    last_call: dict[str, tuple] = field(default_factory=dict)  # name -> (figure, extras)
    sent: dict = field(default_factory=dict)  # what the browser has (see encode_figures)


def _mounted(session_state, key) -> Mounted:
    return session_state.setdefault(SESSION_KEY, {}).setdefault(str(key), Mounted())


def resend_all(key: str) -> None:
    """Send every figure of the component ``key`` in full on its next call: the browser
    lacks a figure it was told to keep (e.g. it skipped a frame that carried it), or the
    component is mounted afresh."""
    import streamlit as st

    mounted = st.session_state.get(SESSION_KEY, {}).get(str(key))
    if mounted is not None:
        mounted.sent = {}


def _noop() -> None:
    """Placeholder callback: a trigger is only reported if a callback is registered."""
