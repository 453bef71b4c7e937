"""Reading a lesson file (the format is described in :mod:`playground.lessons`).

:func:`parse` reads the text line by line: the front matter, then the body split into
the introduction and steps at ``## `` headings (outside code fences), and in each step
its text and its fenced lesson blocks. Every problem raises ``ValueError`` naming the
line: ``"xor.md, line 12: goal: unknown name 'tst_loss' (did you mean test_loss?) ..."``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from playground.config import Config
from playground.lessons.goals import Goal, data_of
from playground.lessons.lesson import Lesson, Prediction, Solution, Step
from playground.lessons.settings import (
    configure,
    parse_hide,
    parse_settings,
    suggestion,
    view_part,
)

MAX_CHARS = 200_000      # a lesson file is a page of Markdown, not a book
MAX_STEPS = 40
MAX_EPOCHS = 100_000     # a solution's epochs
FRONT_KEYS = ("title", "summary", "settings", "hide")
BLOCKS = ("settings", "prediction", "goal", "solution")
PREDICTION_KEYS = ("question", "choice", "answer", "explanation")
SOLUTION_KEYS = ("settings", "epochs")
_FENCE = re.compile(r"^ {0,3}(`{3,})\s*(.*)$")
_HEADING = re.compile(r"^##(?!#)(.*)$")
_KEY_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$")


@dataclass
class _Section:
    """A step (or the introduction) as read: text lines and blocks by name."""

    title: str
    line: int
    text: list[str] = field(default_factory=list)
    blocks: dict = field(default_factory=dict)  # name -> (opening line, [(line, text)])


def parse(text: str | bytes, name: str = "", source: str = "") -> Lesson:
    """The :class:`Lesson` written in ``text``.

    Parameters
    ----------
    text : str or bytes
        The lesson file's content (bytes: UTF-8, e.g. an upload).
    name : str
        The lesson's name (a built-in's, or a file's stem).
    source : str
        Where the text comes from (a file name), to start each error message.

    Raises
    ------
    ValueError
        For anything malformed, naming the line and the problem.
    """
    try:
        return _parse(_text(text), name)
    except ValueError as err:
        raise ValueError(f"{source}, {err}" if source else str(err)) from None


def _text(text) -> str:
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("line 1: a lesson file is text (UTF-8)") from None
    if not isinstance(text, str):
        raise ValueError(f"line 1: a lesson is text, not {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ValueError(f"line 1: a lesson file is at most {MAX_CHARS:,} characters, this "
                         f"one has {len(text):,}")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _parse(text: str, name: str) -> Lesson:
    lines = text.split("\n")
    front, body_start = _front_matter(lines)
    start = front.get("settings", (0, {}))
    first_config = config = configure(Config(), start[1], start[0], "settings")
    sections = _sections(lines, body_start)
    intro, steps = sections[0], sections[1:]
    if intro.blocks:
        block, (line, _) = next(iter(intro.blocks.items()))
        raise ValueError(f"line {line}: a {block} block belongs to a step — start the steps "
                         "with '## ' headings (the lesson's own settings go in the front "
                         "matter)")
    if not steps:
        raise ValueError(f"line {min(body_start + 1, len(lines))}: the lesson has no steps — "
                         "start each step with a '## ' heading")
    if len(steps) > MAX_STEPS:
        raise ValueError(f"line {steps[MAX_STEPS].line}: a lesson has at most {MAX_STEPS} "
                         "steps")
    built, view = [], view_part(start[1])
    for number, section in enumerate(steps, 1):
        step = _step(number, section, config, view)
        built.append(step)
        config, view = step.config, step.view
    return Lesson(name, front["title"][1], front["summary"][1], start[1], first_config,
                  view_part(start[1]),
                  front.get("hide", (0, ()))[1], "\n".join(intro.text).strip(), tuple(built))


# ---------------------------------------------------------------------- front matter
def _front_matter(lines: list[str]) -> tuple[dict, int]:
    """``{key: (line, value)}`` of the front matter and the index of the body's first
    line."""
    first = next((i for i, s in enumerate(lines) if s.strip()), None)
    if first is None:
        raise ValueError("line 1: the lesson is empty — it starts with a front matter "
                         "between two '---' lines (title:, summary:)")
    if lines[first].strip() != "---":
        raise ValueError(f"line {first + 1}: a lesson starts with its front matter: a line "
                         "'---', then title: and summary: lines, then '---'")
    end = next((i for i in range(first + 1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise ValueError(f"line {first + 1}: the front matter opened here is never closed "
                         "with a '---' line")
    content = [(i + 1, lines[i]) for i in range(first + 1, end) if lines[i].strip()]
    front: dict = {}
    for key, [(line, value)] in _fields("front matter", content, FRONT_KEYS).items():
        if key in ("title", "summary"):
            if not value:
                raise ValueError(f"line {line}: front matter: the {key} is empty")
            value = " ".join(value.split())
        elif key == "settings":
            value = parse_settings(value.replace("\n", "&"), line)
        else:
            value = parse_hide(value.replace("\n", ","), line)
        front[key] = (line, value)
    for key in ("title", "summary"):
        if key not in front:
            raise ValueError(f"line {first + 1}: front matter: no {key}: line (a lesson needs "
                             "a title and a one-line summary)")
    return front, end + 1


# ---------------------------------------------------------------------- body
def _sections(lines: list[str], start: int) -> list[_Section]:
    """The introduction, then one section per ``## `` heading, with text and blocks."""
    sections = [_Section("", start + 1)]
    i = start
    while i < len(lines):
        raw, line = lines[i], i + 1
        heading, fence = _HEADING.match(raw), _FENCE.match(raw)
        if heading:
            title = heading.group(1).strip().rstrip("#").strip()
            if not title:
                raise ValueError(f"line {line}: a step heading needs a title after '## '")
            sections.append(_Section(title, line))
            i += 1
        elif fence:
            i = _fenced(lines, i, fence, sections[-1])
        else:
            sections[-1].text.append(raw)
            i += 1
    return sections


