"""The surrogate ("mimic") rules of each model, side by side, with their fidelity; depth with +/-, export with x."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from wit_tui.engine.analysis.session_surrogates import SURROGATE_ROWS, session_surrogates
from wit_tui.engine.analysis.surrogate import DEFAULT_DEPTH, MAX_DEPTH, MIN_DEPTH, Surrogate, export_rules
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.paths import check_output_file, paths_in
from wit_tui.engine.session.session import Session
from wit_tui.tui.dialogs.confirm import ConfirmScreen
from wit_tui.tui.dialogs.form import FormField, FormScreen
from wit_tui.tui.jobs import JobDone, JobFailed, JobLine, Jobs
from wit_tui.tui.widgets.text_static import TextStatic


class SurrogateScreen(ModalScreen[None]):
    """Fits one shallow tree per model in a worker; escape cancels a fit or closes."""

    DEFAULT_CSS = """
    SurrogateScreen {
        align: center middle;
    }
    #sur-box {
        width: 100%;
        height: 100%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    #sur-title {
        height: auto;
    }
    #sur-panes {
        height: 1fr;
    }
    .sur-pane {
        width: 1fr;
        height: 1fr;
        border: solid $panel-lighten-2;
        overflow-x: auto;
    }
    .sur-pane:focus {
        border: solid $accent;
    }
    .sur-rules {
        width: auto;
    }
    #sur-keys {
        height: 1;
        color: $text-muted;
    }
    """
    BINDINGS = [
        Binding("plus,equals_sign", "depth(1)", "Deeper tree", key_display="+", id="surrogate.deeper"),
        Binding("minus", "depth(-1)", "Shallower tree", key_display="-", id="surrogate.shallower"),
        Binding("x", "export", "Export rules…", id="surrogate.export"),
        Binding("escape", "close", "Cancel / close", id="surrogate.close"),
    ]

    def __init__(self, session: Session, thresholds: list[float], depth: int = DEFAULT_DEPTH) -> None:
        super().__init__()
        self.session = session
        self.thresholds = thresholds
        self.depth = depth
        self.surrogates: list[Surrogate] = []
        self.fitting = False
        self.jobs = Jobs(self, lambda: self.query_one(JobLine))

    def compose(self) -> ComposeResult:
        with Vertical(id="sur-box"):
            yield TextStatic("", id="sur-title")
            yield JobLine(id="sur-job")
            with Horizontal(id="sur-panes"):
                for i, m in enumerate(self.session.models):
                    with VerticalScroll(classes="sur-pane", id=f"sur-pane-{i}", can_focus=True):
                        yield TextStatic(f"{m.name}: fitting…", classes="sur-rules", id=f"sur-rules-{i}")
            yield Static("+/- depth · x export · tab next model · ↑/↓ ←/→ scroll · escape close", id="sur-keys")

    def on_mount(self) -> None:
        self.query_one("#sur-pane-0").focus()
        self.fit()

    # -- fitting --------------------------------------------------------
    def fit(self) -> None:
        self.fitting = True
        self.query_one("#sur-title", Static).update(
            Text(f"Fitting depth-{self.depth} trees to each model's predictions…")
        )
        session, thresholds, depth = self.session, tuple(self.thresholds), self.depth
        self.jobs.run(
            "surrogate",
            "Fitting the surrogate trees",
            lambda progress, cancelled: session_surrogates(
                session, thresholds, depth, progress=progress, is_cancelled=cancelled
            ),
        )

    def on_job_done(self, done: JobDone) -> None:
        if done.group != "surrogate" or not self.jobs.is_current(done):
            return
        self.fitting = False
        self.surrogates = done.result
        n = min(self.session.n_rows, SURROGATE_ROWS)
        fid = " · ".join(f"{s.model} {s.fidelity:.3f}" for s in self.surrogates)
        name = self.surrogates[0].fidelity_name if self.surrogates else ""
        self.query_one("#sur-title", Static).update(
            Text.assemble(
                ("Surrogate trees", "bold"),
                f", depth {self.depth}, fitted to each model's predictions ({n:,} rows) · "
                f"fidelity on held-out rows ({name} against the model, not the label): {fid}",
            )
        )
        for i, sur in enumerate(self.surrogates):
            self.query_one(f"#sur-rules-{i}", Static).update(Text(sur.header() + "\n\n" + sur.compact_rules()))

    def on_job_failed(self, failed: JobFailed) -> None:
        if failed.group != "surrogate" or not self.jobs.is_current(failed):
            return
        self.fitting = False
        self.query_one("#sur-title", Static).update(
            Text.assemble(("Surrogate: ", "bold"), f"{failed.text} (+/- fits again)")
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.jobs.worker_ended(event.worker)

    # -- keys -------------------------------------------------------------
    def action_depth(self, delta: int) -> None:
        depth = min(MAX_DEPTH, max(MIN_DEPTH, self.depth + delta))
        if depth == self.depth:
            self.notify(f"The depth stays between {MIN_DEPTH} and {MAX_DEPTH}: a shallow tree is the point.", timeout=4)
            return
        self.depth = depth
        self.fit()

    def action_export(self, default: str = "") -> None:
        if not self.surrogates:
            self.notify("No rules yet: wait for the fit to finish.", severity="warning")
            return
        example = f"surrogate-rules-depth{self.depth}.txt"
        inputs = paths_in(self.session.source)

        def check(values: dict[str, str]) -> Path:
            text = values["path"].strip()
            if not text:
                raise WitError("Give a file name.", f"For example {example}.")
            path = Path(text).expanduser()
            check_output_file(path, inputs, "rules file")  # never over the data or a model file, nor a device
            if path.is_dir():
                raise WitError(f"The rules file path {path} is a folder.", "Give a file name.")
            if not path.resolve().parent.is_dir():
                raise WitError(f"The folder of the rules file {path} does not exist.", "Create it first.")
            return path

        def done(path: Path | None) -> None:
            if path is None:
                return
            if not path.exists():
                self._write_rules(path)
                return

            def answer(ok: bool | None) -> None:
                if ok:
                    self._write_rules(path)
                else:
                    self.action_export(str(path))  # back to the form, to pick another name

            self.app.push_screen(ConfirmScreen(f"Overwrite {path}? It exists already."), answer)

        self.app.push_screen(
            FormScreen(
                "Export the surrogate rules",
                [FormField("path", "File (written atomically):", default or example)],
                check,
                note=f"Relative paths are under {Path.cwd()}.",
            ),
            done,
        )

    def _write_rules(self, path: Path) -> None:
        try:
            written = export_rules(self.surrogates, path, dataset=self.session.name)
        except WitError as exc:
            self.notify(f"{exc.message} {exc.hint}", title="Not exported", severity="error")
            return
        self.notify(f"Wrote the rules of {len(self.surrogates)} model(s) to {written}.", title="Exported")

    def action_close(self) -> None:
        if self.fitting:
            self.jobs.cancel()
            self.fitting = False
            self.query_one("#sur-title", Static).update(
                Text.assemble(("Surrogate:", "bold"), " cancelled (+/- fits again, escape closes).")
            )
            return
        self.dismiss(None)


__all__ = ["SurrogateScreen"]
