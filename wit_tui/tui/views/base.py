"""What every view shares: the session, the run options, the app's decisions, jobs, and the session's events."""

from __future__ import annotations

from typing import ClassVar, Protocol, cast

from textual.containers import Container
from textual.dom import DOMNode
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.session.events import SessionEvent
from wit_tui.engine.session.session import Session
from wit_tui.tui.jobs import JobFailed, JobLine, Jobs
from wit_tui.tui.options import RunOptions
from wit_tui.tui.widgets.status_note import NOTE_SECONDS, StatusNote


class SessionUpdated(Message, bubble=False):
    """The session changed (an engine :mod:`event <wit_tui.engine.session.events>`), sent down by the app (it does
    not bubble: the app posts it to each view)."""

    def __init__(self, event: SessionEvent) -> None:
        super().__init__()
        self.event = event


class HasDecisions(Protocol):
    """The app as views see it: it holds the one ``decisions`` value (reactive)."""

    decisions: Decisions


def decisions_of(widget: Widget) -> Decisions:
    """The app's current decisions (thresholds, strategy, ground truth) as seen from any widget."""
    return cast(HasDecisions, widget.app).decisions


class SessionView(Container):
    """A tab's content. ``session_ready`` runs once the app has scored every model.

    ``jobs`` runs the view's work off the UI thread; its progress shows in the
    view's :class:`JobLine` (the first one composed), ``escape`` cancels.
    """

    #: Title shown on the tab and in the help screen.
    TITLE = ""
    #: One line on what the view is for (help screen, command palette).
    HELP = ""
    #: The widget classes (panels, tables) whose BINDINGS belong to this view's keymap besides its own: the help
    #: screen, the command palette, the README's key table and the one-key-one-meaning test read them.
    KEY_HOSTS: ClassVar[tuple[type[DOMNode], ...]] = ()

    def __init__(self, session: Session, options: RunOptions | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.options = options if options is not None else RunOptions()
        self.ready = False
        self.jobs = Jobs(self, self._job_line)

    def _job_line(self) -> JobLine | None:
        lines = self.query(JobLine)
        return lines.first() if lines else None

    @property
    def decisions(self) -> Decisions:
        return decisions_of(self)

    def say(self, text: str, seconds: float | None = NOTE_SECONDS) -> None:
        """A short note in the view's :class:`StatusNote` line (it fades); a toast when the view has none."""
        notes = self.query(StatusNote)
        if notes:
            notes.first().show(text, seconds)
        else:
            self.notify(text, timeout=seconds or NOTE_SECONDS)

    def session_ready(self) -> None:
        """Called on the UI thread after scoring; render from engine results."""
        self.ready = True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.jobs.worker_ended(event.worker)

    def on_job_failed(self, failed: JobFailed) -> None:
        """The one place a job's error becomes words: a notification naming the job (a panel that undoes
        something on failure handles JobFailed too, and lets it bubble here)."""
        if self.jobs.is_current(failed):
            job = failed.label.rstrip("….")
            self.notify(f"Could not finish: {job}. {failed.text}", title="Error", severity="error", timeout=15)


__all__ = ["HasDecisions", "SessionUpdated", "SessionView", "decisions_of"]
