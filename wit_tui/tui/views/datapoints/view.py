"""Datapoint editor: browse every datapoint, edit one and re-infer it live, ask what-if questions about it.

The left pane is the datapoint table (:mod:`.table`, a virtual DataGrid over the
ids :mod:`.browse` chose) or one analysis panel (:mod:`.panels`); the right pane is
the selected point (:mod:`.inspector`, edited by :mod:`.edits`). This view holds the
keys; the panel shown and its keys are the router's (:mod:`.panels.router`): each
panel declares the keys it serves and ``check_action`` asks the one shown. The
thresholds are the app's decisions (watched); the session's events redraw what
changed (ids renumbered: the whole table). Work off the UI thread goes through
``self.jobs``; progress on the job line, escape cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import DataTable

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.session.events import OverlayChanged
from wit_tui.engine.whatif import point as point_questions
from wit_tui.tui.jobs import JobDone, JobLine
from wit_tui.tui.views.base import SessionUpdated
from wit_tui.tui.views.datapoints.browse import SORT_GROUP, Browser
from wit_tui.tui.views.datapoints.common import ApplyEdit, GoToPoint, PointNote, Ranked, point_thresholds
from wit_tui.tui.views.datapoints.edits import PointEditor
from wit_tui.tui.views.datapoints.help_notes import HELP_NOTES
from wit_tui.tui.views.datapoints.inspector import FeatureTable, Inspector
from wit_tui.tui.views.datapoints.keys import BY_KEY, KEYS, why_silent
from wit_tui.tui.views.datapoints.panels.attributions import AttributionsPanel
from wit_tui.tui.views.datapoints.panels.base import PointPanel
from wit_tui.tui.views.datapoints.panels.counterfactual import CounterfactualPanel
from wit_tui.tui.views.datapoints.panels.curves import CurvesPanel
from wit_tui.tui.views.datapoints.panels.history import HistoryPanel
from wit_tui.tui.views.datapoints.panels.minimal_edits import EditList, MinimalEditsPanel
from wit_tui.tui.views.datapoints.panels.router import PanelName, PanelRouter, PanelSwitcher
from wit_tui.tui.views.datapoints.save import EditsSaver
from wit_tui.tui.views.datapoints.table import PointTable
from wit_tui.tui.views.datapoints.table_commands import TableCommands
from wit_tui.tui.widgets.prompt_bar import PromptBar
from wit_tui.tui.widgets.status_note import StatusNote
from wit_tui.tui.widgets.text_static import TextStatic

WARM_GROUP = "dp.warm"


class DatapointView(TableCommands):
    TITLE = "1 Datapoint editor"
    HELP = (
        "Every datapoint with truth, predictions and scores; edit one live, find its nearest counterfactual (CF), "
        "minimal edits, ICE / partial dependence, attributions."
    )
    HELP_NOTES = HELP_NOTES
    BINDINGS = KEYS
    KEY_HOSTS = (
        PointTable,
        FeatureTable,
        CounterfactualPanel,
        MinimalEditsPanel,
        EditList,
        CurvesPanel,
        AttributionsPanel,
        HistoryPanel,
    )

    def __init__(self, session, options=None, **kwargs) -> None:
        super().__init__(session, options, **kwargs)
        self.selected = 0
        self.version = 0  # counts the overlay changes seen: a panel's result keeps the version it was made at
        self.browser = Browser(self, session)
        self.editor = PointEditor(self, session)
        self.saver = EditsSaver(self, session)
        self.grid = PointTable(session, lambda: self.thresholds, id="dp-grid")
        self.inspector = Inspector(session, id="dp-side")
        self.prompt = PromptBar(id="dp-prompt")
        self.panels: dict[str, PointPanel] = {
            "cf": CounterfactualPanel(session, self.jobs, self.browser, self.options.cf_features, id="dp-cf"),
            "min": MinimalEditsPanel(session, self.jobs, id="dp-min"),
            "ice": CurvesPanel(session, self.jobs, id="dp-ice"),
            "attr": AttributionsPanel(session, self.jobs, id="dp-attr"),
            "hist": HistoryPanel(session, self.jobs, id="dp-hist"),
        }
        self.router = PanelRouter(self, self.panels, PanelSwitcher(id="dp-left", initial="dp-grid"))
        self._seen: tuple[Any, ...] = (session.n_total, ())  # the total and thresholds drawn
        self._changes: tuple[set[int], bool] | None = None  # overlay changes not drawn yet (ids, renumbered)
        self._key_state: tuple[Any, ...] | None = None
        self.side_shown: bool | None = None  # None: as the terminal's width decides (see on_resize)

    def compose(self) -> ComposeResult:
        yield TextStatic("Scoring…", id="dp-status")
        yield StatusNote(id="dp-say")
        yield JobLine(id="dp-job")
        with Horizontal(id="dp-body"):
            with self.router.left:
                yield self.grid
                yield from self.panels.values()
            yield self.inspector
        yield self.prompt

    def on_mount(self) -> None:
        self.prompt.display = False
        self.watch(self.app, "decisions", self._decisions_changed, init=False)
        self._fit_side_panel()

    @property
    def thresholds(self) -> tuple[float, ...]:
        """The thresholds points are labelled with: the app's decisions (never a copy kept here)."""
        return point_thresholds(self, self.session)

    @property
    def panel(self) -> PanelName:
        """The panel shown on the left (``"table"``: none); the router keeps it."""
        return self.router.name

    def focus_target(self) -> Widget:
        if self.panel != "table":  # the panel: its keys are in the footer while it has the focus
            return self.router.focus_widget() or self.inspector.table
        return self.grid

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """A key of the point is asked of the editor, a panel's key of the panel shown."""
        if action in ("focus_detail", "focus_table", "escape", "side_panel"):
            return True
        if not self.ready:
            return False
        if action == "point":
            return self.editor.can(parameters[0])
        if action == "panel_key":
            return self.router.can_key(parameters)
        return True

    def on_key(self, event: events.Key) -> None:
        """A key of this view that did not run (``check_action`` refused it) reaches here: say why, never nothing."""
        why = why_silent(self, event.key)
        if why:
            event.stop()
            self.note(why, error=True)
        elif self.router.run_elsewhere(BY_KEY.get(event.key)):  # a panel's key pressed in the features
            event.stop()

    # -- the session -------------------------------------------------------------------------------------
    def session_ready(self) -> None:
        super().session_ready()
        self._seen = (self.session.n_total, self.thresholds)
        self.inspector.fill()
        self.grid.show(self.browser.ids)
        self._select(0, force=True)
        focused = self.app.focused
        if focused is None or self in focused.ancestors_with_self:  # never pull focus from another tab
            self.grid.focus()
        self._update_status()
        session = self.session
        self.jobs.run(WARM_GROUP, "Preparing distances…", lambda p, c: point_questions.warm_up(session, p, c))

    def on_session_updated(self, message: SessionUpdated) -> None:
        """The overlay changed (here or anywhere): redraw once for the changes queued together."""
        event = message.event
        if not self.ready or not isinstance(event, OverlayChanged):
            return  # session_ready draws the state of the moment
        if self._changes is None:
            self._changes = (set(), False)
            self.call_later(self._draw_changes)
        ids, renumbered = self._changes
        self._changes = (ids | set(event.ids), renumbered or event.renumbered)

    def _draw_changes(self) -> None:
        if self._changes is None:
            return
        ids, renumbered = self._changes
        self._changes = None
        total, thresholds = self._seen
        self._seen = (self.session.n_total, thresholds)
        if renumbered:  # every id may mean another point: nothing kept by id holds
            self.router.forget()
            self.selected = min(self.selected, self.session.n_total - 1)
            self.browser.rebuild(keep_position=True)
        elif self.session.n_total > total:
            self.browser.grow(range(total, self.session.n_total))
            self.grid.show(self.browser.ids, keep_cursor=True)
        if ids or renumbered:
            self.version += 1
        self.grid.refresh_rows()
        self.inspector.show_point(self.selected, self.thresholds)
        self._update_status()
        self._refresh_keys()
        self.router.refresh()

    def _decisions_changed(self, _decisions: Decisions) -> None:
        """The thresholds are part of every label shown and of the panels' inputs."""
        total, seen = self._seen
        if not self.ready or self.thresholds == seen:
            return
        self._seen = (total, self.thresholds)
        self.grid.refresh_rows()
        self.inspector.show_point(self.selected, self.thresholds)
        self._update_status()
        self.router.refresh()

    def on_job_done(self, done: JobDone) -> None:
        if done.group == SORT_GROUP and self.jobs.is_current(done):
            self.browser.sorted(done.result)

    # -- the table and the selection ------------------------------------------------------------------
    def on_point_table_cursor_moved(self, _message: PointTable.CursorMoved) -> None:
        self.sync()

    @on(PointTable.RowSelected, "#dp-grid")
    def _row_selected(self, _event: PointTable.RowSelected) -> None:
        self.action_focus_detail()

    def sync(self) -> None:
        """The grid's cursor is the truth: act on its row even if its RowHighlighted is still queued (fast typing)."""
        i = self.grid.cursor_id() if self.ready else None
        if i is not None and i != self.selected:
            self._select(i)

    def _select(self, i: int, *, force: bool = False) -> None:
        if not 0 <= i < self.session.n_total:
            return
        changed = force or i != self.selected
        self.selected = i
        self.inspector.show_point(i, self.thresholds)
        self._refresh_keys()
        if changed:
            self.router.refresh()

    def select_added(self, point: int) -> None:
        """A point was added here: it joins the end of the table and is selected."""
        total, thresholds = self._seen
        self._seen = (self.session.n_total, thresholds)
        self.browser.grow(range(total, self.session.n_total))
        self.grid.show(self.browser.ids, keep_cursor=True)
        self.grid.move_cursor(self.grid.n_shown - 1)
        self._select(point)

    def go_to(self, point: int) -> bool:
        """Close any panel and put the cursor on ``point``; False when the filter hides it."""
        pos = self.grid.pos_of(point)
        if pos is None:
            return False
        self.router.close()
        self.grid.move_cursor(pos)
        self._select(point)
        self.grid.focus()
        return True

    def _refresh_keys(self) -> None:
        """Ask the footer to re-check the keys, only when something they depend on changed (it recomposes)."""
        s, i = self.session, self.selected
        feature_edited = self.inspector.current_feature() in s.edited_values(i)
        state = (self.ready, self.panel, s.is_added(i), s.is_edited(i), feature_edited)
        if state != self._key_state:
            self._key_state = state
            self.refresh_bindings()

    # -- keys --------------------------------------------------------------------------------------------
    def action_browse(self, name: str, *args: Any) -> None:
        if self.ready:
            getattr(self.browser, name)(*args)

    def action_point(self, name: str, *args: Any) -> None:
        if self.ready:
            self.need_side_panel()
            self.editor.run(name, *args)

    def action_panel_key(self, name: str, *args: Any) -> None:
        self.router.key(name, *args)

    def action_save(self) -> None:
        self.saver.ask()

    def action_next_point(self, delta: int) -> None:
        if self.ready and self.grid.n_shown:
            self.grid.move_cursor(max(0, min(self.grid.n_shown - 1, self.grid.cursor_row + delta)))

    def action_focus_detail(self) -> None:
        self.need_side_panel()
        self.inspector.table.focus()

    def action_focus_table(self) -> None:
        self.router.close()
        self.grid.focus()

    def action_rank(self) -> None:
        self.router.rank()

    # -- panels (the router) ---------------------------------------------------------------------------------
    def action_panel(self, name: PanelName) -> None:
        self.router.open(name)

    def action_escape(self) -> None:
        self.router.escape()

    # -- what the parts ask for -------------------------------------------------------------------------------
    def on_point_note(self, message: PointNote) -> None:
        self.note(message.text, message.error)

    def on_go_to_point(self, message: GoToPoint) -> None:
        if not self.go_to(message.point):
            self.note(f"Datapoint {message.point} is hidden by the filter.", error=True)

    def on_apply_edit(self, message: ApplyEdit) -> None:
        self.editor.apply(message.values, message.note)

    def on_ranked(self, message: Ranked) -> None:
        self.inspector.set_rank(message.rank, self.selected)

    @on(DataTable.RowHighlighted, "#dp-features")
    def _feature_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._refresh_keys()
        if self.panel == "ice":
            self.router.refresh()

    @on(DataTable.RowSelected, "#dp-features")
    def _feature_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_point("edit")

    @on(PromptBar.Submitted)
    def _prompt_submitted(self, event: PromptBar.Submitted) -> None:
        handlers: dict[str, Callable[[str], None]] = {
            "edit": self.editor.typed,
            "filter": self.browser.apply_expression,
            "jump": self.browser.jump,
            "save": self.saver.save,
        }
        handle = handlers.get(event.mode)
        if handle is not None:
            handle(event.value)

    @on(PromptBar.Cancelled)
    def _prompt_cancelled(self, _event: PromptBar.Cancelled) -> None:
        if self.app.focused is None:
            self.focus_target().focus()


__all__ = ["DatapointView"]
