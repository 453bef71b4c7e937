"""A session's run shared by overlapping script threads: the lock, the tickets, the pace."""

import threading

import numpy as np

from playground import Trainer
from playground.ui.server.session import Pace, RunGuard, train_for


def test_two_threads_training_one_run_equal_a_serial_run():
    # Streamlit may start a rerun's thread before the old one stops: both then reach the
    # same Trainer. Under the guard, their epochs interleave but never overlap, so the run
    # equals one that trained the same number of epochs alone.
    shared, guard = Trainer(), RunGuard()
    counts = [0, 0]

    def thread(i):
        for _ in range(40):
            counts[i] += train_for(guard, guard.claim(), shared, 0.002, max_epochs=3)

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    serial = Trainer()
    serial.step(sum(counts))
    assert shared.epoch == serial.epoch == sum(counts) > 0
    assert np.array_equal(shared.network.params, serial.network.params)
    assert shared.metrics == serial.metrics


def test_reset_and_updates_from_another_thread_never_break_a_training_one():
    # the faces of the race: Reset replaced the page with AttributeError, an update mid-
    # epoch raised "WRITEBACKIFCOPY base is read-only"
    run, guard, errors = Trainer(), RunGuard(), []
    stop = threading.Event()

    def trainer_thread():
        try:
            while not stop.is_set():
                train_for(guard, guard.claim(), run, 0.01)
        except Exception as err:  # noqa: BLE001 - the test reports any failure
            errors.append(err)

    t = threading.Thread(target=trainer_thread)
    t.start()
    try:
        for i in range(30):
            guard.claim()
            with guard.lock:
                if i % 3 == 0:
                    run.reset()
                else:
                    run.update(run.config.replace(learning_rate=0.01 * (1 + i % 5),
                                                  batch_size=5 + i % 7))
    finally:
        stop.set()
        t.join()
    assert not errors
    assert np.isfinite(run.network.params).all()


def test_an_older_run_gives_way_to_a_newer_one():
    run, guard = Trainer(), RunGuard()
    done = []
    old = guard.claim()
    t = threading.Thread(target=lambda: done.append(train_for(guard, old, run, 30.0)))
    t.start()
    while run.epoch == 0:  # training has started
        pass
    guard.claim()  # a newer script run starts (a click on Pause)
    t.join(timeout=10)  # far less than the 30 s the old run was allowed
    assert not t.is_alive() and done[0] > 0
    with guard.lock:  # and the newer run gets the lock
        epoch = run.epoch
    assert epoch == done[0]


def test_pace_trains_one_epoch_at_once_then_keeps_the_rate():
    pace = Pace(10, now=100.0, epoch=0)
    assert pace.due(100.0, 0) == 1  # Play shows a change right away
    assert pace.due(100.05, 1) == 0
    assert pace.due(100.1, 1) == 1  # one every 0.1 s
    assert pace.due(100.35, 2) == 2
    assert pace.due(100.35, 4) == 0


def test_pace_does_not_burst_after_falling_behind():
    pace = Pace(100, now=0.0, epoch=0)
    assert pace.due(0.0, 0) == 1
    assert pace.due(10.0, 1) == 100  # 10 s late: at most a second's worth
    assert pace.due(10.0, 101) == 0  # and on schedule from there
    assert pace.due(10.1, 101) == 10
