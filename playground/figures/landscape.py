"""The loss landscape as a Plotly figure dict: the loss on a plane through the weights
(a heatmap on a log colour scale), the current weights, and the training path projected
onto the plane. Built from arrays (those of ``playground.loss_landscape``); imports only
NumPy and the other figure builders.
"""

from __future__ import annotations

import numpy as np

from playground.figures.run_figures import base_layout

LANDSCAPE_SCALE = "Viridis"
DECADES = 6  # the colour scale spans at most this many powers of ten above the lowest loss
PATH_COLOR, CURRENT_COLOR = "#f59322", "#d62728"


def log_range(loss: np.ndarray, decades: float = DECADES) -> tuple[float, float]:
    """``(lo, hi)``: the log10 colour range of the losses, from the smallest positive
    finite loss up to the largest finite one but at most ``decades`` above it. Always
    finite with ``hi > lo``, whatever ``loss`` holds (inf, NaN, zeros, nothing finite)."""
    loss = np.asarray(loss, np.float64)
    finite = loss[np.isfinite(loss)]
    positive = finite[finite > 0]
    lo = float(np.log10(positive.min())) if positive.size else 0.0
    hi = float(np.log10(positive.max())) if positive.size else lo + 1.0
    hi = min(hi, lo + decades)
    return lo, (hi if hi > lo else lo + 1.0)


def log_loss(loss: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """log10 of ``loss`` clipped to ``[lo, hi]``: infinite or NaN losses show as ``hi``,
    zeros as ``lo``; the result is finite everywhere."""
    loss = np.nan_to_num(np.asarray(loss, np.float64), nan=np.inf)
    with np.errstate(divide="ignore"):
        return np.clip(np.log10(loss), lo, hi)


def loss_text(loss: np.ndarray) -> np.ndarray:
    """Hover text of each loss value (4 significant digits; "overflow" for inf/NaN)."""
    flat = [f"{v:.4g}" if np.isfinite(v) else "overflow" for v in np.ravel(loss)]
    return np.array(flat, dtype=object).reshape(np.shape(loss))


def landscape_figure(alpha, beta, loss, path=None, path_epochs=None, *,
                     alpha_label: str = "α", beta_label: str = "β", title: str = "",
                     decades: float = DECADES, height: int = 420) -> dict:
    """The loss on the plane ``θ + α d1 + β d2``.

    Parameters
    ----------
    alpha, beta : ndarray (R_a,), (R_b,)
        The grid's coordinates.
    loss : ndarray (R_a, R_b)
        ``loss[i, j]`` at ``(alpha[i], beta[j])``; may hold inf or NaN (shown at the top
        of the colour scale).
    path : ndarray (n, 2), optional
        Snapshots' ``(α, β)``, oldest first; ``path_epochs`` (n,) their epochs.
    alpha_label, beta_label : str
        Axis titles: what α and β are.
    title : str
    decades : float
        Most powers of ten the colour scale spans (huge losses are clipped to its top).
    height : int

    Returns
    -------
    dict
        A Plotly figure: traces ``landscape`` (heatmap of log10 loss, x = α, y = β),
        ``path`` (if given) and ``current weights`` (a marker at (0, 0)).
    """
    alpha, beta = np.asarray(alpha, np.float64), np.asarray(beta, np.float64)
    loss = np.asarray(loss, np.float64)
    if loss.shape != (alpha.size, beta.size):
        raise ValueError(f"loss: expected shape {(alpha.size, beta.size)} (alpha by beta), "
                         f"got {loss.shape}")
    lo, hi = log_range(loss, decades)
    ticks = np.arange(np.ceil(lo), np.floor(hi) + 1)
    if ticks.size < 2:
        ticks = np.array([lo, hi])
    heat = {"type": "heatmap", "name": "landscape", "x": alpha, "y": beta,
            "z": log_loss(loss, lo, hi).T,  # Plotly's rows are y (β), columns x (α)
            "zmin": lo, "zmax": hi, "colorscale": LANDSCAPE_SCALE, "zsmooth": "best",
            "text": loss_text(loss).T.tolist(),  # plain lists: any figure encoder takes them
            "hovertemplate": "α = %{x:.3g}<br>β = %{y:.3g}<br>loss = %{text}<extra></extra>",
            "colorbar": {"title": {"text": "loss"}, "tickvals": ticks,
                         "ticktext": [f"{10.0 ** t:.3g}" for t in ticks], "thickness": 12}}
    traces = [heat]
    if path is not None and len(path):
        path = np.asarray(path, np.float64)
        epochs = (np.arange(len(path)) if path_epochs is None else np.asarray(path_epochs))
        epochs = epochs.astype(np.float64)  # (a float array: the live figures' encoding)
        traces.append({"type": "scatter", "name": "path", "mode": "lines+markers",
                       "x": path[:, 0], "y": path[:, 1], "customdata": epochs,
                       "line": {"color": PATH_COLOR, "width": 2},
                       "marker": {"size": 4, "color": PATH_COLOR},
                       "hovertemplate": "epoch %{customdata}<br>α = %{x:.3g}, β = %{y:.3g}"
                                        "<extra>path (projected)</extra>"})
    traces.append({"type": "scatter", "name": "current weights", "mode": "markers",
                   "x": [0.0], "y": [0.0],
                   "marker": {"symbol": "x", "size": 12, "color": CURRENT_COLOR,
                              "line": {"width": 1, "color": "white"}},
                   "hovertemplate": "current weights<extra></extra>"})
    layout = base_layout(
        height=height, showlegend=False,
        title={"text": title, "font": {"size": 13}} if title else None,
        xaxis={"title": {"text": alpha_label}, "range": [alpha.min(), alpha.max()],
               "zeroline": False},
        yaxis={"title": {"text": beta_label}, "range": [beta.min(), beta.max()],
               "zeroline": False},
        margin={"l": 55, "r": 10, "t": 35 if title else 10, "b": 45})
    return {"data": traces, "layout": layout}


def note_figure(text: str, height: int = 420) -> dict:
    """An empty plane with ``text`` in its middle: the landscape's place when there is
    none to draw (PCA directions before the path spans two, a diverged run)."""
    hidden = {"visible": False, "range": [0, 1]}
    layout = base_layout(height=height, showlegend=False, xaxis=hidden, yaxis=hidden,
                         margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         annotations=[{"text": text, "x": 0.5, "y": 0.5, "xref": "paper",
                                       "yref": "paper", "showarrow": False,
                                       "font": {"size": 13}, "width": 360}])
    return {"data": [], "layout": layout}
