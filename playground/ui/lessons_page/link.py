"""A lesson in the playground's URL: ``lesson=<name>&step=<n>``, then only the settings
that differ from where that step starts. A lecturer's link stays short
(``?lesson=xor&step=2``), and a reload reopens the same lesson, step and settings.

Only a built-in lesson travels in a link: an uploaded one has no name, and its page's
link holds the settings alone. A link naming a lesson or a step that does not exist
opens the playground with a notice, never an error. Plain Python (no Streamlit).

>>> query, lesson, number, problems = read({"lesson": "xor", "step": "2"})
>>> lesson.title, number, query["dataset"], problems
('XOR needs a hidden layer', 2, 'xor', [])
"""

from __future__ import annotations

from collections.abc import Mapping

from playground.config import Config
from playground.lessons import Lesson, builtin_names, load
from playground.lessons.settings import VIEW_KEYS
from playground.ui.playground_page.view_state import View

LINK_KEYS = ("lesson", "step")


def read(query: Mapping[str, str]) -> tuple[dict[str, str], Lesson | None, int, list[str]]:
    """What a link opens: ``(query, lesson, step number, problems)``.

    ``query`` is the playground's own query (settings, view, ``hide``): a lesson's link
    starts from its step's settings and view, with the link's keys on top, and hides
    what the lesson hides as well as what the link hides. Without a (known) lesson it is
    the link's query without ``lesson`` and ``step``; ``problems`` then says why.
    """
    rest = {k: v for k, v in query.items() if k not in LINK_KEYS}
    name = str(query.get("lesson", "")).strip()
    if not name:
        problems = (["step: a step needs a lesson (lesson=<name>) — ignored"]
                    if "step" in query else [])
        return rest, None, 1, problems
    names = builtin_names()
    if name not in names:  # (a built-in's name only: never a path to a file)
        return rest, None, 1, [f"lesson: {name[:40]!r} is not a lesson (the built-in ones "
                               f"are {', '.join(names)}) — the playground opens without one"]
    lesson = load(name)
    number, problems = step_number(lesson, query.get("step"))
    start = {k: v for k, v in lesson.query(number).items() if k not in (*LINK_KEYS, "hide")}
    opened = {**start, **rest}
    hide = _names(lesson.hide) + [h for h in _names(rest.get("hide", "")) if h not in lesson.hide]
    opened.pop("hide", None)
    if hide:
        opened["hide"] = ",".join(hide)
    return opened, lesson, number, problems


def step_number(lesson: Lesson, text) -> tuple[int, list[str]]:
    """The step a link asks for (1 if none); a step the lesson lacks opens step 1 with a
    problem in plain words."""
    if text is None or not str(text).strip():
        return 1, []
    text = str(text).strip()
    if not text.isdigit() or not 1 <= int(text) <= len(lesson.steps):
        return 1, [f"step: {lesson.title!r} has steps 1 to {len(lesson.steps)}, not "
                   f"{text[:20]!r} — opening step 1"]
    return int(text), []


def write(lesson: Lesson | None, number: int, config: Config,
          view: View) -> dict[str, str] | None:
    """The URL query of a run in ``lesson`` at step ``number``: the lesson and step, then
    the settings and view that differ from the step's start, the hides beyond the
    lesson's, and replay's epoch. None without a lesson, or for an uploaded one (the
    playground's usual query then)."""
    if lesson is None or not lesson.name:
        return None
    step = lesson.step(number)
    query = {"lesson": lesson.name, "step": str(number)}
    start = step.config.to_query()
    query.update({k: v for k, v in config.to_query().items() if start.get(k) != v})
    start_view, _ = View.from_query(step.view)
    for key in VIEW_KEYS:
        value = getattr(view, key)
        if value != getattr(start_view, key):
            query[key] = _text(value)
    extra = [h for h in view.hide if h not in lesson.hide]
    if extra:
        query["hide"] = ",".join(extra)
    query.update(View(at=view.at).to_query())
    return query


def start_view(lesson: Lesson, number: int) -> tuple[View, list[str]]:
    """The view step ``number`` opens with (the lesson's view keys up to that step on
    the defaults), and the problems with its values (a lesson's view values are the
    app's to check)."""
    return View.from_query(lesson.step(number).view)


def _names(hide: str | tuple) -> list[str]:
    items = hide if isinstance(hide, tuple) else str(hide).split(",")
    return list(dict.fromkeys(s.strip() for s in items if s.strip()))


def _text(value) -> str:
    """A view value as the URL writes it."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
