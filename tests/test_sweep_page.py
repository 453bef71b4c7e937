"""The Sweep page through Streamlit's AppTest, its URL form (SweepSpec), the background
job (real threads and processes) and the figures it draws."""

from __future__ import annotations

import multiprocessing
import time

import numpy as np
import pytest
from conftest import button, run_app

from playground import Config, sweep
from playground.figures.sweep_figures import curves_figure, loss_heatmap_figure, thumbnails_figure
from playground.ui.pages import SWEEP_SCRIPT
from playground.ui.sweep_page.job import SweepJob
from playground.ui.sweep_page.results import Layout, table_rows
from playground.ui.sweep_page.state import MAX_RUNS, PARAMS, SweepSpec, SweepState


def open_sweep(query=None, playground_query=None, workers=None):
    """The app opened on the playground (with ``playground_query``), then the Sweep page
    with ``query`` in the URL."""
    at = run_app(playground_query)
    for k in list(at.query_params):
        del at.query_params[k]
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if workers:
        at.session_state["sweep_page"] = SweepState(workers=workers)
    return at.switch_page(SWEEP_SCRIPT).run()


def wait_done(at, timeout=120.0):
    deadline = time.monotonic() + timeout
    while at.session_state["sweep_page"].job.running:
        assert time.monotonic() < deadline, "the sweep did not finish"
        time.sleep(0.3)
        at.run()
    return at.run()


