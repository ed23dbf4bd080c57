"""The Textual app: three tabs over one Session, scored in a worker before the views render."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.warm_up import Scored, score_session
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session import autosave, autosave_lock
from wit_tui.engine.session.events import OverlayChanged, ScoresReady, SessionEvent
from wit_tui.engine.session.session import Session
from wit_tui.render.text import printable, safe
from wit_tui.tui.dialogs.confirm import ConfirmScreen
from wit_tui.tui.dialogs.help import HelpScreen
from wit_tui.tui.dialogs.other_instance import Choice, OtherInstanceScreen
from wit_tui.tui.jobs import JobDone, JobFailed, JobProgress, Jobs
from wit_tui.tui.options import RunOptions
from wit_tui.tui.registry import VIEWS
from wit_tui.tui.views.base import SessionUpdated, SessionView
from wit_tui.tui.widgets.text_static import TextStatic


def describe_session(session: Session) -> str:
    """Header line: dataset, rows, model(s), task."""
    task = session.task
    kind = {
        "binary": f"binary (positive: {task.positive})",
        "multiclass": f"multi-class ({len(task.classes)} classes)",
        "regression": "regression",
    }[task.kind]
    margins = [name for name, t in zip(session.model_names, session.tasks, strict=True) if t.margins]
    if margins and len(margins) == len(session.models):
        kind += ", decision_function scores"
    elif margins:
        kind += f", {', '.join(margins)}: decision_function scores"
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

    #: how scores become decisions; the performance view replaces it, every other view watches it
    decisions: reactive[Decisions] = reactive(Decisions(()), init=False)

    def __init__(self, session: Session, options: RunOptions | None = None) -> None:
        super().__init__()
        self.session = session
        self.options = options if options is not None else RunOptions()
        self.scored = False
        self.autosaver: autosave.Autosaver | None = None
        #: this instance's claim on its autosave; read_only when another live instance edits the same files
        self.autosave_lock: autosave_lock.AutosaveLock | None = None
        self.read_only = False
        self.jobs = Jobs(self)
        self._autosave_error_shown = False
        #: toasts raised while the start-up question is open, shown once it is answered (a toast must not cover it)
        self._held_toasts: list[tuple[str, str, SeverityLevel, float | None]] | None = None
        self._unsubscribe: Callable[[], None] = lambda: None
        #: the unhandled error that ended the app, if one did: the command line turns it into its exit code
        self.crash: BaseException | None = None
        self.set_reactive(WitApp.decisions, Decisions.initial(self.options.thresholds or session.default_thresholds))

    def compose(self) -> ComposeResult:
        yield Header()
        yield TextStatic(id="loading")
        yield ProgressBar(id="score-progress", show_eta=False)
        with TabbedContent(id="tabs", initial="datapoints"):
            for key, view_cls in VIEWS:
                with TabPane(view_cls.TITLE, id=key):
                    yield view_cls(self.session, self.options, id=f"view-{key}")
        yield Footer()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast as literal, printable text: messages quote the data (names, values), which is never markup
        (widgets pass ``markup=True`` by default; no message of the app uses markup)."""
        if self._held_toasts is not None:
            self._held_toasts.append((message, title, severity, timeout))
            return
        super().notify(
            printable(message, lines=True), title=printable(title), severity=severity, timeout=timeout, markup=False
        )

    def on_mount(self) -> None:
        self._unsubscribe = self.session.subscribe(self._session_event)
        self.sub_title = printable(describe_session(self.session))
        self.query_one("#loading", Static).update(
            safe(f"Scoring {self.session.n_rows:,} rows with {', '.join(self.session.model_names)}…")
        )
        if self.options.autosave:
            self._start_autosave()  # first: its question, if any, holds every start-up toast until it is answered
        notes = [*self.session.warnings, *(w for m in self.session.models for w in m.warnings)]
        for warning in notes:
            self.notify(warning, severity="warning", timeout=10)
        self.jobs.run("score", "Scoring", lambda progress, cancelled: score_session(self.session, progress, cancelled))

    # -- the one adapter from engine events to Textual messages ----------------
    def _session_event(self, event: SessionEvent) -> None:
        """Called on the thread that changed the session: hand the event to the UI thread."""
        self.post_message(SessionUpdated(event))

    @on(SessionUpdated)
    def _session_updated(self, message: SessionUpdated) -> None:
        if isinstance(message.event, ScoresReady):
            return  # the views hear once every model is scored, from session_ready
        if isinstance(message.event, OverlayChanged):
            self._autosave_failed()
        if self.scored:
            for view in self.query(SessionView):
                view.post_message(SessionUpdated(message.event))

    # -- autosave and restore -------------------------------------------
    def _start_autosave(self) -> None:
        """Offer the autosave of an earlier run on the same files, then keep autosaving every change."""
        path = autosave.autosave_path(self.session)
        if path is None:
            return
        if self.autosave_lock is None and not _lock_autosave(self, path):
            return  # another instance edits these files: its question decides, then carries on
        stale = autosave.stale_notice(self.session, path)  # made on other bytes at these paths: kept, said once
        try:
            snapshot = autosave.find(self.session)
        except WitError as exc:
            self._set_aside(path, exc)
            return
        if snapshot is None:
            if stale:
                self.notify(stale, title="Autosave", severity="warning", timeout=15)
            self._attach_autosave(path)
            return

        def answer(ok: bool | None) -> None:
            if ok:
                try:
                    n = autosave.restore(self.session, snapshot)
                except WitError as exc:
                    self._set_aside(path, exc)  # and a fresh autosave from here on: the next edits are kept
                else:
                    self.notify(f"Restored {n} edited/added datapoint(s).", title="Autosave")
                    self._attach_autosave(path)
            else:
                try:
                    aside = autosave.discard(snapshot)
                except WitError as exc:  # it could not be moved: autosave stays off so as not to overwrite it
                    self.notify(f"{exc.message} {exc.hint}", title="Autosave", severity="error", timeout=15)
                else:
                    self.notify(f"Not restored; the autosave was kept as {aside}.", title="Autosave", timeout=10)
                    self._attach_autosave(path)
            self._show_held_toasts()

        self._held_toasts = []
        if stale:
            self.notify(stale, title="Autosave", severity="warning", timeout=15)  # held until answered
        self.push_screen(
            ConfirmScreen(
                f"wit-tui was closed with unsaved work on these files: {snapshot.describe()}.\n"
                "Restore it?  (n sets it aside, it is not deleted)"
            ),
            answer,
        )

    def _set_aside(self, path: Path, exc: WitError) -> None:
        """An autosave that cannot be restored: set aside with one message, never offered again; a fresh one starts."""
        aside = autosave.reject(path)
        if aside is None:
            text = f"{exc.message} It cannot be moved aside; autosave is off for this run."
            self.notify(text, title="Autosave", severity="warning", timeout=15)
            return
        self.notify(f"{exc.message} Not restored; it was moved to {aside}.", title="Autosave", severity="warning")
        self._attach_autosave(path)

    def _show_held_toasts(self) -> None:
        held, self._held_toasts = self._held_toasts or [], None
        for message, title, severity, timeout in held:
            self.notify(message, title=title, severity=severity, timeout=timeout)

    def on_unmount(self) -> None:
        self._unsubscribe()
        saver = self.autosaver
        if saver is not None:
            saver.detach()
            primary = autosave.autosave_path(self.session)
            if not self.session.has_unsaved_edits:
                saver.path.unlink(missing_ok=True)  # a clean exit with everything saved to CSV leaves nothing to offer
            elif primary is not None and saver.path != primary:  # a second autosave: offered next time if it can be
                autosave_lock.promote(saver.path, primary)
        if self.autosave_lock is not None:
            self.autosave_lock.release()  # only ever our own

    def _attach_autosave(self, path: Path) -> None:
        self.autosaver = autosave.Autosaver(self.session, path).attach()

    def _autosave_failed(self) -> None:
        saver = self.autosaver
        if saver is not None and saver.error is None and self._autosave_error_shown:
            self._autosave_error_shown = False  # it works again: a new failure is told again
            self.notify("Autosave works again; every edit is kept.", title="Autosave")
        if saver is not None and saver.error is not None and not self._autosave_error_shown:
            self._autosave_error_shown = True  # once: a full disk must not turn every keystroke into an alert
            text = f"Autosave failed: {saver.error.message} Edits are kept in memory; ctrl+s saves them to CSV."
            self.notify(text, title="Autosave", severity="warning", timeout=15)

    # -- scoring ------------------------------------------------------------------
    def on_job_progress(self, message: JobProgress) -> None:
        if message.group != "score":
            return
        self.query_one("#score-progress", ProgressBar).update(total=message.total, progress=message.done)

    def on_job_done(self, done: JobDone) -> None:
        if done.group != "score" or not self.jobs.is_current(done):
            return
        scored: Scored = done.result
        for text in scored.warnings:
            self.notify(text, title="Scoring", severity="warning", timeout=20)
        for text in scored.notes:
            self.notify(text, title="Scoring", timeout=6)
        self.scored = True
        self.query_one("#loading").display = False
        self.query_one("#score-progress").display = False
        for view in self.query(SessionView):
            view.session_ready()

    def on_job_failed(self, failed: JobFailed) -> None:
        if failed.group != "score":
            return
        loading = self.query_one("#loading", Static)
        loading.update(Text.assemble(("Could not score the data. ", "bold red"), failed.text))
        self.query_one("#score-progress").display = False
        self.notify(failed.text, title="Error", severity="error", timeout=15)

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        """Jobs catch their own errors; a worker that still fails becomes a message, never a crash."""
        if event.worker.node is self:
            self.jobs.worker_ended(event.worker)
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, WitError):
            text = f"{error.message} {error.hint}".strip()
        else:
            text = f"Unexpected error in {event.worker.name}: {type(error).__name__}: {error}"
        self.notify(text, title="Error", severity="error", timeout=15)

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
            n = self.session.n_changed

            def answer(ok: bool | None) -> None:
                if ok:
                    self.exit()

            saver = self.autosaver
            if saver is not None and saver.error is not None:  # never claim a save that did not happen
                kept = (
                    f" Autosave is failing: {saver.error.message} Unsaved edits will be lost;"
                    " answer n and press ctrl+s to save them to CSV."
                )
            elif self.read_only:
                kept = " Read-only: edits are not autosaved; ctrl+s to save them to CSV."
            elif saver is not None and saver.path != autosave.autosave_path(self.session):
                kept = f" They stay in the second autosave {saver.path} (offered at the next start only if the other"
                kept += " wit-tui has already quit)."
            else:
                kept = " They stay in the autosave and are offered at the next start." if saver else ""
            self.push_screen(ConfirmScreen(f"{n} edited datapoint(s) are not saved to CSV.{kept} Quit anyway?"), answer)
        else:
            self.exit()

    def _handle_exception(self, error: Exception) -> None:
        """An unhandled error ends the app (Textual restores the terminal and prints it); keep it for the exit code."""
        if self.crash is None:
            self.crash = error
        super()._handle_exception(error)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key, view_cls in VIEWS:
            yield SystemCommand(
                f"Go to {view_cls.TITLE.split(' ', 1)[1]}", view_cls.HELP, lambda key=key: self.action_show_view(key)
            )
        yield SystemCommand("Help: keys", "Every key of every view", self.action_help)


