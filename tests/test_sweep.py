"""The sweep engine: every run of a sweep equals the same config trained alone by
Trainer, whatever mixes of shapes, optimizers and batch sizes the grid holds; the
stacked network; the executor path; progress, cancelling and bad grids."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import subprocess
import sys
import threading
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from playground import MLP, Config, SweepCancelled, Trainer, sweep
from playground.engine.stack import NetworkStack
from playground.sweeps.grid import grid_points, plan, point_config
from playground.sweeps.stack_trainer import StackTrainer
from playground.sweeps.workers import WorkerPool

ROOT = Path(__file__).resolve().parents[1]


def _alone(config: Config, epochs: int) -> Trainer:
    run = Trainer(config)
    run.step(epochs)
    return run


def _assert_same_as_alone(result, epochs):
    run = _alone(result.config, epochs)
    assert result.epoch == run.epoch
    assert (result.diverged is None) == (run.diverged is None)
    for name, value in run.metrics.items():  # within 1e-6 relative...
        assert result.metrics[name] == pytest.approx(value, rel=1e-6, abs=1e-12), name
    # ...and, the computation being the same, bit for bit
    assert np.array_equal(result.params, run.network.params)
    assert np.array_equal(result.history.epochs, run.history.epochs)
    assert np.array_equal(result.history.rows, run.history.rows, equal_nan=True)


MIXED = [
    # shapes x optimizers x batch sizes on the default circle
    (Config(), {"hidden": [(4, 2), (3,), ()], "optimizer": ["sgd", "adam", "momentum"],
                "batch_size": [10, 250]}, None),
    # learning rates x init seeds, one shape: one stack, a shuffling per seed
    (Config(), {"learning_rate": [0.003, 0.03, 0.3, 3.0]}, 3),
    # softmax, L1 and L2 side by side, inits
    (Config(dataset="spiral", n_classes=3, hidden=(6,), optimizer="momentum"),
     {"regularization": ["none", "l1", "l2"], "reg_rate": [0.001, 0.01],
      "init": ["xavier", "uniform"]}, None),
    # regression, ReLU, float32, a batch size that leaves a short last batch
    (Config(dataset="plane", activation="relu", init="he", dtype="float32", batch_size=32),
     {"learning_rate": [0.01, 0.1], "noise": [0.0, 0.2]}, 2),
]


@pytest.mark.parametrize("base,grid,seeds", MIXED)
def test_every_run_equals_the_same_config_trained_alone(base, grid, seeds):
    epochs = 25
    results = sweep(base, grid, epochs, seeds=seeds, workers=1)
    assert len(results) == len(grid_points(grid, seeds))
    for i, result in enumerate(results):
        assert result.index == i
        assert result.config == point_config(base, result.point)
        _assert_same_as_alone(result, epochs)


def test_a_diverging_run_stops_where_a_lone_run_stops_and_the_others_go_on():
    base = Config(dataset="plane", hidden=(4,))
    results = sweep(base, {"learning_rate": [0.03, 10.0]}, 60, workers=1)
    assert results[0].diverged is None and results[0].epoch == 60
    assert results[1].diverged and results[1].epoch < 60
    assert np.isfinite(results[1].params).all()
    for result in results:
        _assert_same_as_alone(result, 60)


def test_many_epochs_decimate_the_history_as_a_lone_run_does():
    result = sweep(Config(batch_size=250), {"learning_rate": [0.1, 0.3]}, 4100, workers=1)[1]
    assert result.history.stride == 2
    _assert_same_as_alone(result, 4100)


def test_the_stack_holds_each_network_in_mlp_layout_and_computes_its_forward_pass():
    nets = [MLP((2, 5, 3, 1), "tanh", "sigmoid", "xavier", seed=s) for s in range(4)]
    stack = NetworkStack(nets)
    for layers in (stack.layers, stack.grad_layers, stack.weights):
        for A in layers:
            assert A.base is not None  # a view
    stack.layers[1][2, 0, 1] = 0.5  # a view of params: the change is in row 2
    nets[2].layers[1][0, 1] = 0.5
    assert np.array_equal(stack.params[2], nets[2].params)
    X = np.random.default_rng(0).normal(size=(7, 2))
    Xa = np.vstack([X.T, np.ones(7)])
    z = stack.forward_pass(Xa, stack.buffers(7, backward=False))
    for k, net in enumerate(nets):
        assert np.allclose(z[k].T, net.logits(X), rtol=1e-14, atol=0)
    with pytest.raises(ValueError, match="one shape"):
        NetworkStack([nets[0], MLP((2, 4, 1))])


def test_stack_trainer_refuses_runs_that_cannot_share_a_stack():
    with pytest.raises(ValueError, match="share"):
        StackTrainer([Config(), Config(batch_size=20)])


def test_plan_groups_by_shape_and_gives_every_worker_a_share():
    configs = [Config(learning_rate=lr, hidden=h) for h in [(2,), (8,)]
               for lr in (0.01, 0.1, 1.0, 3.0)]
    pieces = plan(configs, workers=2)
    assert sorted(i for p in pieces for i in p) == list(range(8))
    for piece in pieces:
        assert len({configs[i].hidden for i in piece}) == 1
        assert len(piece) <= 4
    assert configs[pieces[0][0]].hidden == (8,)  # the costliest piece first
    assert len(plan(configs[:4], workers=2)) == 2


def test_the_executor_path_gives_the_same_runs_and_reports_progress():
    base, grid = Config(hidden=(3,)), {"learning_rate": [0.01, 0.1, 1.0], "batch_size": [10, 50]}
    here = sweep(base, grid, 20, workers=1)
    seen = []
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        there = sweep(base, grid, 20, executor=pool,
                      progress=lambda done, total, run: seen.append((done, total, run.index)))
    assert [d for d, _, _ in seen] == list(range(1, 7)) and {t for _, t, _ in seen} == {6}
    assert sorted(i for _, _, i in seen) == list(range(6))
    for a, b in zip(here, there, strict=True):
        assert a.point == b.point and a.config == b.config
        assert np.array_equal(a.params, b.params)
        assert np.array_equal(a.history.rows, b.history.rows)


def _children() -> list[int]:
    """The processes this one started that still exist (zombies included)."""
    me, found = str(os.getpid()), []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # not a process, or it just ended
            continue
        if stat.rsplit(")", 1)[1].split()[1] == me:  # the field after the state: ppid
            found.append(int(entry.name))
    return found


def test_the_default_pool_spreads_the_work_and_leaves_no_process_behind():
    grid = {"learning_rate": [0.01, 0.1], "hidden": [(2,), (4,)]}
    before = _children()
    results = sweep(Config(), grid, 10, workers=2)
    assert [r.index for r in results] == [0, 1, 2, 3]
    _assert_same_as_alone(results[3], 10)
    assert multiprocessing.active_children() == []
    assert _children() == before


def _run_script(code: str, tmp_path: Path) -> str:
    """Run ``code`` as a plain script file (no main guard) in a fresh interpreter, from
    the project's folder; its output."""
    script = tmp_path / "example.py"
    script.write_text(code)
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert "bootstrapping" not in done.stderr
    return done.stdout