# ---------------------------------------------------------------------- the page
def test_run_trains_the_grid_fills_in_the_results_and_puts_the_sweep_in_the_url():
    at = open_sweep({"x_values": "0.03,0.3", "y": "batch_size", "y_values": "10,250",
                     "epochs": "40"})
    assert not at.exception
    assert "4 runs" in at.markdown[0].value
    button(at, "sw_run").click().run()
    at = wait_done(at)
    assert not at.exception and not at.error
    assert any("done: 4 of 4 runs" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert len(table) == 4 and set(table["Batch size"]) == {10.0, 250.0}
    assert len(at.session_state["sweep_page"].thumbs) == 4
    # each row is the lone run of its config
    job = at.session_state["sweep_page"].job.snapshot()
    lone = sweep(Config(), {"learning_rate": [0.3], "batch_size": [250]}, 40, workers=1)[0]
    mine = next(r for r in job.results if r.config == lone.config)
    assert np.array_equal(mine.params, lone.params)
    assert at.query_params["y"] == "batch_size" and at.query_params["epochs"] == "40"
    assert at.session_state["sweep_page"].job.join(60)
    assert multiprocessing.active_children() == []  # the job's pool is gone


def test_the_sweep_varies_the_playgrounds_settings():
    at = open_sweep({"x": "width", "x_values": "2,3", "y": "none", "epochs": "5"},
                    playground_query={"dataset": "xor", "hidden": "5,5,5"}, workers=1)
    assert "xor" in at.sidebar.caption[0].value
    button(at, "sw_run").click().run()
    at = wait_done(at)
    runs = at.session_state["sweep_page"].job.snapshot().results
    assert sorted(r.config.hidden for r in runs) == [(2, 2, 2), (3, 3, 3)]
    assert all(r.config.dataset == "xor" for r in runs)
    assert at.query_params["dataset"] == "xor"  # a link reproduces the base too


def test_more_than_a_hundred_runs_is_refused_with_a_clear_message():
    at = open_sweep({"epochs": "10"})
    at.sidebar.number_input(key="sw_seeds").set_value(3).run()
    assert not at.exception
    assert f"more than the {MAX_RUNS}" in at.error[0].value
    assert "144 runs" in at.error[0].value
    assert not [b for b in at.button if b.key == "sw_run"]


@pytest.mark.parametrize("query", [
    {"x": "bogus"}, {"x_values": "0.1,banana"}, {"seeds": "-3"}, {"epochs": "1e9"},
    {"y": "learning_rate"}, {"x": "width", "x_values": "0,999"}, {"seeds": "8"},
])
def test_a_tampered_sweep_link_opens_the_defaults_with_a_notice(query):
    at = open_sweep(query)
    assert not at.exception
    assert "could not be used" in at.warning[0].value
    assert "runs" in at.markdown[0].value and [b for b in at.button if b.key == "sw_run"]


def test_opening_a_run_shows_it_in_the_playground_in_this_session():
    at = open_sweep({"x_values": "0.1,1", "y": "width", "y_values": "3,6", "epochs": "20"},
                    workers=1)
    old_guard = at.session_state["playground"].guard
    button(at, "sw_run").click().run()
    at = wait_done(at)
    best = at.selectbox(key="sw_open").value
    run = next(r for r in at.session_state["sweep_page"].job.snapshot().results if r.index == best)
    button(at, "sw_open_button").click().run()
    assert not at.exception
    assert at.session_state["playground"].trainer.config == run.config
    state = at.session_state["playground"]
    assert state.guard is old_guard
    # at its trained state: its epoch, weights and curves (not a fresh run at epoch 0)
    assert state.trainer.epoch == run.epoch == 20
    np.testing.assert_array_equal(state.trainer.network.params, run.params)
    np.testing.assert_array_equal(state.trainer.history.epochs, run.history.epochs)
    np.testing.assert_array_equal(state.trainer.history.test_loss, run.history.test_loss)
    assert at.metric[0].value == "20"  # the Epoch metric
    assert [b for b in at.button if b.key == "play"]  # the playground page
    assert at.number_input(key="w_width_0").value == run.config.hidden[0]
    assert Config.from_query(dict(at.query_params)) == run.config


def test_a_run_opened_from_a_sweep_page_opened_first_starts_at_its_trained_state():
    at = open_sweep({"x_values": "0.1,1", "y": "none", "epochs": "15"}, workers=1)
    del at.session_state["playground"]  # as if the Sweep page were the first one opened
    button(at, "sw_run").click().run()
    at = wait_done(at)
    run = next(r for r in at.session_state["sweep_page"].job.snapshot().results
               if r.index == at.selectbox(key="sw_open").value)
    button(at, "sw_open_button").click().run()
    assert not at.exception
    trainer = at.session_state["playground"].trainer
    assert trainer.config == run.config and trainer.epoch == 15
    np.testing.assert_array_equal(trainer.network.params, run.params)
    assert "playground_handed_over" not in at.session_state


def test_a_sweep_result_trains_again_into_the_very_run():
    runs = sweep(Config(hidden=(3,)), {"learning_rate": [0.03, 0.3]}, epochs=12, workers=1)
    for r in runs:
        trainer = r.trainer()
        assert trainer.epoch == r.epoch == 12
        np.testing.assert_array_equal(trainer.network.params, r.params)
        assert trainer.metrics == r.metrics


def test_cancel_stops_the_sweep_and_keeps_what_finished():
    at = open_sweep({"x": "width", "x_values": "1,2,4,8,16,32", "y": "learning_rate",
                     "y_values": "0.01,0.1,1", "epochs": "3000"})
    assert "18 runs" in at.markdown[0].value
    button(at, "sw_run").click().run()
    button(at, "sw_cancel").click().run()
    at = wait_done(at, timeout=180)
    assert at.session_state["sweep_page"].job.snapshot().status == "cancelled"
    assert any("cancelled after" in c.value for c in at.caption)
    assert at.session_state["sweep_page"].job.join(60)
    assert multiprocessing.active_children() == []


# ---------------------------------------------------------------------- the job
def test_a_job_trains_in_the_background_with_its_own_processes_and_ends_them():
    base, grid = Config(), {"learning_rate": [0.01, 0.1], "hidden": [(2,), (4,)]}
    job = SweepJob(base, grid, 30, None, 4, workers=2)
    assert job.join(120)
    state = job.snapshot()
    assert state.status == "done" and state.done == 4 and state.error is None
    assert multiprocessing.active_children() == []
    lone = sweep(base, grid, 30, workers=1)
    for run in state.results:
        assert np.array_equal(run.params, lone[run.index].params)


def test_a_job_that_fails_says_why():
    job = SweepJob(Config(), {"learning_rate": [99.0]}, 5, None, 1, workers=1)
    assert job.join(30)
    state = job.snapshot()
    assert state.status == "failed" and "learning_rate" in state.error


# ---------------------------------------------------------------------- URL form
def test_spec_round_trips_through_the_url_leaving_defaults_out():
    spec = SweepSpec(x="activation", x_values=("relu", "tanh"), y="reg_rate",
                     y_values=("0", "1e-3"), seeds=3, epochs=150)
    assert spec.y_values == ("0", "0.001")
    query = spec.to_query()
    assert query == {"x": "activation", "x_values": "relu,tanh", "y": "reg_rate",
                     "y_values": "0,0.001", "seeds": "3", "epochs": "150"}
    assert SweepSpec.from_query(query) == (spec, [])
    assert SweepSpec().to_query() == {}
    assert SweepSpec(x="width", y="none").x_values == PARAMS["width"].presets
    assert SweepSpec(x="width", y="none").to_query() == {"x": "width", "y": "none"}


def test_the_spec_grid_applies_each_setting_to_the_base():
    base, grid, seeds = SweepSpec(x="reg_rate", x_values=("0.01",), y="depth",
                                  y_values=("0", "2"), seeds=2).grid(Config(hidden=(5,)))
    assert base.regularization == "l2"  # a penalty rate needs a penalty
    assert grid == {"reg_rate": [0.01], "hidden": [(), (5, 5)]} and seeds == [0, 1]
    with pytest.raises(ValueError, match="both set the hidden layers"):
        SweepSpec(x="width", y="depth").grid(Config())
    with pytest.raises(ValueError, match="1 seed"):
        SweepSpec(x="init_seed", seeds=2, y_values=("1",)).grid(Config())


def test_layout_places_each_run_in_its_cell():
    spec = SweepSpec(x_values=("0.1", "1", "3"), y_values=("2", "4"), seeds=2, epochs=5)
    layout = Layout(spec)
    base, grid, seeds = spec.grid(Config())
    results = sweep(base, grid, 5, seeds=seeds, workers=1)
    for run in results:
        c, r, s = layout.place(run.index)
        assert run.config.learning_rate == float(spec.x_values[c])
        assert run.config.hidden[0] == int(spec.y_values[r]) and run.config.init_seed == s
    by_index = {r.index: r for r in results}
    mean = layout.mean_losses(by_index)
    assert mean[1, 2] == pytest.approx(np.mean([by_index[layout.run(2, 1, s)]
                                                .metrics["test_loss"] for s in (0, 1)]))
    table = table_rows(layout, results)
    assert table["run"] == list(range(1, 13)) and table["seed"][:2] == [0, 1]


# ---------------------------------------------------------------------- figures
def test_sweep_figures_show_every_cell_and_curve():
    spec = SweepSpec(x_values=("0.03", "3"), y_values=("1", "4"), epochs=20)
    layout = Layout(spec)
    base, grid, seeds = spec.grid(Config(init="normal"))
    results = sweep(base, grid, 20, seeds=seeds, workers=1)
    by_index = {r.index: r for r in results}
    images = [[f"img{r}{c}" for c in range(2)] for r in range(2)]
    losses = layout.losses(by_index)
    worst = np.unravel_index(np.nanargmax(losses), losses.shape)
    images[worst[0]][worst[1]] = None  # not trained yet
    fig = thumbnails_figure(images, losses, layout.cell_runs(), spec.x_values, spec.rows,
                            x_title="Learning rate", y_title="Hidden width",
                            hover=[["a", "b"], ["c", "d"]])
    assert len(fig["layout"]["images"]) == 3
    assert [d[0] for d in fig["data"][0]["customdata"]] == [0, 2, 1, 3]  # row by row
    assert fig["layout"]["yaxis"]["range"][0] > fig["layout"]["yaxis"]["range"][1]  # row 0 on top
    frames = [s["line"]["color"] for s in fig["layout"]["shapes"]]
    best = int(np.nanargmin(losses))
    assert frames[best] == "#1a9850"  # the lowest loss framed green
    heat = loss_heatmap_figure(layout.mean_losses(by_index), spec.x_values, spec.rows,
                               x_title="Learning rate", y_title="Hidden width")
    assert heat["data"][0]["z"].shape == (2, 2)
    curves = curves_figure(*layout.curves(by_index), title="t", group_title="Learning rate")
    assert len(curves["data"]) == 4 and sum(t["showlegend"] for t in curves["data"]) == 2


def test_a_sweep_of_your_own_points_keeps_them_in_its_link_and_opens_on_them():
    from playground.data.points import Points, decode_points, encode_points

    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(60, 2))
    points = Points.fit(X, (X[:, 0] * X[:, 1] > 0).astype(int))
    link = encode_points(points)
    at = open_sweep({"dataset": "own", "points": link, "x_values": "0.1,1", "y": "none",
                     "epochs": "10"}, workers=1)
    assert not at.warning and "own" in at.sidebar.caption[0].value
    assert at.query_params["points"] == link  # the sweep's link carries the points
    button(at, "sw_run").click().run()
    at = wait_done(at)
    runs = at.session_state["sweep_page"].job.snapshot().results
    assert len(runs) == 2 and all(r.config.dataset == "own" for r in runs)
    button(at, "sw_open_button").click().run()
    assert not at.exception
    trainer = at.session_state["playground"].trainer
    assert trainer.config.dataset == "own" and trainer.points is not None
    assert np.array_equal(trainer.points.X, decode_points(link).X)  # as the link has them
    assert at.query_params["points"] == link


