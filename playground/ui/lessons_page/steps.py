"""Moving through a lesson on the playground page: open it at a step, go to another
step (Back/Next), try a step's solution, end it.

What a step opening does:

* from the Lessons page (or a solution): a fresh run at epoch 0 with the step's
  settings (where the step starts), and the step's view;
* from a link: the link already carries the settings (see link.py): the run it opened
  stays;
* with Back/Next: a step that has settings starts a fresh run with them applied to the
  student's current settings (its experiment starts at epoch 0), and sets the view keys
  it names; a step without settings keeps the run going.

The lesson hides what it hides while it is open (the app's ``hide``), on top of what
the page hid before; ending the lesson shows those controls again and keeps the run.
The Lessons page hands a lesson over through :data:`REQUEST` (a session key): the
playground page opens it at the start of its next run (:func:`take_request`).
"""

from __future__ import annotations

from playground.config import Config
from playground.data.datasets import GIVEN
from playground.lessons import Lesson
from playground.lessons.settings import config_part, view_part
from playground.run.trainer import Trainer
from playground.ui.lessons_page.link import start_view
from playground.ui.playground_page.stage import VIEW_KEYS
from playground.ui.playground_page.state import PlaygroundState
from playground.ui.playground_page.view_state import View

REQUEST = "lesson_request"  # session key: a Lesson the Lessons page asks to open


def start(state: PlaygroundState, lesson: Lesson, number: int = 1, *,
          fresh: bool = False) -> None:
    """Open ``lesson`` at step ``number``; with ``fresh``, as a fresh run at the step's
    start and with its view (else the run and view stay: a link opened them)."""
    ls = state.lesson
    if ls.lesson is None:
        ls.hide_before = tuple(h for h in state.hide if h not in lesson.hide)
    ls.lesson, ls.number, ls.met, ls.picks = lesson, number, None, {}
    ls.generation += 1
    state.hide = tuple(dict.fromkeys((*ls.hide_before, *lesson.hide)))
    if fresh:
        state.replay.at = None
        _fresh_run(state, lesson.step(number).config)
        view, problems = start_view(lesson, number)
        _show_view(state, view, VIEW_KEYS.values())
        _say(state, problems)


def go_to(state: PlaygroundState, number: int) -> None:
    """Show step ``number`` of the open lesson (Back, Next): its settings, if it has
    any, on the student's settings in a fresh run, and the view keys it names."""
    ls = state.lesson
    step = ls.lesson.step(number)
    ls.number, ls.met = number, None
    state.playing = False
    state.replay.at = None
    if config_part(step.settings):
        try:
            config = step.apply(state.trainer.config)
        except ValueError as err:
            config = step.config
            state.notify("warning", f"This step's settings do not fit yours ({err}): the "
                         "step starts from its own settings.")
        _fresh_run(state, config, fallback=step.config)
    view, problems = View.from_query(view_part(step.settings))
    _show_view(state, view, view_part(step.settings))
    _say(state, problems)


def try_solution(state: PlaygroundState) -> None:
    """A fresh run with the step's solution settings (train it for its epochs)."""
    step = state.lesson.step
    state.replay.at = None
    _fresh_run(state, step.solution.config)


def end(state: PlaygroundState) -> None:
    """Leave the lesson: the controls it hid come back; the run stays."""
    ls = state.lesson
    if ls.lesson is not None:
        state.hide = ls.hide_before
    ls.lesson, ls.met, ls.picks = None, None, {}


def request(session_state, lesson: Lesson) -> None:
    """Ask the playground page to open ``lesson`` at its first step on its next run."""
    session_state[REQUEST] = lesson


def take_request(session_state, state: PlaygroundState) -> bool:
    """Open the lesson the Lessons page asked for, if any (call before the widgets are
    drawn). Whether one was opened."""
    lesson = session_state.get(REQUEST)
    if lesson is None:
        return False
    del session_state[REQUEST]
    start(state, lesson, 1, fresh=True)
    return True


def _fresh_run(state: PlaygroundState, config: Config, fallback: Config | None = None) -> None:
    """``config`` as the session's run from epoch 0 (``fallback`` if it cannot be: your
    own points are not in a lesson), paused, the widgets showing it."""
    if config.dataset in GIVEN and fallback is not None:
        config = fallback
    state.replace_run(Trainer(config))


def _show_view(state: PlaygroundState, view: View, fields) -> None:
    """Put ``view``'s ``fields`` into their widgets before they are drawn next."""
    wanted = set(fields)
    for key, field in VIEW_KEYS.items():
        if field in wanted:
            state.set_widget_next_run(key, getattr(view, field))


def _say(state: PlaygroundState, problems: list[str]) -> None:
    if problems:
        state.notify("warning", "This lesson has view settings that could not be used:\n\n- "
                     + "\n- ".join(problems))