def _digest(params) -> str:
    return hashlib.sha256(np.ascontiguousarray(params).tobytes()).hexdigest()


def test_the_readme_example_runs_as_a_plain_script_with_its_sweep_in_worker_processes(
        tmp_path):
    code = re.search(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    assert "playground.sweep(" in code and "__main__" not in code
    check = ("\nimport hashlib, multiprocessing\n"
             "for r in runs:\n"
             "    print('run', r.index, hashlib.sha256(r.params.tobytes()).hexdigest())\n")
    out = _run_script(code + check, tmp_path)
    digests = dict(line.split()[1:] for line in out.splitlines() if line.startswith("run "))
    assert len(digests) == 12  # 3 learning rates x 2 shapes x 2 seeds, in several processes
    cfg = Config(dataset="xor", hidden=(8, 8))
    here = sweep(cfg, {"learning_rate": [0.01, 0.1, 1], "hidden": [(4,), (8, 8)]}, 300,
                 seeds=2, workers=1)  # in this process: the same runs, bit for bit
    assert digests == {str(r.index): _digest(r.params) for r in here}


@pytest.mark.parametrize("how", ["-c", "thread"])
def test_a_sweep_works_from_code_without_a_file_and_beside_a_thread(how, tmp_path):
    sweep_code = ("from playground import Config, sweep\n"
                  "runs = sweep(Config(), {'hidden': [(2,), (3,)]}, 5, workers=2)\n"
                  "print([r.epoch for r in runs])\n")
    if how == "-c":  # as a notebook's cell: a __main__ without a file
        done = subprocess.run([sys.executable, "-c", sweep_code], cwd=tmp_path, timeout=300,
                              capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, done.stderr
        out = done.stdout
    else:  # another thread alive, as in a kernel or a server: fork would be unsafe
        out = _run_script("import threading\nstop = threading.Event()\n"
                          "threading.Thread(target=stop.wait, daemon=True).start()\n"
                          + sweep_code + "stop.set()\n", tmp_path)
    assert out.strip() == "[5, 5]"


def test_the_worker_pool_answers_errors_and_survives_a_worker_that_dies():
    with WorkerPool(1) as pool:
        assert pool.submit(print, "a print does not garble the answers").result() is None
        with pytest.raises(ZeroDivisionError):
            pool.submit(divmod, 1, 0).result()
        with pytest.raises(BrokenExecutor, match="exit code 3"):
            pool.submit(os._exit, 3).result()
        assert pool.submit(pow, 2, 10).result() == 1024  # a new worker takes over
        with pytest.raises(TypeError):
            pool.submit(pow, threading.Lock()).result()  # cannot be sent: said at once
    with pytest.raises(RuntimeError, match="shut down"):
        pool.submit(pow, 2, 2)


def test_cancel_stops_the_sweep_with_the_runs_finished_so_far():
    cancel = threading.Event()
    grid = {"hidden": [(2,), (3,), (4,), (5,)]}
    with pytest.raises(SweepCancelled) as info:
        sweep(Config(), grid, 10, workers=1, cancel=cancel,
              progress=lambda done, total, run: cancel.set())
    assert len(info.value.results) == 1
    assert info.value.results[0].epoch == 10


@pytest.mark.parametrize("grid,seeds,message", [
    ({"learnig_rate": [0.1]}, None, "not a setting"),
    ({"learning_rate": []}, None, "list of values"),
    ({"learning_rate": [0.1, 99.0]}, None, "learning_rate"),
    ({"dataset": "circle"}, None, "list of values"),
    ({"init_seed": [1, 2]}, 2, "not both"),
    ({"learning_rate": [0.1]}, [], "at least one"),
])
def test_a_bad_grid_says_what_is_wrong(grid, seeds, message):
    with pytest.raises(ValueError, match=message):
        sweep(Config(), grid, 5, seeds=seeds, workers=1)


def test_results_draw_their_regions_as_a_lone_run_would():
    result = sweep(Config(hidden=(5,)), {"learning_rate": [0.1]}, 30, workers=1)[0]
    run = _alone(result.config, 30)
    xs, out = result.predict_grid(20)
    xs2, out2, _ = run.predict_grid(20)
    assert np.array_equal(xs, xs2)
    assert np.allclose(out, out2, rtol=1e-12, atol=1e-15)
    assert point_config(Config(), {"hidden": 8}).hidden == (8,)


def test_a_sweep_on_your_own_points_equals_lone_runs_on_them():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 2)) * [30.0, 0.5] + [100.0, -2.0]  # in the data's own units
    y = (X[:, 0] - 100.0 > 0).astype(int)
    results = sweep(Config(hidden=(3,)), {"learning_rate": [0.03, 0.3]}, 20, seeds=2,
                    workers=2, data=(X, y))
    assert [r.config.dataset for r in results] == ["own"] * 4
    for result in results:
        run = Trainer(result.config, data=(X, y))
        run.step(20)
        assert np.array_equal(result.params, run.network.params)
        assert np.array_equal(result.history.rows, run.history.rows)


def test_a_sweep_on_a_dask_cluster_equals_the_local_sweep():
    """The README's cluster recipe on a real (local) Dask cluster: worker processes on
    127.0.0.1, reached through the scheduler's address as a remote one would be."""
    distributed = pytest.importorskip("dask.distributed")
    base, grid = Config(hidden=(3,)), {"learning_rate": [0.01, 0.1, 1.0], "hidden": [(3,), (5,)]}
    here = sweep(base, grid, 20, seeds=2, workers=1)
    seen = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster.scheduler_address) as client:
        there = sweep(base, grid, 20, seeds=2, executor=client.get_executor(), workers=2,
                      progress=lambda done, total, run: seen.append(run.index))
        ran_on = client.run(os.getpid)  # the workers are processes of their own
    assert len(ran_on) == 2 and os.getpid() not in ran_on.values()
    assert sorted(seen) == list(range(12))
    for a, b in zip(here, there, strict=True):
        assert a.point == b.point and a.config == b.config and a.index == b.index
        assert np.array_equal(a.params, b.params)
        assert np.array_equal(a.history.rows, b.history.rows)
