"""Images for the browser: palette PNGs (encoded by Pillow) and colour look-up tables.

Sending a picture as a small PNG is far cheaper for the browser than a heatmap trace:
Plotly only swaps an image, where a trace would be recomputed and redrawn every frame.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image


def png_bytes(indices: np.ndarray, palette: np.ndarray, level: int = 1) -> bytes:
    """A palette PNG of ``indices`` (h, w) uint8 (rows top to bottom) into ``palette``
    (n <= 256, 4) RGBA uint8, deflated at ``level`` (0-9). A byte per pixel: a quarter of
    RGBA's bytes to deflate; Pillow leaves a palette image's rows unfiltered."""
    image = Image.fromarray(np.ascontiguousarray(indices, np.uint8))  # mode "L"...
    image.putpalette(np.ascontiguousarray(palette, np.uint8).tobytes(), "RGBA")  # ..."P"
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=level)
    return out.getvalue()


def data_uri(png: bytes) -> str:
    """``data:image/png;base64,...`` of PNG bytes."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def rgba(hex_color: str) -> tuple[int, int, int, int]:
    """``"#rrggbb"`` as an opaque RGBA tuple."""
    return (*(int(hex_color[i:i + 2], 16) for i in (1, 3, 5)), 255)


def colour_lut(scale, n: int) -> np.ndarray:
    """A Plotly colourscale ``[[t, "#rrggbb"], ...]`` sampled at ``n`` points: (n, 4) uint8."""
    stops = [t for t, _ in scale]
    rgb = np.array([rgba(c)[:3] for _, c in scale], float)
    t = np.linspace(0.0, 1.0, n)
    lut = np.full((n, 4), 255, np.uint8)
    lut[:, :3] = np.column_stack([np.interp(t, stops, rgb[:, i]) for i in range(3)]).round()
    return lut


def image_of(values: np.ndarray, lo: float, hi: float, scale, levels: int = 256) -> str:
    """A data-URI PNG of ``values`` (h, w), row 0 at the *bottom* (a plot's y grows
    upwards), coloured by the Plotly colourscale ``scale`` over ``[lo, hi]``."""
    lut = colour_lut(scale, levels)
    t = np.clip((np.nan_to_num(values) - lo) / (hi - lo), 0.0, 1.0)
    idx = (t * (levels - 1) + 0.5).astype(np.uint8)
    return data_uri(png_bytes(idx[::-1], lut))
