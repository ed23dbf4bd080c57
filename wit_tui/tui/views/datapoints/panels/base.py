"""What every analysis panel of the datapoint editor does: keep a result with the inputs it came from.

A panel is shown for a :class:`~wit_tui.tui.views.datapoints.common.PointContext`. Its
:meth:`~PointPanel.inputs` are what its result depends on (the point, the overlay
version, the thresholds when they matter, its own settings). When a result for the
current inputs is kept it is drawn; otherwise the panel says it is computing and
starts ONE job (``view.jobs``) whose function was built from values read here, on
the UI thread. A result whose inputs are no longer the current ones is never drawn
as current: the panel recomputes, or — after escape cancelled it — says in words
that it is not computed and which key computes it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Static

from wit_tui.engine.session.session import Session
from wit_tui.tui.jobs import JobDone, JobFailed, JobFn, Jobs
from wit_tui.tui.views.datapoints.common import PointContext


class PointPanel(Vertical):
    """One analysis of the selected point, shown on the left instead of the table."""

    #: the keys (action names) this panel serves while it is shown
    ACTIONS: ClassVar[frozenset[str]] = frozenset()
    #: the key that opens it, and computes it again when it is not current
    KEY: ClassVar[str] = ""
    #: its job group
    GROUP: ClassVar[str] = ""

    def __init__(self, session: Session, jobs: Jobs, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.jobs = jobs
        self.context: PointContext | None = None  # what the panel was last shown for
        self.result: Any = None
        self.result_inputs: tuple[Any, ...] | None = None  # what ``result`` was computed from
        self.running_inputs: tuple[Any, ...] | None = None  # what the running job computes from
        self.stale_note = ""  # not computed (cancelled, failed): the words on screen
        self._stale_inputs: tuple[Any, ...] | None = None  # what the words on screen are about

    # -- what subclasses say ---------------------------------------------------------------
    def can(self, action: str, parameters: tuple[Any, ...]) -> bool:
        """Whether the panel's key ``action`` applies now (it is shown)."""
        return True

    def why_not(self, action: str, parameters: tuple[Any, ...]) -> str:
        """Why the key ``action`` does not apply now, in words ("": the router says it generically)."""
        return ""

    def inputs(self, context: PointContext) -> tuple[Any, ...]:
        """What a result for ``context`` depends on (compared to know whether the kept one is current)."""
        return (context.point, context.version, context.thresholds)

    def job(self, context: PointContext) -> tuple[str, JobFn] | None:
        """The label and function of the job computing the result for ``context`` (None: nothing to compute)."""
        return None

    def head(self) -> Static:
        """The Static the panel's state lines go to (computing, cancelled, error)."""
        raise NotImplementedError

    def draw(self, context: PointContext) -> None:
        """Draw ``self.result`` (current for ``context``)."""

    def computing_text(self, context: PointContext) -> str:
        return "Computing… (computing)"

    # -- showing ------------------------------------------------------------------------------
    @property
    def current(self) -> bool:
        """The kept result is the one for the context the panel is shown for."""
        return self.context is not None and self.result_inputs == self.inputs(self.context)

    def show_for(self, context: PointContext, *, force: bool = False) -> None:
        """Draw the result for ``context``: the kept one when current, else compute it (unless the user cancelled
        the same computation and did not ask again: ``force``)."""
        self.context = context
        inputs = self.inputs(context)
        if self.result_inputs == inputs:
            self.stale_note = ""
            self.draw(context)
            return
        if self.running_inputs == inputs:
            return  # already on its way
        if self.stale_note and not force and self._stale_inputs == inputs:
            return  # the words on screen still hold
        self._start(context, inputs)

    def refresh_shown(self) -> None:
        """The panel's own settings changed: show it again for the same point."""
        if self.context is not None:
            self.show_for(self.context, force=True)

    def _start(self, context: PointContext, inputs: tuple[Any, ...]) -> None:
        made = self.job(context)
        if made is None:
            return
        label, fn = made
        self.stale_note = ""
        self.running_inputs = inputs
        self.show_state(Text(self.computing_text(context), style="dim"))
        self.jobs.run(self.GROUP, label, fn, reply_to=self)

    def show_state(self, text: Text) -> None:
        self.head().update(text)

    def cancelled(self) -> None:
        """Escape cancelled the panel's job: say so, and which key computes it again."""
        if self.running_inputs is None:
            return
        self._stale_inputs, self.running_inputs = self.running_inputs, None
        self.stale_note = f"Cancelled: not computed. Press {self.KEY} to compute it."
        self.show_state(Text(self.stale_note, style="yellow"))

    # -- results ----------------------------------------------------------------------------
    def on_job_done(self, done: JobDone) -> None:
        if done.group != self.GROUP:
            return
        done.stop()
        if not self.jobs.is_current(done):
            return
        self.result, self.result_inputs, self.running_inputs = done.result, self.running_inputs, None
        if self.context is not None and self.current:
            self.draw(self.context)

    def on_job_failed(self, failed: JobFailed) -> None:
        """Say it in the panel; the view (the event bubbles on) says it in a notification too."""
        if failed.group != self.GROUP or not self.jobs.is_current(failed):
            return
        self._stale_inputs, self.running_inputs = self.running_inputs, None
        self.stale_note = f"Could not compute: {failed.text}"
        self.show_state(Text(self.stale_note, style="red"))

    def forget(self) -> None:
        """Ids were renumbered: no kept result means what it meant."""
        self.result = self.result_inputs = self.running_inputs = self._stale_inputs = None
        self.stale_note = ""
        if self.jobs.running(self.GROUP):
            self.jobs.cancel(self.GROUP)


__all__ = ["PointPanel"]