def test_the_curves_can_be_coloured_by_the_rows_setting():
    at = open_sweep({"x_values": "0.1,1", "y": "width", "y_values": "2,3,5", "epochs": "5"},
                    workers=1)
    button(at, "sw_run").click().run()
    at = wait_done(at)
    spec = SweepSpec(x_values=("0.1", "1"), y_values=("2", "3", "5"), epochs=5)
    runs = {r.index: r for r in at.session_state["sweep_page"].job.snapshot().results}
    _, by_x, labels_x = Layout(spec).curves(runs)
    _, by_y, labels_y = Layout(spec).curves(runs, "y")
    assert labels_x == ["0.1", "1"] and labels_y == ["2", "3", "5"]
    assert sorted(set(by_x)) == [0, 1] and sorted(set(by_y)) == [0, 1, 2]
    control = at.get("button_group")[0]
    assert control.value == "x"
    control.set_value("y").run()
    assert not at.exception and at.session_state["sw_colour"] == "y"


def test_a_session_that_lets_go_of_its_sweep_cancels_it_and_its_processes_end():
    import gc

    from playground.ui.server.classroom import Classroom
    from playground.ui.sweep_page.job import Owner

    grid = {"hidden": [(32, 32), (31, 31), (30, 30), (29, 29)]}
    job = SweepJob(Config(), grid, 3000, None, 4, workers=2)
    state = {"sweep_page": SweepState(job=job, owner=Owner(job))}  # as the page keeps them
    room = Classroom()
    room.seat("gone", state, lambda sid: False, ttl=1.0)
    assert room.release_gone(lambda sid: False, 1.0, now=time.monotonic() + 5) == 1
    gc.collect()
    assert job.join(120)
    assert job.snapshot().status == "cancelled"
    assert multiprocessing.active_children() == []


def test_the_header_says_the_limit_beside_the_runs_and_the_curves_label_decades():
    at = open_sweep({"x_values": "0.03,0.3", "y": "batch_size", "y_values": "10,250",
                     "epochs": "300"})
    header = at.markdown[0].value
    assert header.startswith(f"**4 runs** (at most {MAX_RUNS}):")
    assert header.endswith("300 epochs each")
    epochs = np.arange(0, 300, 10)
    wide = [(epochs, np.geomspace(1.0, 0.01, len(epochs)), "a")]
    narrow = [(epochs, np.linspace(0.5, 0.2, len(epochs)), "a")]
    # over two decades only the powers of ten are labelled (not 2 and 5 in each)
    assert curves_figure(wide, [0], ["x"], title="t", group_title="g")[
        "layout"]["yaxis"]["dtick"] == 1
    assert "dtick" not in curves_figure(narrow, [0], ["x"], title="t", group_title="g")[
        "layout"]["yaxis"]
