"""The machine the server runs on: glibc's memory tunings (memory of ended sessions back
to the system)."""

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


def fewer_arenas(arenas: int = 2) -> None:
    """Let glibc keep at most ``arenas`` malloc arenas: by default every script thread
    (one per session) may get its own, and memory freed in one is kept for it, so the
    process grows with the largest class it has seen."""
    _glibc("mallopt", -8, arenas)  # -8: M_ARENA_MAX
