"""Lessons in the app through AppTest: the Lessons page, a lesson beside the stage (steps,
Back/Next, predictions, goals, solutions), its link, an uploaded lesson, bad links."""

from __future__ import annotations

import pytest
from conftest import ROOT, button, run_app

from playground import lessons
from playground.config import Config
from playground.ui.lessons_page import link
from playground.ui.pages import LESSONS_SCRIPT
from playground.ui.playground_page.stage import VIEW_KEYS
from playground.ui.playground_page.view_state import View

NAMES = lessons.builtin_names()
XOR = (ROOT / "playground" / "lessons" / "builtin" / "02-xor.md").read_bytes()


def _query(at) -> dict:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def _state(at):
    return at.session_state.playground


def _heading(at) -> str:
    return next(m.value for m in at.sidebar.markdown if m.value.startswith("##### Step"))


def _texts(at) -> str:
    """Every text the sidebar shows, joined."""
    parts = [m.value for m in at.sidebar.markdown] + [r.label for r in at.sidebar.radio]
    for kind in ("success", "warning", "info", "error", "caption"):
        parts += [e.value for e in getattr(at.sidebar, kind)]
    return "\n".join(parts)


def _lessons_page(at):
    return at.switch_page(LESSONS_SCRIPT).run()


def _open_from_page(name: str):
    at = _lessons_page(run_app())
    assert not at.exception
    button(at, f"lesson_open_{name}").click().run()
    return at


def _pick(at, index: int):
    radio = next(r for r in at.sidebar.radio if r.key.startswith("lesson_pick_"))
    return radio.set_value(index).run()


# ---------------------------------------------------------------------- opening
@pytest.mark.parametrize("name", NAMES)
def test_each_lesson_opens_from_a_link_and_every_step_renders(name):
    lesson = lessons.load(name)
    at = run_app({"lesson": name})
    assert not at.exception and not at.warning
    state = _state(at)
    assert state.lesson.lesson is lesson and state.lesson.number == 1
    assert state.trainer.config == lesson.steps[0].config and state.trainer.epoch == 0
    assert set(lesson.hide) <= set(state.hide)
    assert _query(at) == {"lesson": name, "step": "1"}  # short: the step's own settings
    for step in lesson.steps:
        assert _heading(at) == f"##### Step {step.number} of {len(lesson.steps)}: {step.title}"
        assert not at.exception, step.number
        assert _query(at)["step"] == str(step.number)
        assert ("Goal" in _texts(at)) == (step.goal is not None)
        assert button(at, "lesson_back").disabled == (step.number == 1)
        assert button(at, "lesson_next").disabled == (step.number == len(lesson.steps))
        if step.number < len(lesson.steps):
            button(at, "lesson_next").click().run()
    for number in range(len(lesson.steps) - 1, 0, -1):
        button(at, "lesson_back").click().run()
        assert not at.exception and state.lesson.number == number
        assert _heading(at).startswith(f"##### Step {number} of")


@pytest.mark.parametrize("name", NAMES)
def test_each_lesson_opens_from_the_lessons_page_as_a_fresh_run(name):
    lesson = lessons.load(name)
    at = _open_from_page(name)
    assert not at.exception
    state = _state(at)
    assert state.lesson.lesson is lesson and state.lesson.number == 1
    assert state.trainer.config == lesson.steps[0].config and state.trainer.epoch == 0
    assert [b for b in at.button if b.key == "play"]  # the playground page
    assert _query(at) == {"lesson": name, "step": "1"}
    view = link.start_view(lesson, 1)[0]  # the lesson's view is shown
    assert all(at.session_state[key] == getattr(view, field) for key, field in VIEW_KEYS.items())


def test_the_lessons_page_lists_every_lesson_with_its_steps():
    at = _lessons_page(run_app())
    text = "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)
    for info in lessons.builtin():
        assert info.title in text and info.summary in text
        assert f"{info.steps} steps" in text
        assert button(at, f"lesson_open_{info.name}").label == "Open"
    assert any("A link cannot carry an uploaded lesson" in c.value for c in at.caption)


