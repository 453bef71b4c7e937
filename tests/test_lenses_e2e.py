"""End-to-end: the two lenses in headless Chromium at 1280x720. By the numbers: a click on
a training point and on a neuron, and the numbers on the page equal ``explain_point`` on
the same run trained to the same epoch; the loss landscape's heatmap in the stage's
panel. Screenshots go to ``artifacts/e2e-by-the-numbers.png`` and
``artifacts/e2e-landscape.png``."""

from __future__ import annotations

import numpy as np
import pytest
from test_e2e import _node_position

from playground import Trainer, explain_point
from playground.config import Config

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1280, "height": 720}
QUERY = {"at": "20", "hidden": "3,2"}
LENS = ".st-key-lens"  # under the stage: By the numbers, the landscape's controls
PANEL = '[aria-label="Panel"]'  # the stage's panel: the landscape's map


def _choose_panel(app, label: str) -> None:
    """Open the View menu, pick the panel ``label``, close the menu."""
    page = app.page
    page.get_by_role("button", name="View").click()
    page.get_by_text(label, exact=True).click()
    page.keyboard.press("Escape")


def _lonely_training_point(run) -> int:
    """The training point farthest from every other point (a click finds it alone)."""
    X = np.vstack([run.X_train, run.X_test])
    d = ((run.X_train[:, None] - X[None]) ** 2).sum(-1)
    d[np.arange(len(run.X_train)), np.arange(len(run.X_train))] = np.inf
    inside = (np.abs(run.X_train) < 5).all(axis=1)  # away from the axes' edges
    return int(np.argmax(np.where(inside, d.min(axis=1), -1)))


def _training_point_position(page, index: int):
    """Page coordinates of training point ``index`` on the decision regions."""
    return page.evaluate("""(index) => {
      const gd = document.querySelector('.js-plotly-plot[data-figure="regions"]');
      const trace = gd._fullData.find(t => t.name === "train");
      const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
      const box = gd.getBoundingClientRect();
      return {x: box.left + xa._offset + xa.l2p(trace.x[index]),
              y: box.top + ya._offset + ya.l2p(trace.y[index])};
    }""", index)


def _scroll_to(page, selector: str = LENS) -> None:
    """``selector`` at the top of the main area (which scrolls inside the page)."""
    page.locator(selector).first.evaluate("""e => {
      const main = e.closest('[data-testid=stMain]');
      const top = main.scrollTop + e.getBoundingClientRect().top - 70;
      main.scrollTop = Math.min(top, main.scrollHeight - main.clientHeight);
    }""")


def test_by_the_numbers_for_a_clicked_point_and_neuron(page_at):
    run = Trainer(Config.from_query({"hidden": QUERY["hidden"]}))
    run.step(int(QUERY["at"]))
    index = _lonely_training_point(run)
    app = page_at(LAPTOP, "?" + "&".join(f"{k}={v}" for k, v in QUERY.items()))
    page = app.page
    _choose_panel(app, "By the numbers")
    lens = page.locator(LENS)
    lens.get_by_text("Forward pass").wait_for(timeout=15_000)
    app.wait_query(panel="numbers")
    # a click on the training point on the decision regions picks it
    pos = _training_point_position(page, index)
    page.mouse.move(pos["x"], pos["y"])
    page.mouse.click(pos["x"], pos["y"])
    app.wait_until(lambda: app.input_value("Training point") == str(index), timeout=15,
                   what=f"training point {index} picked by the click")
    app.wait_until(lambda: _ring(page) == pytest.approx(run.X_train[index].tolist()),
                   what=f"a ring around training point {index} on the regions")
    # a click on neuron h1.3 of the diagram: its incoming weights are written out
    pos = _node_position(page, 1, 2)
    page.mouse.move(pos["x"], pos["y"])
    page.mouse.click(pos["x"], pos["y"])
    lens.get_by_text("Incoming weights of h1.3").wait_for(timeout=15_000)
    # the numbers on the page are explain_point's on the same run at the same epoch
    e = explain_point(run, index)
    caption = lens.get_by_text(f"Point {index} at").inner_text()
    assert f"epoch {run.epoch}" in caption
    assert f"loss of this point {e.loss:.4g}." in caption
    g = e.neuron(1, 2)
    text = lens.inner_text()
    assert f"{g.dbias:.4g}" in text.replace("−", "-")  # ∂L/∂b of h1.3 (KaTeX text)
    # the stage's panel: the point's path through the network
    title = page.locator(PANEL).locator(".gtitle")
    app.wait_until(lambda: title.text_content() == f"Point {index} through the network at "
                   f"epoch {run.epoch} (links: w·a)", what="the point's path in the panel")
    page.mouse.move(0, 0)
    page.wait_for_timeout(500)
    app.screenshot("by-the-numbers-ring")  # the regions, their ring on the point
    _scroll_to(page, PANEL)
    page.wait_for_timeout(500)
    app.screenshot("by-the-numbers")
    # a point typed in the box (a run of the lens alone): the ring follows it
    other = (index + 1) % len(run.X_train)
    box = page.get_by_label("Training point", exact=True)
    box.fill(str(other))
    box.press("Enter")
    app.wait_until(lambda: _ring(page) == pytest.approx(run.X_train[other].tolist()),
                   timeout=15, what=f"the ring moved to training point {other}")


def _ring(page):
    """Where the regions' ring (the point By the numbers follows) is, or None."""
    return page.evaluate("""() => {
      const gd = document.querySelector('.js-plotly-plot[data-figure="regions"]');
      const ring = gd && (gd.data || []).find(t => t.name === "chosen point");
      return ring ? [ring.x[0], ring.y[0]] : null;
    }""")


def test_the_loss_landscape_draws_its_heatmap(page_at):
    app = page_at(LAPTOP, "?at=150")
    page = app.page
    _choose_panel(app, "Loss landscape")
    app.wait_query(panel="landscape")
    panel = page.locator(PANEL)
    panel.locator(".hm image").first.wait_for(timeout=15_000)  # the heatmap, drawn
    # (the weights' heatmaps before it are drawn alike: the title tells them apart)
    app.wait_until(lambda: panel.locator(".gtitle").text_content()
                   == "Loss landscape at epoch 150", timeout=15, what="the landscape's title")
    assert panel.locator(".xtitle").text_content().startswith("α: along random direction 1")
    assert panel.locator(".ytitle").text_content().startswith("β: along random direction 2")
    app.button("lens_new").wait_for()  # the controls under the stage
    _scroll_to(page, PANEL)
    page.mouse.move(0, 0)  # no hover label, no mode bar in the picture
    page.wait_for_timeout(500)
    app.screenshot("landscape")
