"""The live stage's frames: a batch of them trained at the pace asked for, and each one
as the browser paints it (pictures and numbers; see ``ui/live/stream.py``).

At a pace of up to :data:`MAX_FPS` epochs per second every epoch is a frame; faster,
every k-th epoch (and at speed "max", one per share of the batch's training time), so
that the browser gets as many frames as the display shows. The last frame of a batch is
always the run's own epoch.
"""

from __future__ import annotations

import base64
import math
import time
from functools import lru_cache

import numpy as np

from playground.figures import run_figures as F
from playground.figures.diagram import atlas_png, diagram_geometry, link_arrays, link_codes
from playground.figures.png import data_uri
from playground.run.frames import DIAGRAM_GRID, Frame
from playground.run.hidden_space import unit_label
from playground.run.history import METRICS
from playground.ui.playground_page.views import DIAGRAM_ASPECT, focus_range

MAX_FPS = 60  # frames per second a page is sent at most (the display's pace)
MIN_FPS = 6  # ...and at least, when many pages share the server (see classroom.py)


@lru_cache(maxsize=8)
def _geometry(sizes: tuple, height: int):
    return diagram_geometry(sizes, height, DIAGRAM_ASPECT, DIAGRAM_GRID)[0]


def link_ends(sizes, weights, height: int) -> np.ndarray:
    """The diagram's link segments (n_links, 4), in the order of a frame's ``links``."""
    return link_arrays(_geometry(tuple(sizes), int(height)), weights)[0]


def title_prefix(run, focus) -> str:
    """The regions' title before " at epoch N": "Output" or "Neuron h1.2"."""
    if focus is None:
        return "Output"
    sizes, feats = run.network.layer_sizes, run.config.features
    return f"Neuron {unit_label(focus[0], focus[1], sizes, feats)}"


def frame_message(frame: Frame, run, *, discretize: bool, height: int,
                  diagram: bool = True) -> dict:
    """``frame`` as the browser paints it: the epoch, the metrics (``m``, in
    :data:`~playground.run.history.METRICS` order), the regions as a PNG data URI and
    the boundary as an SVG path, and (with ``diagram``) the diagram's atlas PNG and the
    shape each link is drawn in (``links``, base64 bytes)."""
    c = run.config
    zrange = None if frame.focus is None else focus_range(run, frame.focus, frame.regions)
    picture = F.region_picture(frame.xs, frame.regions, c.task, zrange=zrange,
                               discretize=discretize and frame.focus is None)
    message = {"epoch": frame.epoch, "m": [_finite(frame.metrics[k]) for k in METRICS],
               "regions": picture["source"], "boundary": picture["boundary"]}
    if diagram:
        g = _geometry(tuple(run.network.layer_sizes), int(height))
        png, scale = atlas_png(g, frame.maps, frame.weights, frame.biases, c.activation,
                               c.task)
        w = np.concatenate([W.ravel() for W in frame.weights])
        message["atlas"] = data_uri(png)
        message["links"] = base64.b64encode(link_codes(w, scale).tobytes()).decode("ascii")
    return message


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def train_frames(guard, ticket: int, trainer, make, *, epochs: int | None = None,
                 every: int = 1, seconds: float, frames: int = 1, between=None) -> list:
    """Train one batch and return its frames (``make()`` of the run, under its lock).

    Either ``epochs`` epochs, a frame every ``every`` of them, within ``seconds``; or
    (``epochs`` None, speed "max") ``seconds`` of training in ``frames`` slices, a frame
    after each. Stops early when a newer script run has claimed a ticket (a click) or
    the run diverged; the last frame is of the run's last epoch."""
    from playground.ui.server.session import train_for

    out, end = [], time.perf_counter() + seconds
    slices = frames if epochs is None else math.ceil(epochs / every)
    for k in range(slices):
        if not guard.is_newest(ticket) or trainer.diverged is not None:
            break
        if epochs is None:
            done = train_for(guard, ticket, trainer, seconds / slices, between=between)
        else:
            left = min(every, epochs - k * every)
            done = train_for(guard, ticket, trainer, max(end - time.perf_counter(), 0.0),
                             max_epochs=left, between=between)
        if done:
            with guard.lock:
                out.append(make())
        if time.perf_counter() > end and epochs is not None:
            break
    return out
