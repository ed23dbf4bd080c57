"""What every analysis panel of the datapoint editor does: keep a result with the inputs it came from.

A panel is shown for a :class:`~wit_tui.tui.views.datapoints.common.PointContext`. Its
:meth:`~PointPanel.inputs` are what its result depends on (the point, the overlay
version, the thresholds when they matter, its own settings). When a result for the
current inputs is kept it is drawn; otherwise the panel says it is computing and
starts ONE job (``view.jobs``) whose function was built from values read here, on
the UI thread. A result whose inputs are no longer the current ones is never drawn
as current: the panel recomputes, or — after escape cancelled it — says in words
that it is not computed and which key computes it.

A panel's own keys are BINDINGS of its class, so the footer shows them while the
panel has focus; ``check_action`` asks :meth:`PointPanel.can`. A key whose
setting the panels share (the regression gap, the class of a multi-class
question) goes up to the view as a :class:`PointPanel.Key` message, for the router.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from wit_tui.engine.session.session import Session
from wit_tui.tui.jobs import JobDone, JobFailed, JobFn, Jobs
from wit_tui.tui.views.datapoints.common import PointContext
from wit_tui.tui.widgets.table_keys import ROW_KEYS, TOP_BOTTOM_VI

#: up/down (j/k) and first/last (g/G): the table keys' ids, so a key means one thing on the screen
MOVE_KEYS: list[BindingType] = [
    b for b in [*ROW_KEYS, *TOP_BOTTOM_VI] if isinstance(b, Binding) and b.id in ("table.up", "table.down")
]
FIRST_LAST_KEYS: list[BindingType] = list(TOP_BOTTOM_VI)


def panel_binding(key: str, action: str, text: str, id_: str, show: bool = False, display: str | None = None):
    """A key of one panel (id ``datapoints.<id_>``: the ids the help, the palette and a keymap override use)."""
    return Binding(key, action, text, show=show, key_display=display, id=f"datapoints.{id_}")


#: the class of a multi-class question, one choice for the ICE, attributions and counterfactual panels
CLASS_KEY = panel_binding("C", "cycle_class", "Next class", "class", True)


class PanelScroll(VerticalScroll):
    """A panel's scrolling text: j/k scroll a line, g/G to the top and bottom (as the tables move)."""

    BINDINGS = [*MOVE_KEYS, *FIRST_LAST_KEYS]

    def action_cursor_down(self) -> None:
        self.scroll_down()

    def action_cursor_up(self) -> None:
        self.scroll_up()

    def action_cursor_top(self) -> None:
        self.scroll_home()

    def action_cursor_bottom(self) -> None:
        self.scroll_end()


class PointPanel(Vertical):
    """One analysis of the selected point, shown on the left instead of the table."""

    class Key(Message):
        """A key whose setting the panels share (``gap``, ``cycle_class``) or that moves the inspector
        (``feature``): the view hands it to the router."""

        def __init__(self, name: str, *args: Any) -> None:
            super().__init__()
            self.name, self.args = name, args

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
        if action == "cycle_class":
            return self.session.task.kind == "multiclass"
        if action == "gap":
            return self.session.task.kind == "regression"
        return True

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        """The panel's own keys: hidden from the footer, and explained when pressed, when they do not apply."""
        return self.can(action, parameters) if action in self.ACTIONS else True

    def focus_widget(self) -> Widget:
        """What takes the focus when the panel opens (its keys are in the footer while it has it)."""
        return self.query_one(PanelScroll)

    # -- the keys whose setting the panels share: the router keeps it ---------------------------------
    def action_cycle_class(self) -> None:
        self.post_message(PointPanel.Key("cycle_class"))

    def action_gap(self, step: int) -> None:
        self.post_message(PointPanel.Key("gap", step))

    def why_not(self, action: str, parameters: tuple[Any, ...]) -> str:
        """Why the key ``action`` does not apply now, in words ("": the router says it generically)."""
        if action == "cycle_class":
            return f"C picks the class of a multi-class task; for a {self.session.task.kind} task there is none."
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
        """Say it in the panel, where it was asked for; no toast over the panel on top of it."""
        if failed.group != self.GROUP:
            return
        failed.stop()
        if not self.jobs.is_current(failed):
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


__all__ = ["CLASS_KEY", "FIRST_LAST_KEYS", "MOVE_KEYS", "PanelScroll", "PointPanel", "panel_binding"]