def _lock_autosave(app: WitApp, path: Path) -> bool:
    """Hold the lock of these files' autosave; False when another live instance holds it (then it asks)."""
    lock = autosave_lock.AutosaveLock(path)
    try:
        owner = lock.acquire()
        second = None if owner is None else autosave_lock.free_second(path)
    except OSError:
        return True  # a folder that cannot be written: the autosave's own warning says so at the first edit
    if owner is None:
        app.autosave_lock = lock
        return True

    def answer(choice: Choice | None) -> None:
        held, app._held_toasts = app._held_toasts or [], None
        if choice == "take-over" and lock.take_over():
            app.autosave_lock = lock
            app._start_autosave()  # as after a crash: its autosave, if any, is offered
        elif choice == "second" and second is not None:
            app.autosave_lock = second
            app._attach_autosave(second.autosave)
            app.notify(f"Autosaving to {second.autosave}; the other instance's autosave is left alone.")
        else:
            app.read_only = True
            app.sub_title = f"{app.sub_title} · read-only: no autosave"
            text = f"Read-only: another wit-tui ({owner.describe()}) edits these files; edits here are not"
            app.notify(f"{text} autosaved (ctrl+s saves them to CSV).", severity="warning", timeout=15)
        if second is not None and app.autosave_lock is not second:
            second.release()
        if app._held_toasts is None:
            app._held_toasts = held
            app._show_held_toasts()
        else:  # the restore question of a taken-over autosave is open now: they wait for it too
            app._held_toasts[:0] = held

    app._held_toasts = []
    name = "none free" if second is None else second.autosave.name
    app.push_screen(OtherInstanceScreen(owner, name), answer)
    return False


__all__ = ["WitApp", "describe_session"]
