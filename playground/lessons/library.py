"""Where lessons come from: the built-in ones (Markdown files in ``builtin/``), a file,
or text (an upload)."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from playground.lessons.lesson import Lesson
from playground.lessons.lesson_file import MAX_CHARS, parse

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class LessonInfo(NamedTuple):
    """One row of the lessons list."""

    name: str
    title: str
    summary: str
    steps: int


def _folder():
    return resources.files(__package__) / "builtin"


def builtin_names() -> tuple[str, ...]:
    """The built-in lessons' names, in their listing order (see :func:`builtin`)."""
    return tuple(info.name for info in builtin())


@lru_cache(maxsize=1)
def builtin() -> tuple[LessonInfo, ...]:
    """Every built-in lesson: ``(name, title, summary, steps)``, ordered by file name
    (files are named ``NN-name.md``; the name drops the number)."""
    files = sorted(f.name for f in _folder().iterdir() if f.name.endswith(".md"))
    lessons = (_builtin(_name_of(f)) for f in files)
    return tuple(LessonInfo(lesson.name, lesson.title, lesson.summary, len(lesson.steps))
                 for lesson in lessons)


def _name_of(file_name: str) -> str:
    return re.sub(r"^\d+-", "", file_name.removesuffix(".md"))


@cache
def _builtin(name: str) -> Lesson | None:
    files = {_name_of(f.name): f for f in _folder().iterdir() if f.name.endswith(".md")}
    if name not in files:
        return None
    return parse(files[name].read_text(encoding="utf-8"), name, files[name].name)


def load(source: str | bytes | Path, name: str | None = None) -> Lesson:
    """A lesson: a built-in by name, a lesson file, or a lesson's text.

    Parameters
    ----------
    source : str, bytes or Path
        * a built-in's name such as ``"xor"`` (see :func:`builtin`);
        * a :class:`~pathlib.Path`, or a string naming an existing ``.md`` file;
        * the text of a lesson (a string with a line break, or bytes as uploaded).
    name : str, optional
        The lesson's name (defaults: the built-in's name, the file's stem, ``""`` for
        text).

    Raises
    ------
    ValueError
        For an unknown name or a malformed lesson (naming the line and the problem).
    """
    if isinstance(source, bytes | bytearray):
        return parse(source, name or "")
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source
                                    and not _NAME.match(source.strip())):
        path = Path(source)
        if not path.is_file():
            raise ValueError(f"lesson: no file {str(source)!r} (give a built-in lesson's name "
                             f"such as {', '.join(builtin_names())}, a lesson file, or its "
                             "text)")
        if path.stat().st_size > 4 * MAX_CHARS:
            raise ValueError(f"{path.name}, line 1: a lesson file is at most "
                             f"{MAX_CHARS:,} characters")
        return parse(path.read_bytes(), name or path.stem, path.name)
    if not isinstance(source, str):
        raise ValueError(f"lesson: expected a name, a path or text, not {type(source).__name__}")
    if "\n" not in source:
        lesson = _builtin(source.strip())
        if lesson is None:
            raise ValueError(f"lesson: {source.strip()!r} is not a built-in lesson (they are "
                             f"{', '.join(builtin_names())}); a lesson's text has several "
                             "lines")
        return lesson
    return parse(source, name or "")