def _fenced(lines: list[str], i: int, fence: re.Match, section: _Section) -> int:
    """Read the fenced block opening at index ``i`` into ``section``; return the index
    after it."""
    ticks, info = fence.group(1), fence.group(2).strip()
    word = info.split()[0].lower() if info else ""
    end = next((j for j in range(i + 1, len(lines))
                if lines[j].strip().startswith(ticks) and not lines[j].strip().strip("`")),
               None)
    if end is None:
        what = f"the {word} block" if word in BLOCKS else "the code block"
        raise ValueError(f"line {i + 1}: {what} opened here is never closed with {ticks}")
    if word not in BLOCKS:
        close = difflib.get_close_matches(word, BLOCKS, n=1, cutoff=0.75) if word else []
        if close:
            raise ValueError(f"line {i + 1}: unknown block {word!r} (did you mean "
                             f"{close[0]}?) — a step's blocks are {', '.join(BLOCKS)}")
        section.text.extend(lines[i:end + 1])  # Markdown code, part of the text
        return end + 1
    if word in section.blocks:
        raise ValueError(f"line {i + 1}: a step has one {word} block; this is a second one "
                         f"(the first is on line {section.blocks[word][0]})")
    content = [(j + 1, lines[j]) for j in range(i + 1, end) if lines[j].strip()]
    if not content:
        raise ValueError(f"line {i + 1}: the {word} block is empty")
    section.blocks[word] = (i + 1, content)
    return end + 1


# ---------------------------------------------------------------------- steps
def _step(number: int, section: _Section, config: Config, view: dict) -> Step:
    text = "\n".join(section.text).strip()
    if not text:
        raise ValueError(f"line {section.line}: step {number} ({section.title!r}) has no text "
                         "— say what to do or to look at")
    blocks = section.blocks
    settings = {}
    if "settings" in blocks:
        line, content = blocks["settings"]
        settings = parse_settings("&".join(s.strip() for _, s in content), line)
        config = configure(config, settings, line, "settings")
        view = {**view, **view_part(settings)}
    prediction = _prediction(*blocks["prediction"]) if "prediction" in blocks else None
    goal = None
    if "goal" in blocks:
        goal = Goal.parse(blocks["goal"][1], config)
    solution = None
    if "solution" in blocks:
        line, content = blocks["solution"]
        if goal is None:
            raise ValueError(f"line {line}: a solution needs a goal in the same step")
        solution = _solution(line, content, config, goal)
    return Step(number, section.title, text, settings, config, view, prediction, goal,
                solution, section.line)