def test_opening_another_lesson_replaces_the_run_and_the_page_shows_the_open_one():
    at = _open_from_page("xor")
    _state(at).trainer.step(5)
    at = _lessons_page(at)
    assert any("XOR needs a hidden layer" in i.value and "step 1 of 4" in i.value
               for i in at.info)
    button(at, "lesson_open_softmax").click().run()
    state = _state(at)
    assert state.lesson.lesson.name == "softmax" and state.trainer.epoch == 0
    assert state.trainer.config.num_classes == 4


# ---------------------------------------------------------------------- steps
def test_next_applies_a_steps_settings_and_back_keeps_a_run_without_settings():
    at = run_app({"lesson": "xor", "step": "2"})
    state = _state(at)
    at.number_input(key="w_n_layers").set_value(1).run()  # the student's own change
    assert state.trainer.config.hidden == (4,)
    button(at, "step").click().run()
    button(at, "lesson_next").click().run()  # step 3 writes hidden= (no hidden layer)
    assert state.lesson.number == 3 and state.trainer.config.hidden == ()
    assert state.trainer.epoch == 0 and at.number_input(key="w_n_layers").value == 0
    assert _query(at) == {"lesson": "xor", "step": "3"}
    button(at, "step").click().run()
    button(at, "lesson_back").click().run()  # step 2 has no settings: the run stays
    assert state.lesson.number == 2 and state.trainer.epoch == 1
    assert _query(at) == {"lesson": "xor", "step": "2"}  # hidden= is as step 2 starts


def test_a_steps_view_keys_apply_and_the_link_reopens_the_same():
    at = run_app({"lesson": "learning-rate"})
    assert at.session_state.log_loss  # the lesson's settings turn the log scale on
    assert _query(at) == {"lesson": "learning-rate", "step": "1"}
    at.selectbox(key="w_learning_rate").set_value("0.03").run()
    at.toggle(key="log_loss").set_value(False).run()
    query = _query(at)
    assert query == {"lesson": "learning-rate", "step": "1", "learning_rate": "0.03",
                     "log_loss": "false"}
    again = run_app(query)  # a reload: the same lesson, step and settings
    assert not again.exception and not again.warning
    assert _state(again).lesson.lesson.name == "learning-rate"
    assert _state(again).trainer.config == _state(at).trainer.config
    assert again.session_state.log_loss == at.session_state.log_loss
    assert _query(again) == query


def test_a_reload_keeps_the_lesson_the_step_and_the_settings():
    at = run_app({"lesson": "circle"})
    button(at, "lesson_next").click().run()
    at.multiselect(key="w_features").set_value(["x1sq", "x2sq"]).run()
    query = _query(at)
    assert query == {"lesson": "circle", "step": "2", "features": "x1sq,x2sq"}
    again = run_app(query)
    state = _state(again)
    assert state.lesson.number == 2 and state.trainer.config == _state(at).trainer.config
    assert _heading(again) == _heading(at)


def test_end_leaves_the_lesson_shows_the_hidden_controls_and_keeps_the_run():
    at = run_app({"lesson": "xor"})
    assert not [s for s in at.sidebar.selectbox if s.key == "w_dataset"]  # hidden
    button(at, "step").click().run()
    button(at, "lesson_end").click().run()
    state = _state(at)
    assert not at.exception and state.lesson.lesson is None and state.hide == ()
    assert state.trainer.epoch == 1 and state.trainer.config.dataset == "xor"
    assert [s for s in at.sidebar.selectbox if s.key == "w_dataset"]
    assert "lesson" not in _query(at) and _query(at)["dataset"] == "xor"
    assert not [b for b in at.button if b.key == "lesson_next"]


def test_a_link_that_hides_more_keeps_hiding_it_in_the_lesson_and_after():
    at = run_app({"lesson": "xor", "hide": "learning_rate"})
    state = _state(at)
    assert {"dataset", "learning_rate"} <= set(state.hide)
    assert _query(at)["hide"] == "learning_rate"
    button(at, "lesson_end").click().run()
    assert state.hide == ("learning_rate",)


