"""The Textual app: three tabs over one Session, scored in a worker before the views render."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from wit_tui.engine.analysis.data_checks import scoring_notes, scoring_warnings
from wit_tui.engine.analysis.performance import threshold_index
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session import autosave
from wit_tui.engine.session.session import Session
from wit_tui.tui.dialogs.confirm import ConfirmScreen
from wit_tui.tui.dialogs.help import HelpScreen
from wit_tui.tui.registry import VIEWS
from wit_tui.tui.views.base import SessionView
from wit_tui.tui.views.datapoints.view import DatapointView
from wit_tui.tui.views.performance.view import ThresholdsChanged


def describe_session(session: Session) -> str:
    """Header line: dataset, rows, model(s), task."""
    task = session.task
    kind = {
        "binary": f"binary (positive: {task.positive})",
        "multiclass": f"multi-class ({len(task.classes)} classes)",
        "regression": "regression",
    }[task.kind]
    if task.score_method == "decision_function":
        kind += ", decision_function scores"
    models = " vs ".join(session.model_names)
    return f"{session.name} · {session.n_rows:,} rows · {models} · {kind}"


class WitApp(App):
    """wit-tui: the What-If Tool for the terminal."""

    # one stylesheet per view, beside its module, plus the app's own
    CSS_PATH = [
        "app.tcss",
        "views/datapoints/datapoints.tcss",
        "views/performance/performance.tcss",
        "views/features/features.tcss",
    ]
    TITLE = "wit-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("1", "show_view('datapoints')", "Datapoints", show=False, id="view.datapoints"),
        Binding("2", "show_view('performance')", "Performance", show=False, id="view.performance"),
        Binding("3", "show_view('features')", "Features", show=False, id="view.features"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("q", "quit_app", "Quit", id="app.quit"),
        Binding("ctrl+c", "quit_app", "", show=False, priority=True, id="app.ctrl_c"),
    ]

    class Scored(Message):
        """Every model has scored the dataset."""

    class ScoreProgress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, WitApp.ScoreProgress)

    def __init__(self, session: Session, *, use_autosave: bool = True) -> None:
        super().__init__()
        self.session = session
        self.scored = False
        self.autosaver: autosave.Autosaver | None = None
        self._autosave_wanted = use_autosave
        self._autosave_error_shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="loading")
        yield ProgressBar(id="score-progress", show_eta=False)
        with TabbedContent(id="tabs", initial="datapoints"):
            for key, view_cls in VIEWS:
                with TabPane(view_cls.TITLE, id=key):
                    yield view_cls(self.session, id=f"view-{key}")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = describe_session(self.session)
        self.query_one("#loading", Static).update(
            f"Scoring {self.session.n_rows:,} rows with {', '.join(self.session.model_names)}…"
        )
        notes = [*self.session.warnings, *(w for m in self.session.models for w in m.warnings)]
        for warning in notes:
            self.notify(warning, severity="warning", timeout=10)
        self.score_session()
        if self._autosave_wanted:
            self._start_autosave()

    # -- autosave and restore -------------------------------------------
    def _start_autosave(self) -> None:
        """Offer the autosave of an earlier run on the same files, then keep autosaving every change."""
        path = autosave.autosave_path(self.session)
        if path is None:
            return
        try:
            snapshot = autosave.find(self.session)
        except WitError as exc:
            aside = path.with_suffix(".unreadable.json")
            try:
                path.replace(aside)
            except OSError:
                self.notify(f"{exc.message} Autosave is off for this run.", title="Autosave", severity="warning")
                return  # cannot move it aside: do not overwrite it either
            self.notify(f"{exc.message} It was moved to {aside}.", title="Autosave", severity="warning", timeout=15)
            snapshot = None
        if snapshot is None:
            self._attach_autosave(path)
            return

        def answer(ok: bool | None) -> None:
            if ok:
                try:
                    n = autosave.restore(self.session, snapshot)
                except WitError as exc:
                    self.notify(f"{exc.message} {exc.hint}", title="Not restored", severity="error", timeout=15)
                    return  # the file stays; autosave is not attached, so it is not overwritten
                self.notify(f"Restored {n} edited/added datapoint(s).", title="Autosave")
                if self.scored:
                    self.query_one(DatapointView).overlay_replaced()
            else:
                try:
                    aside = autosave.discard(snapshot)
                except WitError as exc:
                    self.notify(f"{exc.message} {exc.hint}", title="Autosave", severity="error", timeout=15)
                    return
                self.notify(f"Not restored; the autosave was kept as {aside}.", title="Autosave", timeout=10)
            self._attach_autosave(path)

        self.push_screen(
            ConfirmScreen(
                f"wit-tui was closed with unsaved work on these files: {snapshot.describe()}.\n"
                "Restore it?  (n sets it aside, it is not deleted)"
            ),
            answer,
        )

    def on_unmount(self) -> None:
        if self._autosave_now in self.session.listeners:
            self.session.listeners.remove(self._autosave_now)
        saver = self.autosaver
        if saver is not None and not self.session.has_unsaved_edits:
            saver.path.unlink(missing_ok=True)  # a clean exit with everything saved to CSV leaves nothing to offer

    def _attach_autosave(self, path) -> None:
        self.autosaver = autosave.Autosaver(self.session, path)
        self.session.listeners.append(self._autosave_now)

    def _autosave_now(self) -> None:
        saver = self.autosaver
        if saver is None:
            return
        saver.save()
        if saver.error is not None and not self._autosave_error_shown:
            self._autosave_error_shown = True  # once: a full disk must not turn every keystroke into an alert
            text = f"Autosave failed: {saver.error.message} Edits are kept in memory; ctrl+s saves them to CSV."
            self.notify(text, title="Autosave", severity="warning", timeout=15)

    @work(thread=True, exclusive=True, group="score", exit_on_error=False)
    def score_session(self) -> None:
        total = self.session.n_rows * len(self.session.models)
        offset = 0

        def progress(done: int, _n: int) -> None:
            self.post_message(self.ScoreProgress(offset + done, total))

        for i in range(len(self.session.models)):
            self.session.scores(i, progress=progress)
            offset += self.session.n_rows
        for text in scoring_warnings(self.session):
            self.notify(text, title="Scoring", severity="warning", timeout=20)
        for text in scoring_notes(self.session):
            self.notify(text, title="Scoring", timeout=6)
        self._precompute()
        self.post_message(self.Scored())

    def _precompute(self) -> None:
        """Sort scores and build curves here, off the UI thread, so screens only do O(log n) work."""
        s = self.session
        if s.has_label and s.task.kind == "binary":
            for i in range(len(s.models)):
                idx = threshold_index(s, i)
                idx.roc_curve, idx.roc_auc, idx.average_precision  # noqa: B018 - cached properties

    def on_wit_app_score_progress(self, message: ScoreProgress) -> None:
        bar = self.query_one("#score-progress", ProgressBar)
        bar.update(total=message.total, progress=message.done)

    def on_wit_app_scored(self, _message: Scored) -> None:
        self.scored = True
        self.query_one("#loading").display = False
        self.query_one("#score-progress").display = False
        for view in self.query(SessionView):
            view.session_ready()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """One place where any worker's error becomes a message instead of a crash."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, WitError):
            text = f"{error.message} {error.hint}".strip()
        else:
            text = f"Unexpected error in {event.worker.name}: {type(error).__name__}: {error}"
        if event.worker.group == "score":
            self.query_one("#loading", Static).update(f"[b red]Could not score the data.[/] {text}")
            self.query_one("#score-progress").display = False
        self.notify(text, title="Error", severity="error", timeout=15)

    @on(ThresholdsChanged)
    def _thresholds_changed(self, message: ThresholdsChanged) -> None:
        self.query_one(DatapointView).set_thresholds(message.thresholds)

    # -- navigation ---------------------------------------------------
    def action_show_view(self, key: str) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = key
        self.call_after_refresh(self._focus_view, key)

    def _focus_view(self, key: str) -> None:
        view = self.query_one(f"#view-{key}", SessionView)
        target = view.focus_target() if hasattr(view, "focus_target") else None
        if target is not None:
            target.focus()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self.call_after_refresh(self._focus_view, event.pane.id)

    @property
    def active_view(self) -> SessionView:
        key = self.query_one("#tabs", TabbedContent).active
        return self.query_one(f"#view-{key}", SessionView)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self, [view_cls for _key, view_cls in VIEWS]))

    def action_quit_app(self) -> None:
        if self.session.has_unsaved_edits:
            n = self.session.overlay.n_changed

            def answer(ok: bool | None) -> None:
                if ok:
                    self.exit()

            kept = " They stay in the autosave and are offered at the next start." if self.autosaver else ""
            self.push_screen(ConfirmScreen(f"{n} edited datapoint(s) are not saved to CSV.{kept} Quit anyway?"), answer)
        else:
            self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key, view_cls in VIEWS:
            yield SystemCommand(
                f"Go to {view_cls.TITLE.split(' ', 1)[1]}", view_cls.HELP, lambda key=key: self.action_show_view(key)
            )
        yield SystemCommand("Help: keys", "Every key of every view", self.action_help)


__all__ = ["WitApp", "describe_session"]
