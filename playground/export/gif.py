"""An animated GIF of a run: the decision regions, the data and the epoch at every
recorded snapshot (dense early, thinned later), then the current state, held.

The frames are drawn here from arrays (regions from the run's snapshots, points,
boundary, epoch label) and encoded by Pillow, the one module of the package that
imports it (Pillow comes with Streamlit).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from playground.data.datasets import DOMAIN
from playground.figures.png import colour_lut, rgba
from playground.figures.run_figures import CLASS_COLORS, DIVERGING, contour_segments, region_values

SIZE = 280           # pixels per side of a frame
GRID = 140           # network outputs per axis (each drawn as SIZE / GRID pixels)...
BIG_GRID, BIG_NET = 70, 2000  # ...and for networks of more parameters than BIG_NET
BANDS = 8            # confidence bands per class: flat areas, which GIF packs well
COLOURS = 32         # one palette for every frame
MAX_FRAMES = 48      # frames over the snapshots (a default run: ~100 KB)
FRAME_MS, LAST_MS = 120, 2000  # each frame, and the last one held


def gif_frames(trainer, max_frames: int = MAX_FRAMES) -> list[tuple[int, np.ndarray]]:
    """The ``(epoch, params)`` pairs a GIF shows: up to ``max_frames`` snapshots spread
    evenly over the recorded ones (which are dense early), then the current parameters.
    The parameters are copies, so the run may go on training meanwhile."""
    epochs = np.union1d(trainer.snapshots.epochs, list(trainer.pinned)).astype(int)
    epochs = epochs[epochs < trainer.epoch]
    if len(epochs) > max_frames - 1:
        pick = np.unique(np.linspace(0, len(epochs) - 1, max_frames - 1).round().astype(int))
        epochs = epochs[pick]
    frames = [trainer.params_at(int(e)) for e in epochs]
    return [*frames, (trainer.epoch, trainer.network.params.copy())]


def render_frame(trainer, epoch: int, params: np.ndarray, size: int = SIZE) -> Image.Image:
    """One frame (RGB, size x size): the regions of ``params`` with the training points
    (white outline), test points (dark outline), the 0.5 boundary and ``epoch``."""
    c = trainer.config
    grid = GRID if params.size <= BIG_NET else BIG_GRID  # the grid's pass is the cost
    xs, out, _ = trainer.predict_grid(grid, DOMAIN, params=params)
    z, lo, hi, scale = region_values(out, c.task)
    lut = colour_lut(scale, 256)[:, :3]
    t = np.clip((np.nan_to_num(z) - lo) / (hi - lo), 0.0, 1.0)
    if c.task == "regression" or out.shape[-1] == 1:  # bands (k classes: c + confidence)
        t = (np.minimum(np.floor(t * 2 * BANDS), 2 * BANDS - 1) + 0.5) / (2 * BANDS)
    rgb = lut[(t * 255 + 0.5).astype(np.uint8)][::-1]  # row 0 at the top
    img = Image.fromarray(np.ascontiguousarray(rgb), "RGB").resize((size, size),
                                                                   Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(img)

    def px(x, y):  # data coordinates -> pixels
        return ((x + DOMAIN) / (2 * DOMAIN) * size, (DOMAIN - y) / (2 * DOMAIN) * size)

    if out.shape[-1] == 1:
        level = 0.0 if c.task == "regression" else 0.5
        for x0, y0, x1, y1 in contour_segments(xs, out[..., 0], level).tolist():
            draw.line([px(x0, y0), px(x1, y1)], fill=(51, 51, 51), width=2)
    for X, y, outline in ((trainer.X_train, trainer.y_train, (255, 255, 255)),
                          (trainer.X_test, trainer.y_test, (40, 40, 40))):
        for (x1, x2), colour in zip(X.tolist(), _point_colours(y, c.task), strict=True):
            cx, cy = px(x1, x2)
            draw.ellipse([cx - 3, cy - 3, cx + 3, cy + 3], fill=colour, outline=outline)
    label = f"epoch {epoch:,}"
    font = ImageFont.load_default(size=18)
    box = draw.textbbox((8, 6), label, font=font)
    draw.rectangle([box[0] - 4, box[1] - 3, box[2] + 4, box[3] + 3], fill=(255, 255, 255))
    draw.text((8, 6), label, fill=(49, 51, 63), font=font)
    return img


def _point_colours(y: np.ndarray, task: str) -> list[tuple[int, int, int]]:
    if task == "regression":
        lut = colour_lut(DIVERGING, 256)[:, :3]
        idx = np.clip((np.asarray(y) + 1) / 2 * 255 + 0.5, 0, 255).astype(int)
        return [tuple(v) for v in lut[idx].tolist()]
    palette = [rgba(col)[:3] for col in CLASS_COLORS]
    return [palette[int(k) % len(palette)] for k in np.asarray(y).tolist()]


def export_gif(trainer, *, size: int = SIZE, max_frames: int = MAX_FRAMES,
               progress: Callable[[int, int], None] | None = None) -> bytes:
    """An animated GIF of ``trainer``'s decision regions over its recorded snapshots.

    Parameters
    ----------
    trainer : Trainer
        Read only (the grid predictions use copies of the snapshots' parameters).
    size : int
        Pixels per side.
    max_frames : int
        At most this many frames (snapshots spread evenly, then the current state).
    progress : callable (done, total), optional
        Called after each frame is drawn (e.g. a progress bar).

    Returns
    -------
    bytes
        The GIF file (loops forever; the last frame is held longer).
    """
    frames = gif_frames(trainer, max_frames)
    images = []
    for i, (epoch, params) in enumerate(frames):
        images.append(render_frame(trainer, epoch, params, size))
        if progress is not None:
            progress(i + 1, len(frames))
    # one palette for every frame: smaller, and colours do not flicker between frames
    palette = _shared_palette(images)
    paletted = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    buffer = io.BytesIO()
    paletted[0].save(buffer, format="GIF", save_all=True, append_images=paletted[1:],
                     duration=[FRAME_MS] * (len(paletted) - 1) + [LAST_MS], loop=0,
                     optimize=True)
    return buffer.getvalue()


def _shared_palette(images: list[Image.Image]) -> Image.Image:
    """A ``COLOURS``-colour palette fitted to a few of the frames side by side."""
    sample = images[:: max(1, len(images) // 6)] + [images[-1]]
    w, h = sample[0].size
    strip = Image.new("RGB", (w * len(sample), h))
    for i, im in enumerate(sample):
        strip.paste(im, (i * w, 0))
    return strip.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT)
