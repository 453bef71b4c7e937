"""End-to-end in headless Chromium: the dataset thumbnails pick the dataset (by mouse
and by keyboard), and the diagram's + button adds a neuron. Screenshots go to
``artifacts/e2e-additions-*.png``."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

THUMB = "button.dp-option"


def _pressed(page) -> list[str]:
    return page.locator(f'{THUMB}[aria-pressed="true"]').evaluate_all(
        "buttons => buttons.map(b => b.getAttribute('aria-label'))")


def test_the_thumbnails_pick_the_dataset_by_mouse_and_keyboard(app):
    page = app.page
    page.locator(THUMB).first.wait_for(timeout=20_000)
    assert page.locator(THUMB).count() == 9
    assert _pressed(page) == ["Circle"]  # the current one, marked
    page.locator(f'{THUMB}[aria-label="Spiral"]').click()
    app.wait_query(dataset="spiral")
    app.wait_until(lambda: app.input_value("Dataset") == "Spiral", what="the Dataset box")
    app.wait_until(lambda: _pressed(page) == ["Spiral"], what="Spiral marked")
    page.locator(f'{THUMB}[aria-label="Exclusive or"]').focus()
    page.keyboard.press("Enter")
    app.wait_query(dataset="xor")
    page.keyboard.press("Tab")  # the next thumbnail: Gaussian (Space is the page's Play)
    page.keyboard.press("Enter")
    app.wait_query(dataset="gauss")
    app.wait_until(lambda: _pressed(page) == ["Gaussian"], what="Gaussian marked")
    app.screenshot("additions-thumbnails")


def test_the_diagrams_plus_button_adds_a_neuron(app):
    page = app.page
    buttons = page.locator('.np-plot[data-figure="network"] .scatterlayer .trace:nth-last-child(2) '
                           'path.point')
    app.wait_until(lambda: buttons.count() == 6, what="the diagram's + / − buttons")
    box = buttons.nth(1).bounding_box()  # hidden layer 1's +
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    app.wait_query(hidden="5,2")
    app.wait_until(lambda: app.input_value("Layer 1") == "5", what="the sidebar's Layer 1")
    app.screenshot("additions-plus")
