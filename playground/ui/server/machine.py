"""The machine the server runs on: how busy its CPUs are (the classroom's frame rate
follows it) and glibc's memory tunings (memory of ended sessions back to the system)."""

from __future__ import annotations

import ctypes


def _glibc(call: str, *args: int) -> None:
    """Call one of glibc's malloc tunings (on another C library: nothing to do)."""
    try:
        getattr(ctypes.CDLL("libc.so.6"), call)(*args)
    except (OSError, AttributeError):
        pass


def give_back_to_system() -> None:
    """Hand memory freed by released runs back to the system (glibc keeps freed
    blocks of many threads' arenas otherwise, and the process looks as big as ever)."""
    _glibc("malloc_trim", 0)


class MachineLoad:
    """How busy the machine's CPUs were since the last look (Linux: /proc/stat)."""

    def __init__(self, path: str = "/proc/stat"):
        self.path = path
        self._last = self._read()

    def _read(self) -> tuple[int, int] | None:
        try:
            with open(self.path, encoding="ascii") as f:
                ticks = [int(x) for x in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + waiting for I/O
        return sum(ticks), idle

    def busy(self) -> float | None:
        """Share of CPU time busy since the last call (0..1), or None if unknown."""
        now, last = self._read(), self._last
        self._last = now
        if now is None or last is None or now[0] <= last[0]:
            return None
        return 1.0 - (now[1] - last[1]) / (now[0] - last[0])


def fewer_arenas(arenas: int = 2) -> None:
    """Let glibc keep at most ``arenas`` malloc arenas: by default every script thread
    (one per session) may get its own, and memory freed in one is kept for it, so the
    process grows with the largest class it has seen."""
    _glibc("mallopt", -8, arenas)  # -8: M_ARENA_MAX
