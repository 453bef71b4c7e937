"""What the playground page keeps between script runs of one session, typed, under one
session key (:data:`KEY`): the run and its guard, whether it plays, the pace and frame
clock of the live view, replay's position, the notices, the own-data draft, the editor,
the lesson open beside the stage, the lenses.

The widgets keep their own keys in ``st.session_state`` (Streamlit needs them: ``w_*``
for the settings, ``speed``, ``focus``, ``edit_layer``, …). A value meant for a widget
that is already drawn (a click on the diagram, inside the live fragment) cannot be
written into it in this run: it waits in :attr:`PlaygroundState.widgets_next_run` and
:meth:`~PlaygroundState.put_widget_values` writes it before the widgets are created.

Two script threads of one session may overlap and share this object (as they share the
session state); what changes the run holds :attr:`PlaygroundState.guard`'s lock. Every
session has its own object: nothing in it is shared between sessions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.compare.pair import Lockstep
from playground.config import Config
from playground.data.points import Points
from playground.lessons import GoalResult, Lesson, Step
from playground.run.trainer import Trainer
from playground.ui.server.classroom import BATCH
from playground.ui.server.session import Pace, RunGuard

KEY = "playground"  # the session key of the page's state (no widget's key)
# a run another page hands over before the playground's first run (the Sweep page's
# Open): the page starts on it if its settings are the link's
HANDED_OVER = "playground_handed_over"


@dataclass
class ReplayState:
    """Replay's position (see replay.py)."""

    at: int | None = None            # the epoch shown while paused (None: the latest)
    run: tuple | None = None         # where the run was when ``at`` was picked (trainer id,
                                     # epoch, last edit): once it moves on, the latest again
    playing_back: bool = False       # a play-back walks through the recorded epochs
    pace: Pace | None = None         # the play-back's pace (index of the epoch per second)
    slider_generation: int = 0       # the scrubber's key suffix: a new key, a new position


@dataclass
class OwnDataState:
    """Your own data being drawn or uploaded (see own_data.py)."""

    draft: Points | None = None      # the points being drawn
    columns: tuple[str, list[str]] | None = None  # (file name, its columns) while the page
                                                  # asks which columns to use
    clicks_seen: tuple[str | None, int] = (None, 0)  # (page, sequence number) of the last
                                                     # drawn click taken in
    suggested: tuple[int, int, int] = (0, 1, 2)  # the likely x1, x2, label among them
    refused: int = 0                 # files refused: the uploader's key suffix (a refused
                                     # file leaves the uploader, not named beside old data)


@dataclass
class LessonState:
    """The lesson open beside the stage (see lessons_page/), if any."""

    lesson: Lesson | None = None     # None: the playground without a lesson
    number: int = 1                  # the step shown (1-based)
    met: GoalResult | None = None    # the step's goal once met: it stays green on this step
    picks: dict[int, int] = field(default_factory=dict)  # step -> the prediction's choice
    hide_before: tuple[str, ...] = ()  # hidden before the lesson (restored when it ends)
    generation: int = 0              # lessons opened: the lesson widgets' key suffix

    @property
    def step(self) -> Step | None:
        """The step shown (None without a lesson)."""
        return None if self.lesson is None else self.lesson.step(self.number)


@dataclass
class LensState:
    """The lenses (see lenses.py and landscape.py); the point, the neuron, the directions
    and the range are widgets' values (``lens_*``)."""

    seed: int = 0                    # of the landscape's random directions (New directions)
    marked: int | None = None        # the training point the regions ring (By the numbers)
    landscape: tuple | None = None   # the last landscape figure: ((settings, epoch,
                                     # weights, data) it was made for, when, how long it
                                     # took, the figure)


@dataclass
class PlaygroundState:
    """One session's playground page."""

    trainer: Trainer                 # the whole run
    guard: RunGuard = field(default_factory=RunGuard)  # the lock every mutation holds
    playing: bool = False
    hide: tuple[str, ...] = ()       # what the link hides stays hidden for the session
    notices: list[tuple[str, str]] = field(default_factory=list)  # (st function, text),
                                                                  # shown on the next run
    shown_notices: list[tuple[str, str]] = field(default_factory=list)  # those the page
                                     # shows until its next run (in the messages' slot)
    halted: tuple[Config, str] | None = None  # a broken run's settings and why Play waits
    reseed_widgets: bool = False     # the settings' widgets show the run's config next run
    show_code: bool = False          # the Code dialog opens on the next run
    edit_open: bool = False          # the weight editor's dialog is open
    edit_target: tuple | None = None  # (layer, from, to, epoch) whose value is in the box
    in_page: bool = False            # a script run of the whole page is going on
    # the live view's clock
    pace: Pace | None = None         # epochs due at a set speed (None: start afresh)
    last_frame: float | None = None  # perf_counter of the last batch at speed "max"
    frame_every: float = BATCH       # seconds between batches (pages playing share them)
    frame_cost: float = 0.002        # seconds the server spends making a frame (average)
    last_batch: list = field(default_factory=list)  # the frames of the last batch sent
    sent_epoch: int | None = None    # the epoch of the last frame sent while playing...
    resume: dict | None = None       # ...and the run's state then (Trainer.state): Pause
    # goes back to it when a batch was training as it was pressed (see app.py)
    last_figures: dict[str, Any] | None = None  # the figures last sent
    panel_at: float = 0.0            # time.monotonic() when the panel was last renewed
    # the Run menu
    gif: tuple[tuple, bytes] | None = None  # ((trainer id, epoch, config), the GIF's bytes)
    run_upload_count: int = 0        # run files opened: the uploader's key suffix
    replay: ReplayState = field(default_factory=ReplayState)
    own: OwnDataState = field(default_factory=OwnDataState)
    lesson: LessonState = field(default_factory=LessonState)
    lens: LensState = field(default_factory=LensState)
    widgets_next_run: dict[str, Any] = field(default_factory=dict)  # widget key -> value
    # compare mode (see compare_view.py): the pair (``pair.b`` is ``trainer``), and why a
    # run of it waits ("a"/"b" -> the diagnosis), None and empty outside compare mode
    pair: Lockstep | None = None
    held_notes: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def of(session_state) -> PlaygroundState | None:
        """The page's state in ``session_state`` (None before the page's first run)."""
        return session_state.get(KEY)

    def notify(self, kind: str, text: str) -> None:
        """Show ``text`` with ``st.<kind>`` (info, success, warning, error) next run."""
        self.notices.append((kind, text))

    def set_widget_next_run(self, key: str, value) -> None:
        """Put ``value`` into the widget ``key`` at the start of the next run."""
        self.widgets_next_run[key] = value

    def put_widget_values(self, session_state) -> None:
        """Write the values waiting for widgets (call before the widgets are created)."""
        while self.widgets_next_run:
            key, value = self.widgets_next_run.popitem()
            session_state[key] = value

    def replace_run(self, run: Trainer) -> None:
        """Make ``run`` the session's run (as a newer script run, under the lock), paused,
        the settings' widgets showing its config on the next run."""
        self.guard.claim()  # an older script run still training gives way
        with self.guard.lock:
            self.trainer = run
        if self.pair is not None and run is not self.pair.b:  # another run: compare ends
            self.pair, self.held_notes = None, {}
        self.playing, self.halted, self.reseed_widgets = False, None, True
