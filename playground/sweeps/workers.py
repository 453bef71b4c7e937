"""A pool of worker processes that never runs your ``__main__`` again: :class:`WorkerPool`.

Python's own process pools start a worker in one of three ways, and none suits a sweep
called from anywhere. *spawn* and *forkserver* import the parent's ``__main__`` module
again in every worker (so that functions defined there unpickle): a plain script without
an ``if __name__ == "__main__":`` guard then calls the sweep again inside each worker, and
Python stops it ("An attempt has been made to start a new process before the current
process has finished its bootstrapping phase"), which breaks the pool. *fork* copies the
parent as it is, which is unsafe beside threads (a web server's, a notebook kernel's,
a progress bar's) and is not offered on Windows (nor the default on macOS).

So each worker here is a fresh interpreter (``sys.executable``, started by
:mod:`subprocess`, which is safe beside threads) that is given the parent's ``sys.path``
and then imports only what the calls it receives name, e.g.
``playground.sweeps.grid.train_runs``: never ``__main__``. A script, a notebook, the app
and a test all start it the same way. Calls travel pickled on the worker's stdin, and
answers come back on its stdout (a ``print`` inside a call goes to stderr instead).
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from concurrent.futures import BrokenExecutor, Executor, Future
from pathlib import Path

# what the worker runs first: the parent's import path, then the serving loop
_BOOT = ("import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
         "from playground.sweeps.workers import serve; serve()")


class WorkerPool(Executor):
    """A ``concurrent.futures.Executor`` over up to ``workers`` worker processes.

    A worker starts with the first call it takes and ends at :meth:`shutdown`; each
    serves one call at a time. Use it like any executor (``with WorkerPool(2) as pool:``).

    Parameters
    ----------
    workers : int
        The most processes running at once.
    """

    def __init__(self, workers: int):
        self.workers = max(1, int(workers))
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Run ``fn(*args, **kwargs)`` in a worker (all picklable, ``fn`` importable by
        its module's name)."""
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("this worker pool was shut down")
            self._calls.put((future, fn, args, kwargs))
            if len(self._threads) < self.workers:
                thread = threading.Thread(target=self._serve, name="worker-pool", daemon=True)
                self._threads.append(thread)
                thread.start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking calls; with ``cancel_futures`` drop those not started; with
        ``wait`` return once every worker process has ended."""
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        if cancel_futures:
            while True:
                try:
                    item = self._calls.get_nowait()
                except queue.Empty:
                    break
                if item is not None:
                    item[0].cancel()
        for _ in threads:
            self._calls.put(None)  # one stop sign per worker
        if wait:
            for thread in threads:
                thread.join()

    def _serve(self) -> None:
        """One worker: take calls until the stop sign, each in this thread's process."""
        process = None
        try:
            while (item := self._calls.get()) is not None:
                future, fn, args, kwargs = item
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    call = pickle.dumps((fn, args, kwargs))
                except Exception as err:  # noqa: BLE001 - not picklable: the caller's error
                    future.set_exception(err)
                    continue
                if process is None:
                    try:
                        process = _start()
                    except OSError as err:  # no interpreter to start: say so, go on
                        future.set_exception(err)
                        continue
                try:
                    _send(process.stdin, call)
                    answer = _receive(process.stdout)
                except (OSError, EOFError) as err:  # the worker died: the next call starts one
                    future.set_exception(_broken(_stop(process), err))
                    process = None
                    continue
                try:
                    ok, value = pickle.loads(answer)
                except Exception as err:  # noqa: BLE001 - e.g. a class this side lacks
                    ok, value = False, err
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        finally:
            _stop(process)


def _start() -> subprocess.Popen:
    """A worker, in this process's folder, with its import path (and, last, the folder
    this ``playground`` was imported from, should the path have lost it since)."""
    process = subprocess.Popen([sys.executable, "-c", _BOOT], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE)
    try:
        pickle.dump([*sys.path, str(Path(__file__).resolve().parents[2])], process.stdin)
        process.stdin.flush()
    except OSError:  # it could not start
        _stop(process)
        raise
    return process


def _send(stream, data: bytes) -> None:
    """One message: its length (8 bytes), then its pickled bytes."""
    stream.write(len(data).to_bytes(8, "little") + data)
    stream.flush()


def _receive(stream) -> bytes:
    """The next message's bytes (EOFError when the other side has closed)."""
    size = int.from_bytes(_exactly(stream, 8), "little")
    return _exactly(stream, size)


def _exactly(stream, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError("the other side closed the pipe")
    return data


def _stop(process: subprocess.Popen | None) -> int | None:
    """End a worker: it leaves its loop when its stdin closes (killed if it is stuck);
    its exit code."""
    if process is None:
        return None
    for stream in (process.stdin, process.stdout):
        try:
            stream.close()
        except OSError:
            pass
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
    return process.wait()


def _broken(code: int, err: Exception) -> BrokenExecutor:
    return BrokenExecutor(f"a worker process stopped answering ({err}; it ended with exit "
                          f"code {code}); its error, if any, is on stderr")


def serve() -> None:
    """The worker's loop: read a call from stdin, answer ``(True, result)`` or
    ``(False, exception)`` on stdout, until stdin closes (messages as :func:`_send`)."""
    calls = sys.stdin.buffer
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # prints go to stderr, not answers
    while True:
        try:
            call = _receive(calls)
        except EOFError:
            return
        try:
            fn, args, kwargs = pickle.loads(call)  # (fails on a function of __main__)
            answer = (True, fn(*args, **kwargs))
        except Exception as err:  # noqa: BLE001 - the caller's future raises it
            answer = (False, err)
        try:
            data = pickle.dumps(answer)
        except Exception as err:  # noqa: BLE001 - an answer that does not pickle
            data = pickle.dumps((False, RuntimeError(f"the answer could not be sent: {err}")))
        try:
            _send(answers, data)
        except BrokenPipeError:  # the pool's process has gone: nobody to answer
            return
