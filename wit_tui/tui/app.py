"""The Textual app: three tabs over one Session, scored in a worker before the views render."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, ProgressBar, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.warm_up import Scored, score_session
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session import autosave, autosave_lock
from wit_tui.engine.session.events import OverlayChanged, ScoresReady, SessionEvent
from wit_tui.engine.session.session import Session
from wit_tui.render.text import printable, safe
from wit_tui.tui import autosave_flow
from wit_tui.tui.commands import KeyCommands
from wit_tui.tui.dialogs.confirm import ConfirmScreen
from wit_tui.tui.dialogs.help import HelpScreen
from wit_tui.tui.header_text import describe_session, header_parts
from wit_tui.tui.jobs import JobDone, JobFailed, JobProgress, Jobs
from wit_tui.tui.key_config import load_key_config
from wit_tui.tui.keymap import APP_KEYS, screens
from wit_tui.tui.options import RunOptions
from wit_tui.tui.registry import VIEWS
from wit_tui.tui.silent_keys import why_silent
from wit_tui.tui.views.base import SessionUpdated, SessionView
from wit_tui.tui.widgets import status_note
from wit_tui.tui.widgets.text_static import TextStatic

#: an informational toast is read in a glance; warnings and errors keep the time their sender gave them
INFO_SECONDS = 5.0


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
    COMMANDS = App.COMMANDS | {KeyCommands}
    NOTIFICATION_TIMEOUT = INFO_SECONDS
    BINDINGS = APP_KEYS

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
        self._autosave_failure = autosave_flow.FailureNotice()
        #: toasts raised while a dialog is open, shown once it closes (a toast must never cover a dialog)
        self._held_toasts: list[tuple[str, str, SeverityLevel, float | None]] = []
        #: binding id -> keys from the config file (the help screen and the palette show these keys)
        self.key_overrides: dict[str, str] = {}
        self._show_title = True
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

    # -- toasts: literal text, short when informational, never over a dialog ---------------------------
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
        if self._dialog_open():
            self._held_toasts.append((message, title, severity, timeout))
            return
        if severity == "information":
            timeout = min(timeout or INFO_SECONDS, INFO_SECONDS)
        super().notify(
            printable(message, lines=True), title=printable(title), severity=severity, timeout=timeout, markup=False
        )

    def _dialog_open(self) -> bool:
        stack = self.screen_stack
        return bool(stack) and isinstance(stack[-1], ModalScreen)

    def _screen_changed(self, _screen: Screen) -> None:
        """A dialog closed: its answer runs first (it may open the next question), then the held toasts show."""
        self.call_next(self._show_held_toasts)

    def _show_held_toasts(self) -> None:
        if self._dialog_open():
            return
        held, self._held_toasts = self._held_toasts, []
        for message, title, severity, timeout in held:
            self.notify(message, title=title, severity=severity, timeout=timeout)

    def on_mount(self) -> None:
        self._unsubscribe = self.session.subscribe(self._session_event)
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self._fit_header(self.size.width)
        self.query_one("#loading", Static).update(
            safe(f"Scoring {self.session.n_rows:,} rows with {', '.join(self.session.model_names)}…")
        )
        if self.options.autosave:  # first: its question, if any, holds every start-up toast until it is answered
            autosave_flow.start_autosave(self)
        config = load_key_config()
        self.key_overrides = dict(config.keymap)
        if self.key_overrides:
            self.set_keymap(self.key_overrides)
        for problem in config.problems:
            self.notify(problem, title="Keys", severity="warning", timeout=15)
        notes = [*self.session.warnings, *(w for m in self.session.models for w in m.warnings)]
        for warning in notes:
            self.notify(warning, severity="warning", timeout=10)
        self.jobs.run("score", "Scoring", lambda progress, cancelled: score_session(self.session, progress, cancelled))

    # -- the header: names shortened before the task or the positive class is cut -----------------------
    def on_resize(self, event: events.Resize) -> None:
        self._fit_header(event.size.width)

    def _fit_header(self, width: int) -> None:
        suffix = " · read-only: no autosave" if self.read_only else ""
        title, sub = header_parts(self.session, width, self.title, suffix)
        self._show_title = bool(title)
        self.sub_title = printable(sub)

    def format_title(self, title: str, sub_title: str) -> Content:
        if self._show_title or not sub_title:
            return super().format_title(title, sub_title)
        return Content(sub_title).stylize("dim")

    # -- a key that does nothing says why, once, in the view's note line ----------------------------------
    def on_key(self, event: events.Key) -> None:
        """Runs before the bindings are tried: when a binding for the key exists but none applies now, say why."""
        if self._dialog_open() or not self.scored or event.key == "escape":
            return  # escape with nothing to cancel or close is a habit, not a question: no note for it
        why = why_silent(self, event.key)
        if why:
            self.active_view.say(why, status_note.NOTE_SECONDS)

    # -- the one adapter from engine events to Textual messages ----------------
    def _session_event(self, event: SessionEvent) -> None:
        """Called on the thread that changed the session: hand the event to the UI thread."""
        self.post_message(SessionUpdated(event))

    @on(SessionUpdated)
    def _session_updated(self, message: SessionUpdated) -> None:
        if isinstance(message.event, ScoresReady):
            return  # the views hear once every model is scored, from session_ready
        if isinstance(message.event, OverlayChanged):
            self._autosave_failure.check(self)
        if self.scored:
            for view in self.query(SessionView):
                view.post_message(SessionUpdated(message.event))

    def on_unmount(self) -> None:
        self._unsubscribe()
        autosave_flow.close_autosave(self)

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
        if tabs.active != key:
            # nothing focused while the old tab hides: the framework would pass focus to the next focusable widget
            # of the hidden tab (the histogram), whose focus switches the tabs straight back
            self.screen.set_focus(None)
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
        current = self.query_one("#tabs", TabbedContent).active
        self.push_screen(HelpScreen(screens(VIEWS, self.key_overrides), current))

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


__all__ = ["WitApp", "describe_session"]
