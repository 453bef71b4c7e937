"""Your own data in the app (AppTest): upload, a bad file that changes nothing, a file
with more columns, links that carry the points, and a set too big for a link."""

from __future__ import annotations

import numpy as np
from conftest import ROOT, button, run_app

from playground.data.csv_data import to_csv
from playground.data.points import MAX_LINK_POINTS, Points, decode_points, encode_points

PETALS = (ROOT / "examples" / "petals.csv").read_bytes()


def _query(at, key):
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def _upload(at, name, data):
    next(u for u in at.get("file_uploader") if u.key.startswith("own_upload")).set_value(
        (name, data, "text/csv"))
    return at.run()


def test_upload_trains_on_the_file_and_the_link_carries_it():
    at = _upload(run_app(), "petals.csv", PETALS)
    assert not at.exception
    run = at.session_state.playground.trainer
    assert run.config.dataset == "own" and run.config.n_classes == 3 and run.epoch == 0
    assert run.points.columns == ("petal_length_cm", "petal_width_cm", "species")
    assert any("180 points, 3 classes" in s.value for s in at.success)
    assert _query(at, "dataset") == "own"
    shared = decode_points(_query(at, "points"))
    assert len(shared) == 180 and shared.classes == run.points.classes
    noise = next(s for s in at.slider if s.key == "w_noise")
    assert noise.disabled
    assert any("scaled into" in c.value for c in at.caption)
    assert next(d for d in at.selectbox if d.key == "w_dataset").format_func(
        "own") == "Your data (180 points)"


def test_a_bad_file_keeps_the_previous_data_and_run():
    at = run_app({"dataset": "xor"})
    for _ in range(3):
        button(at, "step").click()
        at.run()
    run = at.session_state.playground.trainer
    params = run.network.params.copy()
    assert run.epoch == 3
    for name, data, words in (("p.csv", b"\x1f\x8b\x08\x00junk", "gzip"),
                              ("nan.csv", b"1,2,0\n" * 11 + b"nan,1,0\n", "Row 12, column "),
                              ("one.csv", b"1,2,0\n" * 12, "single class")):
        at = _upload(at, name, data)
        assert not at.exception
        errors = " ".join(e.value for e in at.error)
        assert name in errors and words in errors and "unchanged" in errors
        assert at.session_state.playground.trainer is run and run.epoch == 3
        assert run.config.dataset == "xor"
        np.testing.assert_array_equal(run.network.params, params)


def test_a_wide_file_asks_for_its_columns():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    text = "id,a,b,kind\n" + "".join(f"{i},{float(X[i, 0])!r},{float(X[i, 1])!r},"
                                     f"{'pq'[i % 2]}\n" for i in range(30))
    at = _upload(run_app(), "wide.csv", text.encode())
    assert at.session_state.playground.trainer.config.dataset == "circle"
    assert any("4 columns" in i.value for i in at.info)
    pick = {s.key: s for s in at.selectbox if s.key and s.key.startswith("own_col")}
    pick["own_col_x1"].set_value("a")
    pick["own_col_x2"].set_value("b")
    pick["own_col_label"].set_value("kind")
    at.run()
    button(at, "own_use_cols").click()
    at.run()
    run = at.session_state.playground.trainer
    assert run.config.dataset == "own" and run.points.classes == ("p", "q")
    np.testing.assert_array_equal(run.points.X, X)


def test_a_link_opens_its_points_and_a_damaged_one_says_so():
    p = Points.fit([[0, 0], [1, 2], [2, 1], [3, 3]], [0, 1, 1, 0], ("a", "b"))
    at = run_app({"dataset": "own", "points": encode_points(p), "learning_rate": "0.1"})
    run = at.session_state.playground.trainer
    assert run.config.dataset == "own" and run.config.learning_rate == 0.1
    np.testing.assert_allclose(run.points.X, p.X, atol=1e-4)
    assert not at.warning
    for query in ({"dataset": "own", "points": "garbage!"}, {"dataset": "own"}):
        at = run_app(query)
        assert not at.exception
        assert at.session_state.playground.trainer.config.dataset == "circle"
        assert "your own points could not be opened" in at.warning[0].value


def test_a_set_too_big_for_a_link_says_so():
    rng = np.random.default_rng(1)
    n = MAX_LINK_POINTS + 50
    X, y = rng.normal(size=(n, 2)), rng.integers(0, 2, n)
    at = _upload(run_app(), "big.csv", to_csv(X, y, ("0", "1")).encode())
    assert at.session_state.playground.trainer.config.dataset == "own"
    assert "points" not in at.query_params
    assert any("not these" in c.value for c in at.caption)


def test_draw_tools_start_from_the_data_add_a_class_and_clear():
    at = run_app({"dataset": "moons", "n_samples": "300"})
    next(t for t in at.toggle if t.key == "own_draw").set_value(True)
    at.run()
    assert at.session_state.playground.trainer.config.dataset == "moons"
    assert any("training starts with 2" in c.value for c in at.caption)
    button(at, "own_start").click()
    at.run()
    run = at.session_state.playground.trainer
    assert run.config.dataset == "own" and len(run.points) == 300
    np.testing.assert_allclose(run.points.to_square(run.points.X), run.points.X, atol=1e-12)
    assert len(decode_points(_query(at, "points"))) == 300
    button(at, "own_add_class").click()
    at.run()
    assert at.session_state.playground.trainer.points.classes == ("0", "1", "2")
    assert at.session_state.own_tool == 2  # the new class is picked
    button(at, "own_clear").click()
    at.run()
    assert len(at.session_state.playground.own.draft) == 0
    assert len(at.session_state.playground.trainer.points) == 300  # the run waits for 2 new points
    assert not at.exception


def test_the_code_view_holds_your_points():
    at = _upload(run_app(), "petals.csv", PETALS)
    button(at, "code_open").click()
    at.run()
    assert not at.exception
    script = at.code[0].value
    assert "POINTS = np.array(" in script and "your own data (180 points" in script


def test_a_refused_file_leaves_the_uploader_empty_beside_the_data_in_use():
    at = run_app({"dataset": "xor"})
    at = _upload(at, "one.csv", b"1,2,0\n" * 12)
    assert "one.csv was not used" in at.error[0].value
    uploaders = [u for u in at.get("file_uploader") if u.key.startswith("own_upload")]
    assert len(uploaders) == 1 and not uploaders[0].value  # not named beside the xor data
    assert at.session_state.playground.trainer.config.dataset == "xor"
    at = _upload(at, "petals.csv", PETALS)  # the next file is read as usual
    assert at.session_state.playground.trainer.config.dataset == "own"


def test_a_wide_file_suggests_its_columns_in_boxes_one_a_row():
    rng = np.random.default_rng(4)
    text = "id,height,weight,age,sex\n" + "".join(
        f"{i + 1},{rng.normal(170, 9):.1f},{rng.normal(70, 12):.1f},{rng.integers(18, 80)},"
        f"{'fm'[i % 2]}\n" for i in range(40))
    at = _upload(run_app(), "people.csv", text.encode())
    pick = {s.key: s for s in at.selectbox if s.key and s.key.startswith("own_col")}
    assert (pick["own_col_x1"].value, pick["own_col_x2"].value,
            pick["own_col_label"].value) == ("height", "weight", "sex")
    button(at, "own_use_cols").click()
    at.run()
    run = at.session_state.playground.trainer
    assert run.config.dataset == "own" and run.points.classes == ("f", "m")
    assert run.points.columns == ("height", "weight", "sex")
