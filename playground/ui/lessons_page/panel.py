"""The open lesson beside the stage, at the top of the playground's sidebar: the step's
title and number, Back/Next/End, its text (Markdown with formulas), the prediction
(the answer and its explanation show once a choice is made), the goal's status and a
solution to try. The stage keeps its whole first screen.

The goal is checked on the live run on every run of the page and every frame the live
view trains (:func:`check`), and shown again every :data:`GOAL_EVERY` seconds while
playing (a fragment of its own): it says which conditions are still unmet and by how
much, and turns green once met; it stays green on that step (a goal such as
``epoch <= 100`` would turn unmet again as training goes on).
"""

from __future__ import annotations

import streamlit as st

from playground.lessons import GoalResult, Step
from playground.ui.lessons_page import steps
from playground.ui.playground_page.state import KEY, LessonState, PlaygroundState

GOAL_EVERY = 0.3  # seconds between redraws of the goal while playing


def sidebar(box, state: PlaygroundState) -> None:
    """Draw the open lesson's step into ``box`` (a container at the sidebar's top; None:
    nothing to draw). Call it once the widgets' changes have reached the run."""
    ls = state.lesson
    if box is None or ls.lesson is None:
        return
    lesson, step = ls.lesson, ls.step
    number, total = step.number, len(lesson.steps)
    with box, st.container(key="lesson"):
        st.caption(f":material/school: Lesson · {lesson.title}")
        st.markdown(f"##### Step {number} of {total}: {step.title}")
        c = st.columns([1, 1.2, 1], gap="small", vertical_alignment="center")
        c[0].button("Back", key="lesson_back", on_click=_go, args=(number - 1,),
                    disabled=number == 1, width="stretch", help="The previous step")
        c[1].button("Next", key="lesson_next", on_click=_go,
                    args=(number + 1,), disabled=number == total, type="primary",
                    width="stretch", help="The next step (its settings apply)")
        c[2].button("End", key="lesson_end", on_click=_end, width="stretch",
                    help="Leave the lesson: the hidden controls come back; the run stays")
        if number == 1 and lesson.intro:
            st.markdown(lesson.intro)
        st.markdown(step.text)
        if step.prediction is not None:
            _prediction(ls, step)
        if step.goal is not None:
            _goal(state)
        if step.solution is not None:
            _solution(step)
        if not lesson.name:
            st.caption("An uploaded lesson: a link cannot carry it (the address bar keeps "
                       "the settings only). Share the file itself.")
        st.divider()


# ---------------------------------------------------------------------- the prediction
def _prediction(ls: LessonState, step: Step) -> None:
    """The question and its choices; the answer and explanation once one is picked."""
    p = step.prediction
    picked = ls.picks.get(step.number)
    key = f"lesson_pick_{ls.generation}_{step.number}"
    st.radio(f"**Predict:** {p.question}", range(len(p.choices)), index=picked, key=key,
             format_func=p.choices.__getitem__, on_change=_pick, args=(key, step.number))
    if picked is None:
        st.caption("Pick one: the answer shows once you have chosen.")
        return
    if p.is_right(picked):
        st.success(f"Right: {p.answer}", icon=":material/check:")
    else:
        st.warning(f"The answer: {p.answer}", icon=":material/lightbulb:")
    st.markdown(p.explanation)


def _pick(key: str, number: int) -> None:
    state: PlaygroundState = st.session_state[KEY]
    value = st.session_state.get(key)
    if value is not None:
        state.lesson.picks[number] = value


# ---------------------------------------------------------------------- the goal
def _goal(state: PlaygroundState) -> None:
    @st.fragment(run_every=GOAL_EVERY if state.playing else None)
    def status():  # (reads the state anew: a fragment keeps no hold of a released run)
        state = PlaygroundState.of(st.session_state)
        if state is not None:
            goal_status(state)

    status()


def check(state: PlaygroundState) -> GoalResult | None:
    """The step's goal on the live run, or None for a step without a goal. Once met on
    this step it stays met: while the run no longer meets it, the result is the last
    one that did."""
    ls = state.lesson
    step = ls.step
    if step is None or step.goal is None:
        return None
    with state.guard.lock:
        result = step.goal.check(state.trainer)
    if result.met:
        ls.met = result
    return result if ls.met is None else ls.met


def goal_status(state: PlaygroundState) -> None:
    """Green "Goal met" with every condition's value, or what is still missing."""
    result = check(state)
    if result is None:
        return
    with st.container(key="lesson_goal"):
        if result.met:
            st.success("**Goal met.** " + result.message.removeprefix("Goal met: "),
                       icon=":material/check_circle:")
            return
        lines = [] if result.same_data else [
            state.lesson.step.goal.data_problem(state.trainer.config)]
        lines += [c.message for c in result.conditions if not c.met]
        lines += [f":material/check: {c.message}" for c in result.conditions if c.met]
        st.info("**Goal** — not met yet:\n\n" + "\n".join(f"- {line}" for line in lines),
                icon=":material/flag:")


# ---------------------------------------------------------------------- the solution
def _solution(step: Step) -> None:
    solution = step.solution
    with st.expander("Stuck? A way that works"):
        settings = "&".join(f"{k}={v}" for k, v in solution.settings.items())
        st.markdown((f"The settings `{settings}`, then " if settings else "From the step's "
                     "settings, ") + f"train {solution.epochs:,} epochs.")
        st.button("Try it (a fresh run with these settings)", key="lesson_solution",
                  on_click=_try_solution, width="stretch")


# ---------------------------------------------------------------------- callbacks
def _page_state() -> PlaygroundState:
    return st.session_state[KEY]


def _go(number: int) -> None:
    steps.go_to(_page_state(), number)


def _end() -> None:
    steps.end(_page_state())


def _try_solution() -> None:
    steps.try_solution(_page_state())
