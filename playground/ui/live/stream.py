"""The stage as one component that paints a stream of frames at the display's pace.

Streamlit sends the component, a few times a second, the figures of the stage (plain
Plotly figure dicts, sent again only when they change) and a batch of frames (see
:mod:`playground.run.frames`; each frame as pictures and numbers: see
``ui/playground_page/stream_view.py``). ``stream.js`` keeps a short buffer of frames and
paints one per display frame with ``requestAnimationFrame``: the decision regions and
the diagram on a canvas under their plots (each frame's PNG decoded off the main thread,
the boundary and the links stroked with it; Plotly redraws nothing per frame), the
curves through ``Plotly.extendTraces`` a few times a second, and the live numbers
(epoch, losses, accuracy) in its own row. Streamlit re-renders nothing per frame. Pause
paints at once the newest frame the stage holds (the run's epoch as of its last batch).

Public APIs only: a Streamlit components-v2 component (inline JS and CSS), and
``plotly.min.js`` (shipped by the ``plotly`` package) served offline from the asset
folder of a components-v1 declaration of Plotly's own package data.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from functools import cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st
import streamlit.components.v1 as components
from streamlit import config

from playground.ui.server import classroom

__all__ = ["SENT", "plotly_url", "resend_all", "stage_stream", "to_wire"]

NAME = "neural_playground.stage_stream"
JS = Path(__file__).with_name("stream.js")
CSS = Path(__file__).with_name("stream.css")
SENT = "stream_sent"  # session key: per component key, each figure sent and its digest
TYPED = {"f": "f8", "i": "i4", "u": "u4", "b": "u1"}  # 1-D arrays as Plotly typed arrays


@cache
def _component():
    """Register (once per process) and return the components-v2 mount callable."""
    return st.components.v2.component(NAME, js=JS.read_text(encoding="utf-8"),
                                      css=CSS.read_text(encoding="utf-8"),
                                      isolate_styles=False)  # Plotly's CSS is global


@cache
def _plotly_assets():
    """Plotly's package data (which holds plotly.min.js) as a components-v1 asset folder,
    declared once per process from inside a script run (where it registers)."""
    import plotly

    return components.declare_component("plotly", path=Path(plotly.__file__).parent
                                        / "package_data")


def plotly_url() -> str:
    """The same-origin URL of ``plotly.min.js`` (offline; served by Streamlit)."""
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"{'/' + base if base else ''}/component/{_plotly_assets().name}/plotly.min.js"


def to_wire(node: Any) -> Any:
    """``node`` as JSON-ready values: 1-D numeric arrays as Plotly typed arrays
    (``{"dtype", "bdata"}``), other arrays as nested lists, NaN and infinities as None."""
    if isinstance(node, np.ndarray):
        if node.ndim == 1 and node.dtype.kind in TYPED and np.isfinite(node).all():
            code = TYPED[node.dtype.kind]
            raw = node.astype("<" + code, copy=False).tobytes()
            return {"dtype": code, "bdata": base64.b64encode(raw).decode("ascii")}
        return to_wire(node.tolist())
    if isinstance(node, Mapping):
        return {str(k): to_wire(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [to_wire(v) for v in node]
    if isinstance(node, np.generic):
        node = node.item()
    if isinstance(node, float) and not np.isfinite(node):
        return None
    return node


def _figure(fig: Mapping, label: str | None, height: int | None, config_: Mapping | None):
    """What the browser draws of a figure dict (its ``values`` stay here)."""
    out = {k: to_wire(fig[k]) for k in ("data", "layout", "links") if k in fig}
    out["config"] = dict(config_ or {})
    out["label"], out["height"] = label, height or fig["layout"].get("height", 300)
    return out


def stage_stream(figures: Mapping[str, Mapping], frames: list[dict], *, key: str,
                 playing: bool, fps: float, labels: Mapping[str, str],
                 configs: Mapping[str, Mapping] | None = None, numbers: list[str] = (),
                 prefix: str = "Output", columns: int = 0, spans: Mapping[str, int] | None = None,
                 min_width: int = 380, heartbeat: float | None = None,
                 digits: list | None = None, sources: Mapping[str, str] | None = None,
                 prefixes: Mapping[str, str] | None = None,
                 every: float | None = None) -> dict | None:
    """Mount (or update) the stage: ``figures`` in a grid of ``columns`` columns (0: as
    many as fit, each at least ``min_width`` px; a figure spans ``spans[name]`` of them),
    and ``frames`` painted one per display frame. With no frames it shows figures
    that stay mounted across reruns (the sweep page).

    Parameters
    ----------
    figures : {name: figure dict}
        In display order; ``regions``, ``network`` and ``curves`` take the frames. A
        figure the browser already holds (same digest) is not sent again. The network's
        ``"links"`` (n_links, 4): its link segments, in the frames' link order.
    frames : list of dict
        Messages of :func:`~playground.ui.playground_page.stream_view.frame_message`, in
        epoch order. While paused, the last one is painted at once.
    playing : bool
        Whether more frames follow; a paused stage drops its buffer and shows the last
        frame given (the run's state).
    fps : float
        Frames per second to paint them at.
    labels, configs : {name: ...}
        Accessible names (``aria-label``) and Plotly configs of the figures.
    numbers : list of str
        The labels of the live numbers: by default epoch, losses, scores (five), read
        from a frame's ``epoch`` and ``m``; a frame with ``n`` gives them all, in order.
    prefix : str
        The regions' title before " at epoch N" ("Output", "Neuron h1.2").
    digits : list of (int or None), optional
        Decimals of each number (None: a whole number); a number whose label starts
        with "Δ" shows its sign.
    sources : {name: str}, optional
        The figures the frames paint and the part of a frame each takes: ``""`` the
        frame itself (the default: ``regions`` and ``network``), ``"a"`` its ``a``
        (a figure named ``regions…`` takes regions, ``network…`` a diagram).
    prefixes : {name: str}, optional
        A regions figure's title while playing, instead of ``prefix``.
    every : float, optional
        While playing: seconds between the page's asks for its next batch (a rerun of
        the script or fragment that mounts the stage), each made once the last batch has
        arrived; it asks again if none comes. None: the page does not ask (the script
        reruns on its own).
    heartbeat : float, optional
        Seconds between the signs of life the page sends while paused (a rerun in
        which the session is seen: see classroom.py); by default those of the server's
        ``server.disconnectedSessionTTL``.

    Returns
    -------
    dict or None
        The click of this run: ``{"figure", "points": [{"customdata", ...}], "seq"}``,
        or ``{"figure", "at": [x, y]}`` on a figure whose ``layout.meta.draw`` is set.
    """
    sent = st.session_state.setdefault(SENT, {}).setdefault(key, {})
    figs, digests = {}, {}
    for name, fig in figures.items():
        if name in sent and sent[name][1] is fig:  # the very figure sent last time
            figs[name], digests[name] = {"keep": sent[name][0]}, sent[name]
            continue
        wire = _figure(fig, labels.get(name), None, (configs or {}).get(name))
        wire["span"] = (spans or {}).get(name)
        text = json.dumps(wire, separators=(",", ":"), allow_nan=False)
        digest = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        digests[name] = (digest, fig)
        known = name in sent and sent[name][0] == digest
        figs[name] = {"keep": digest} if known else {**wire, "digest": digest}
    sent.clear()
    sent.update(digests)
    payload = {"key": key, "lib": plotly_url(), "order": list(figs), "figs": figs,
               "frames": frames, "playing": bool(playing), "fps": float(fps),
               "numbers": list(numbers), "prefix": prefix, "minWidth": int(min_width),
               "digits": None if digits is None else list(digits),
               "sources": dict(sources) if sources is not None else None,
               "prefixes": dict(prefixes or {}),
               "columns": int(columns),
               "every": float(every) if playing and every else None,
               "heartbeat": heartbeat or classroom.heartbeat(
                   float(st.get_option("server.disconnectedSessionTTL")))}
    result = _component()(key=key, data=payload, on_click_change=_noop,
                          on_alive_change=classroom.alive, on_more_change=_noop,
                          on_resend_change=partial(resend_all, key))
    return result.click if result is not None else None


def resend_all(key: str) -> None:
    """Send every figure of the component ``key`` in full next time (it remounts)."""
    st.session_state.get(SENT, {}).pop(key, None)


def _noop() -> None:
    """A trigger is reported only if a callback is registered."""