# ---------------------------------------------------------------------- predictions
def test_a_prediction_reveals_its_answer_only_after_a_choice():
    at = run_app({"lesson": "xor"})
    prediction = lessons.load("xor").steps[0].prediction
    text = _texts(at)
    assert prediction.question in text
    assert "The answer" not in text and "Right" not in text
    assert prediction.explanation[:40] not in text
    _pick(at, 0)  # the wrong one
    text = _texts(at)
    assert f"The answer: {prediction.answer}" in text and prediction.explanation[:40] in text
    _pick(at, prediction.answer_index)
    assert f"Right: {prediction.answer}" in _texts(at)
    # the choice is remembered when the student comes back to the step
    button(at, "lesson_next").click().run()
    button(at, "lesson_back").click().run()
    assert f"Right: {prediction.answer}" in _texts(at)


# ---------------------------------------------------------------------- goals
def test_a_goal_says_what_is_missing_and_turns_green_after_the_solution():
    lesson = lessons.load("xor")
    step = lesson.steps[1]
    at = run_app({"lesson": "xor", "step": "2"})
    text = _texts(at)
    assert "Goal" in text and "points to go" in text and "1 too few" in text
    assert not at.sidebar.success
    button(at, "lesson_solution").click().run()
    state = _state(at)
    config, epochs = step.solution
    assert state.trainer.config == config and state.trainer.epoch == 0
    assert not at.sidebar.success
    with state.guard.lock:
        state.trainer.step(epochs)
    at.run()
    assert any(s.value.startswith("**Goal met.**") for s in at.sidebar.success)
    assert _query(at) == {"lesson": "xor", "step": "2", "hidden": "4"}


def test_a_met_goal_stays_green_on_its_step_and_a_new_visit_checks_again():
    at = run_app({"lesson": "learning-rate", "step": "2"})  # test_r2 >= 0.98 and epoch <= 100
    button(at, "lesson_solution").click().run()
    state = _state(at)
    with state.guard.lock:
        state.trainer.step(100)
    at.run()
    assert any("Goal met" in s.value for s in at.sidebar.success)
    with state.guard.lock:
        state.trainer.step(50)  # epoch 150: the goal as written is no longer met
    assert not lessons.load("learning-rate").steps[1].goal.check(state.trainer).met
    at.run()
    assert any("Goal met" in s.value for s in at.sidebar.success)  # kept green
    button(at, "lesson_next").click().run()
    button(at, "lesson_back").click().run()
    assert not at.sidebar.success and "epoch 150" in _texts(at)


def test_a_goal_on_other_data_does_not_count_and_says_so():
    at = run_app({"lesson": "xor", "step": "2", "dataset": "circle", "hidden": "4"})
    assert "other data than the step" in _texts(at)
    assert not at.sidebar.success


def test_a_goal_is_checked_every_frame_while_playing():
    at = run_app({"lesson": "xor", "step": "2", "hidden": "4", "speed": "max"})
    button(at, "play").click().run()
    state = _state(at)
    for _ in range(60):
        if any("Goal met" in s.value for s in at.sidebar.success):
            break
        at.run()
    assert state.lesson.met is not None and state.lesson.met.met
    assert state.trainer.epoch > 0


def test_a_goal_met_by_diverging_stays_met_after_the_app_takes_the_run_back():
    # "diverged == 1": the app stops a diverged run and rewinds it to its last sane epoch
    at = run_app({"lesson": "learning-rate", "step": "3", "learning_rate": "1",
                  "speed": "max"})
    button(at, "play").click().run()
    state = _state(at)
    for _ in range(30):
        if not state.playing:
            break
        at.run()
    assert not state.playing and state.trainer.diverged is None  # taken back
    assert any("diverged" in e.value for e in at.error)
    assert any("Goal met" in s.value and "diverged" in s.value for s in at.sidebar.success)


# ---------------------------------------------------------------------- uploads
def _upload(at, name: str, data: bytes):
    box = next(u for u in at.file_uploader if u.key == "lesson_upload")
    return box.set_value((name, data, "text/markdown")).run()


def test_an_uploaded_lesson_opens_and_its_link_carries_only_the_settings():
    at = _lessons_page(run_app())
    _upload(at, "mine.md", XOR.replace(b"title: XOR needs", b"title: My XOR needs"))
    assert not at.exception and not at.error
    button(at, "lesson_open_upload").click().run()
    state = _state(at)
    assert state.lesson.lesson.title == "My XOR needs a hidden layer"
    assert state.lesson.lesson.name == ""
    query = _query(at)
    assert "lesson" not in query and "step" not in query and query["dataset"] == "xor"
    assert any("a link cannot carry it" in c.value for c in at.sidebar.caption)
    button(at, "lesson_next").click().run()
    assert not at.exception and state.lesson.number == 2