def _fields(block: str, content: list[tuple[int, str]], keys: tuple[str, ...],
            repeated: tuple[str, ...] = ()) -> dict[str, list[tuple[int, str]]]:
    """``key: value`` lines of a block (or the front matter): ``{key: [(line, value)]}``;
    an indented line continues the previous value (after a line break)."""
    found: dict[str, list[tuple[int, str]]] = {}
    last = None
    for number, raw in content:
        match = _KEY_VALUE.match(raw)
        if raw[:1].isspace() and last is not None and not match:
            key, (start, value) = last, found[last][-1]
            found[key][-1] = (start, f"{value}\n{raw.strip()}")
            continue
        if not match or raw[:1].isspace():
            raise ValueError(f"line {number}: {block}: expected 'key: value' (keys: "
                             f"{', '.join(keys)}), got {raw.strip()[:60]!r}")
        key, value = match.group(1).lower(), match.group(2).strip()
        if key not in keys:
            raise ValueError(f"line {number}: {block}: unknown key {key!r}{suggestion(key, keys)} "
                             f"— use {', '.join(keys)}")
        if key in found and key not in repeated:
            raise ValueError(f"line {number}: {block}: {key} is given twice")
        found.setdefault(key, []).append((number, value))
        last = key
    return found


def _prediction(line: int, content: list[tuple[int, str]]) -> Prediction:
    found = _fields("prediction", content, PREDICTION_KEYS, repeated=("choice",))
    for key in ("question", "answer", "explanation"):
        if key not in found or not found[key][0][1]:
            raise ValueError(f"line {line}: prediction: no {key} (a prediction has a "
                             "question:, two or more choice: lines, an answer: and an "
                             "explanation:)")
    choices = found.get("choice", [])
    if len(choices) < 2:
        raise ValueError(f"line {line}: prediction: give at least two choice: lines")
    texts = [v for _, v in choices]
    for k, (n, v) in enumerate(choices):
        if not v:
            raise ValueError(f"line {n}: prediction: a choice is empty")
        if v.casefold() in [t.casefold() for t in texts[:k]]:
            raise ValueError(f"line {n}: prediction: the choice {v!r} is given twice")
    number, answer = found["answer"][0]
    index = next((k for k, t in enumerate(texts) if t.casefold() == answer.casefold()), None)
    if index is None and answer.isdigit() and 1 <= int(answer) <= len(texts):
        index = int(answer) - 1
    if index is None:
        raise ValueError(f"line {number}: prediction: the answer {answer!r} is not one of the "
                         f"choices (write a choice's text or its number, 1 to {len(texts)})")
    return Prediction(found["question"][0][1], tuple(texts), index,
                      found["explanation"][0][1])


def _solution(line: int, content: list[tuple[int, str]], config: Config,
              goal: Goal) -> Solution:
    found = _fields("solution", content, SOLUTION_KEYS)
    if "epochs" not in found:
        raise ValueError(f"line {line}: solution: no epochs: line (how long to train)")
    number, text = found["epochs"][0]
    if not text.replace(",", "").replace("_", "").isdigit() \
            or not 1 <= int(text.replace(",", "").replace("_", "")) <= MAX_EPOCHS:
        raise ValueError(f"line {number}: solution: epochs must be a whole number from 1 to "
                         f"{MAX_EPOCHS:,}, got {text!r}")
    epochs = int(text.replace(",", "").replace("_", ""))
    settings = {}
    if "settings" in found:
        at, value = found["settings"][0]
        settings = parse_settings(value, at)
        if view_part(settings):
            raise ValueError(f"line {at}: solution: {', '.join(view_part(settings))} only "
                             "changes the view — a solution's settings are the run's")
        config = configure(config, settings, at, "solution")
    if data_of(config) != dict(goal.data):
        changed = [k for k, v in data_of(config).items() if goal.data[k] != v]
        raise ValueError(f"line {line}: solution: it changes the data ({', '.join(changed)}), "
                         "so its run would not count for the step's goal")
    return Solution(config, epochs, settings)

