"""Arrays inside JSON, and the checks of what a file says: the building blocks of run
files (:mod:`playground.run_file`).

An array travels as ``{"dtype": "float64", "shape": [...], "zlib": "<base64>"}``: its
little-endian bytes, zlib-compressed, in base64 (exact). Reading checks the dtype and
shape it is expected to have, refuses more than ``MAX_ARRAY_BYTES`` and never inflates
beyond what the declared shape needs. Every refusal is a :class:`RunFileError` (a
``ValueError``) with a plain message. Only NumPy and the standard library.
"""

from __future__ import annotations

import base64
import binascii
import math
import zlib

import numpy as np

MAX_ARRAY_BYTES = 32 * 2**20  # one array, inflated
DTYPES = {"float64": "<f8", "float32": "<f4", "int64": "<i8"}


class RunFileError(ValueError):
    """A run file that cannot be read: the message says why, in plain words."""



def fail(message: str):
    """Refuse the file, saying why."""
    raise RunFileError(message)



def encode_array(a: np.ndarray) -> dict:
    """``a`` as ``{"dtype", "shape", "zlib"}`` (exact: the raw little-endian bytes)."""
    a = np.asarray(a)
    name = a.dtype.name
    raw = np.ascontiguousarray(a, dtype=DTYPES[name]).tobytes()
    return {"dtype": name, "shape": list(a.shape),
            "zlib": base64.b64encode(zlib.compress(raw, 6)).decode("ascii")}


def decode_array(node, what: str, dtype: str, shape: tuple) -> np.ndarray:
    """The array of an ``{"dtype", "shape", "zlib"}`` node, checked against ``dtype`` and
    ``shape`` (``None`` entries: any length, within the size limits)."""
    if not isinstance(node, dict) or set(node) != {"dtype", "shape", "zlib"}:
        fail(f"This run file is damaged: {what} is not an array.")
    if node["dtype"] != dtype:
        fail(f"This run file is damaged: {what} has type {node['dtype']!r}, "
              f"expected {dtype}.")
    got = node["shape"]
    if (not isinstance(got, list) or len(got) != len(shape)
            or not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 2**31
                       for n in got)
            or any(want is not None and n != want for n, want in zip(got, shape, strict=True))):
        fail(f"This run file is damaged: {what} has shape {got!r}, expected "
              f"{[('any' if n is None else n) for n in shape]}.")
    itemsize = np.dtype(DTYPES[dtype]).itemsize
    nbytes = math.prod(got) * itemsize
    if nbytes > MAX_ARRAY_BYTES:
        fail(f"This run file is refused: {what} would take {nbytes / 2**20:.0f} MB.")
    data = node["zlib"]
    if not isinstance(data, str) or len(data) > 2 * MAX_ARRAY_BYTES:
        fail(f"This run file is damaged: {what} has no data.")
    try:
        packed = base64.b64decode(data, validate=True)
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, nbytes + 1)  # never inflate beyond the shape
        complete = inflater.eof and not inflater.unused_data
    except (binascii.Error, ValueError, zlib.error):
        fail(f"This run file is damaged: {what}'s data cannot be read.")
    if len(raw) != nbytes or not complete:
        fail(f"This run file is damaged: {what} holds {len(raw)} bytes, its shape needs "
              f"{nbytes}.")
    return np.frombuffer(raw, DTYPES[dtype]).astype(dtype).reshape(got)


def check_int(value, what: str, lo: int, hi: int) -> int:
    """``value`` if it is a whole number (not a bool) in ``[lo, hi]``."""
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        fail(f"This run file is damaged: {what} must be a whole number from {lo} to {hi}, "
              f"got {str(value)[:40]!r}.")
    return value


def check_finite(a: np.ndarray, what: str) -> np.ndarray:
    """``a`` if every value is finite."""
    if not np.isfinite(a).all():
        fail(f"This run file is damaged: {what} holds values that are not finite.")
    return a
