"""Bounded records of a run: metrics per epoch and weight snapshots.

A run may last a million epochs, so nothing here grows without bound. A
:class:`DecimatingLog` keeps rows at epochs that are multiples of a *stride*. When it
is full it drops every other row and doubles the stride: memory stays fixed, the whole
run stays covered evenly, and epoch 0 is always kept. Recent epochs are never lost
for display, because the trainer also keeps its latest metrics apart.
"""

from __future__ import annotations

import copy

import numpy as np

METRICS = ("train_loss", "test_loss", "train_acc", "test_acc")


class DecimatingLog:
    """Rows of ``width`` floats recorded at epochs that are multiples of ``stride``.

    Parameters
    ----------
    width : int
        Number of values per row.
    capacity : int
        Maximum number of rows kept (even, at least 4).
    """

    def __init__(self, width: int, capacity: int = 2048, dtype=np.float64):
        self.capacity = max(4, int(capacity) // 2 * 2)
        self._epochs = np.zeros(self.capacity, np.int64)
        self._rows = np.zeros((self.capacity, width), dtype)
        self.n = 0
        self.stride = 1
        self._last = -1  # the last recorded epoch, as a Python int (checked at every add)

    def wants(self, epoch: int) -> bool:
        """Whether a row for ``epoch`` would be kept."""
        return epoch % self.stride == 0

    def add(self, epoch: int, row) -> None:
        """Record ``row`` for ``epoch`` if the stride keeps it (epochs must increase)."""
        if epoch % self.stride:
            return
        n = self.n
        if n and epoch <= self._last:
            self._rows[n - 1] = row  # same epoch again (e.g. after an edit): overwrite
            return
        if n == self.capacity:
            keep = self._epochs[:n] % (2 * self.stride) == 0
            n = self.n = int(keep.sum())
            self._epochs[:n] = self._epochs[:self.capacity][keep]
            self._rows[:n] = self._rows[:self.capacity][keep]
            self.stride *= 2
            if epoch % self.stride:
                return
        self._epochs[n] = self._last = epoch
        self._rows[n] = row
        self.n = n + 1

    @property
    def epochs(self) -> np.ndarray:
        """Recorded epochs, increasing, shape (n,). A view: copy to keep."""
        return self._epochs[: self.n]

    @property
    def rows(self) -> np.ndarray:
        """Recorded rows, shape (n, width). A view: copy to keep."""
        return self._rows[: self.n]

    def at_or_before(self, epoch: int):
        """``(epoch, row)`` of the last record at or before ``epoch`` (None if none)."""
        i = int(np.searchsorted(self.epochs, epoch, side="right")) - 1
        return None if i < 0 else (int(self._epochs[i]), self._rows[i])

    def truncate(self, epoch: int) -> None:
        """Drop the rows recorded after ``epoch`` (keep those at epochs <= ``epoch``)."""
        self.n = int(np.searchsorted(self.epochs, epoch, side="right"))
        self._last = int(self._epochs[self.n - 1]) if self.n else -1

    @property
    def width(self) -> int:
        """Values per row."""
        return self._rows.shape[1]

    def state(self) -> dict:
        """What the log holds, copied: ``stride``, ``last`` (the last epoch recorded, -1
        if none: a row for it is overwritten, not added), ``epochs`` (n,) and ``rows``
        (n, width)."""
        return {"stride": self.stride, "last": self._last, "epochs": self.epochs.copy(),
                "rows": self.rows.copy()}

    def load_state(self, state: dict) -> None:
        """Hold what a :meth:`state` (of a log of this width and capacity) held.

        Raises
        ------
        ValueError
            If it does not fit: more rows than the capacity, or rows of another width.
        """
        epochs, rows = np.asarray(state["epochs"]), np.asarray(state["rows"])
        n = len(epochs)
        if n > self.capacity or rows.shape != (n, self.width) or epochs.ndim != 1:
            raise ValueError(f"load_state: at most {self.capacity} rows of {self.width} "
                             f"values, one per epoch; got {rows.shape} for {n} epochs")
        self._epochs[:n], self._rows[:n] = epochs, rows
        self.n, self.stride, self._last = n, int(state["stride"]), int(state["last"])

    def copy(self, upto: int | None = None) -> DecimatingLog:
        """An independent copy, of the rows at epochs ``<= upto`` if given."""
        twin = copy.deepcopy(self)
        if upto is not None:
            twin.truncate(upto)
        return twin

    def nbytes(self) -> int:
        """Memory held by the log's buffers."""
        return self._epochs.nbytes + self._rows.nbytes


class History(DecimatingLog):
    """Training and test loss and accuracy (or R² for regression) over epochs.

    Columns are :data:`METRICS`; read them as attributes, e.g. ``history.train_loss``.
    """

    def __init__(self, capacity: int = 4096):
        super().__init__(len(METRICS), capacity)

    def __getattr__(self, name):
        if name in METRICS:
            return self.rows[:, METRICS.index(name)]
        raise AttributeError(name)

    def as_dict(self) -> dict[str, np.ndarray]:
        """Copies of every column plus ``"epoch"``."""
        out = {"epoch": self.epochs.copy()}
        out.update({m: self.rows[:, i].copy() for i, m in enumerate(METRICS)})
        return out