@pytest.mark.parametrize("text,words", [
    (b"---\ntitle: A\n---\n\n## One\n\ntext\n", "line 1: front matter: no summary"),
    (b"---\ntitle: A\nsummary: b\n---\n\n## One\n\ntext\n```goal\ntst_loss < 1\n```\n",
     "line 10: goal: 'tst_loss < 1': unknown name 'tst_loss' (did you mean test_loss?)"),
    (b"\xff\xfe not utf-8", "line 1: a lesson file is text (UTF-8)"),
])
def test_a_malformed_upload_shows_its_message_and_the_app_keeps_working(text, words):
    at = _upload(_lessons_page(run_app()), "bad.md", text)
    assert not at.exception
    assert any(e.value.startswith("bad.md: ") and words in e.value for e in at.error), \
        [e.value for e in at.error]
    assert not [b for b in at.button if b.key == "lesson_open_upload"]
    button(at, "lesson_open_circle").click().run()  # the app keeps working
    assert not at.exception and _state(at).lesson.lesson.name == "circle"


# ---------------------------------------------------------------------- bad links
@pytest.mark.parametrize("query,words", [
    ({"lesson": "nope"}, "'nope' is not a lesson"),
    ({"lesson": "../../etc/passwd"}, "is not a lesson"),
    ({"lesson": "xor", "step": "99"}, "has steps 1 to 4, not '99' — opening step 1"),
    ({"lesson": "xor", "step": "two"}, "not 'two'"),
    ({"lesson": "xor", "step": "0"}, "not '0'"),
    ({"step": "3"}, "a step needs a lesson"),
])
def test_a_tampered_link_gives_a_notice_never_a_traceback(query, words):
    at = run_app(query)
    assert not at.exception
    assert any(words in w.value for w in at.warning), [w.value for w in at.warning]
    state = _state(at)
    if query.get("lesson") == "xor":
        assert state.lesson.number == 1 and _query(at)["step"] == "1"
    else:
        assert state.lesson.lesson is None and "step" not in _query(at)
    button(at, "step").click().run()
    assert not at.exception and state.trainer.epoch == 1


# Which sidebar section holds each setting's control (see controls.py)
SECTION = {"data": ("dataset", "n_classes", "noise", "n_samples", "train_ratio", "data_seed",
                    "features"),
           "network": ("hidden", "activation", "output", "init", "init_seed"),
           "training": ("optimizer", "learning_rate", "momentum", "batch_size",
                        "regularization", "reg_rate")}


@pytest.mark.parametrize("name", NAMES)
def test_every_solution_is_in_reach_of_the_controls_the_lesson_shows(name):
    lesson = lessons.load(name)
    shown = View(hide=lesson.hide)
    for step in lesson.steps:
        if step.solution is None:
            continue
        for key in step.solution.settings:
            section = next(s for s, keys in SECTION.items() if key in keys)
            assert not shown.hides(key) and not shown.hides(section), (step.number, key)


# ---------------------------------------------------------------------- the link's form
@pytest.mark.parametrize("name", NAMES)
def test_every_steps_link_is_short_and_reads_back_as_the_step(name):
    lesson = lessons.load(name)
    for step in lesson.steps:
        view, problems = link.start_view(lesson, step.number)
        assert not problems
        view = view.replace(hide=lesson.hide)
        query = link.write(lesson, step.number, step.config, view)
        assert query == {"lesson": name, "step": str(step.number)}
        opened, again, number, problems = link.read(query)
        assert again is lesson and number == step.number and not problems
        assert Config.from_query(opened) == step.config
        assert View.from_query(opened)[0] == view
        # the lesson's own full query (Lesson.query) opens the same
        opened = link.read(lesson.query(step.number))[0]
        assert Config.from_query(opened) == step.config


def test_the_goal_shows_the_run_after_a_settings_change_at_once():
    at = run_app({"lesson": "xor", "step": "2"})
    assert "1 too few" in _texts(at)
    at.number_input(key="w_n_layers").set_value(1).run()  # paused: no frame follows
    assert "1 too few" not in _texts(at) and "hidden layers 1 = 1" in _texts(at)
