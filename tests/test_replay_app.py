"""Replay and run files in the app (Streamlit AppTest): the scrubber, Continue from
here, at= in the URL, opening run files (good, tampered, too big for the controls),
the download of the run and the GIF."""

import io
from pathlib import Path

import numpy as np
from conftest import button, run_app
from PIL import Image

from playground import Config, Trainer, read_csv
from playground.ui.playground_page.run_files import run_text
from playground.ui.playground_page.view_state import View
from playground.ui.server.session import RunGuard

ROOT = Path(__file__).resolve().parents[1]


def _slider(at):
    return next(s for s in at.select_slider if s.key.startswith("replay_slider_"))


def _epoch(at) -> int:
    return int(next(m.value for m in at.metric if m.label == "Epoch").replace(",", ""))


def test_at_in_the_url_trains_to_that_epoch_and_scrubbing_shows_earlier_ones():
    at = run_app({"at": "40"})
    run = at.session_state["playground"].trainer
    assert run.epoch == 40 and _epoch(at) == 40
    assert _slider(at).value == 40 and _slider(at).options[0] == "epoch 0"
    loss_40 = next(m.value for m in at.metric if m.label == "Training loss")
    _slider(at).set_value(10).run()
    assert _epoch(at) == 10 and at.query_params["at"] == "10"
    loss_10 = next(m.value for m in at.metric if m.label == "Training loss")
    expected = run.metrics_of(run.params_at(10)[1])["train_loss"]
    assert loss_10 == f"{expected:.4f}" != loss_40
    assert run.epoch == 40  # the run itself did not move
    assert not at.exception


def test_continue_from_here_branches_and_says_what_was_dropped():
    at = run_app({"at": "40"})
    _slider(at).set_value(12).run()
    button(at, "replay_continue").click().run()
    run = at.session_state["playground"].trainer
    assert run.epoch == 12 and run.history.epochs[-1] == 12
    assert any("Continuing from epoch 12" in i.value and "28 later epochs" in i.value
               for i in at.info)
    assert "at" not in at.query_params
    button(at, "step").click().run()
    assert _epoch(at) == 13


def test_step_after_scrubbing_shows_the_latest_again():
    at = run_app({"at": "30"})
    _slider(at).set_value(5).run()
    assert _epoch(at) == 5
    button(at, "step").click().run()
    assert _epoch(at) == 31 and "at" not in at.query_params


def test_no_scrubber_at_epoch_0_or_when_hidden():
    assert not [s for s in run_app().select_slider if s.key.startswith("replay_slider")]
    assert not [s for s in run_app({"at": "20", "hide": "at"}).select_slider
                if s.key.startswith("replay_slider")]


def test_a_bad_at_falls_back_with_a_notice():
    at = run_app({"at": "soon"})
    assert at.session_state["playground"].trainer.epoch == 0
    assert any("at: 'soon' is not an epoch" in w.value for w in at.warning)
    assert View.from_query({"at": "1,200"})[0].at == 1200


def _upload(at, name: str, data: bytes):
    box = next(u for u in at.file_uploader if u.key.startswith("run_upload_"))
    return box.set_value((name, data, "application/json")).run()


def test_opening_a_run_file_restores_settings_weights_and_curves():
    saved = Trainer(dataset="xor", hidden=(6, 3), optimizer="adam", learning_rate=0.01)
    saved.step(70)
    at = run_app()
    _upload(at, "xor.json", saved.to_json().encode())
    run = at.session_state["playground"].trainer
    assert run.config == saved.config and run.epoch == 70
    np.testing.assert_array_equal(run.network.params, saved.network.params)
    np.testing.assert_array_equal(run.history.rows, saved.history.rows)
    assert at.session_state["w_dataset"] == "xor" and at.session_state["w_optimizer"] == "adam"
    assert at.query_params["dataset"] == "xor" and at.query_params["hidden"] == "6,3"
    assert any("Opened 'xor.json': Exclusive or, epoch 70" in s.value for s in at.success)
    assert _epoch(at) == 70 and _slider(at).value == 70
    button(at, "step").click().run()
    button(at, "step").click().run()
    assert run.epoch == 72
    saved.step(2)  # both went on the same way
    np.testing.assert_array_equal(run.network.params, saved.network.params)


def test_a_bad_run_file_shows_why_and_keeps_the_run():
    at = run_app({"at": "25"})
    before = at.session_state["playground"].trainer
    params = before.network.params.copy()
    good = Trainer(dataset="spiral").to_json()
    cases = {
        "cut.json": good[:1000].encode(),
        "edited.json": good.replace('"dataset":"spiral"', '"dataset":"xor"').encode(),
        "photo.json": b"\x89PNG\r\n\x1a\n" + bytes(300),
        "other.json": b'{"weights": [1, 2, 3]}',
    }
    for name, data in cases.items():
        _upload(at, name, data)
        assert at.session_state["playground"].trainer is before
        assert any(f"Could not open {name!r}" in e.value and "unchanged" in e.value
                   for e in at.error), name
        assert not at.exception
    np.testing.assert_array_equal(before.network.params, params)
    assert before.epoch == 25 and at.session_state["w_dataset"] == "circle"


def test_a_run_beyond_the_controls_is_refused():
    at = run_app()
    big = Trainer(hidden=(8,) * 8, n_samples=50)
    _upload(at, "deep.json", big.to_json().encode())
    assert at.session_state["playground"].trainer.config.hidden == (4, 2)
    assert any("beyond what the app's controls show" in e.value for e in at.error)


def test_the_download_is_the_run_file_and_the_gif_comes_with_a_download():
    at = run_app({"at": "30"})
    assert any(b.key == "run_download" for b in at.get("download_button"))
    run, guard = at.session_state["playground"].trainer, RunGuard()
    again = Trainer.from_json(run_text(guard, run))
    np.testing.assert_array_equal(again.network.params, run.network.params)
    button(at, "gif_make").click().run()
    gif = at.session_state["playground"].gif[1]
    im = Image.open(io.BytesIO(gif))
    assert im.format == "GIF" and im.n_frames == 31  # epochs 0..30
    labels = [b.label for b in at.get("download_button")]
    assert any(label.startswith("Download the GIF (") for label in labels)


def test_an_edit_while_scrubbed_shows_the_latest_again():
    at = run_app({"at": "30"})
    _slider(at).set_value(4).run()
    assert _epoch(at) == 4
    button(at, "edit_open_button").click().run()  # View menu: Edit a weight or bias
    at.number_input(key="edit_value").set_value(1.5).run()
    button(at, "edit_apply").click().run()
    assert at.session_state["playground"].trainer.edits[-1].new == 1.5
    assert _epoch(at) == 30 and "at" not in at.query_params


def test_opening_a_run_on_own_points_brings_the_points_back():
    X, y = read_csv(ROOT / "examples" / "petals.csv")
    saved = Trainer(Config(hidden=(5,)), data=(X, y))
    saved.step(15)
    at = run_app()
    _upload(at, "petals-run.json", saved.to_json().encode())
    run = at.session_state["playground"].trainer
    assert run.config.dataset == "own" and run.epoch == 15 and not at.exception
    np.testing.assert_array_equal(run.points.X, saved.points.X)
    np.testing.assert_array_equal(run.network.params, saved.network.params)
    assert at.session_state["w_dataset"] == "own" and at.query_params["dataset"] == "own"
    button(at, "step").click().run()
    saved.step(1)
    np.testing.assert_array_equal(run.network.params, saved.network.params)
