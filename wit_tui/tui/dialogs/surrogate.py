"""The surrogate ("mimic") rules of each model, side by side, with their fidelity; depth with +/-, export with x."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from wit_tui.engine.analysis.surrogate import (
    DEFAULT_DEPTH,
    MAX_DEPTH,
    MIN_DEPTH,
    Surrogate,
    export_rules,
    fit_surrogate,
)
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.scoring import labels_from
from wit_tui.engine.session.session import Session
from wit_tui.tui.dialogs.form import FormField, FormScreen

SURROGATE_ROWS = 20_000  # rows the trees learn from and are checked on (a random sample beyond that)


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
    #sur-job {
        height: 1;
    }
    #sur-job ProgressBar {
        width: 1fr;
    }
    #sur-job-label {
        width: auto;
        margin-right: 1;
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

    class Fitted(Message):
        def __init__(self, surrogates: list[Surrogate]) -> None:
            super().__init__()
            self.surrogates = surrogates

    class Step(Message):
        def __init__(self, done: int, total: int, label: str) -> None:
            super().__init__()
            self.done, self.total, self.label = done, total, label

    def __init__(self, session: Session, thresholds: list[float], depth: int = DEFAULT_DEPTH) -> None:
        super().__init__()
        self.session = session
        self.thresholds = thresholds
        self.depth = depth
        self.surrogates: list[Surrogate] = []
        self.fitting = False

    def compose(self) -> ComposeResult:
        with Vertical(id="sur-box"):
            yield Static("", id="sur-title")
            with Horizontal(id="sur-job"):
                yield Static("", id="sur-job-label")
                yield ProgressBar(id="sur-bar", show_eta=False)
            with Horizontal(id="sur-panes"):
                for i, m in enumerate(self.session.models):
                    with VerticalScroll(classes="sur-pane", id=f"sur-pane-{i}", can_focus=True):
                        yield Static(f"{m.name}: fitting…", classes="sur-rules", id=f"sur-rules-{i}")
            yield Static("+/- depth · x export · tab next model · ↑/↓ ←/→ scroll · escape close", id="sur-keys")

    def on_mount(self) -> None:
        self.query_one("#sur-pane-0").focus()
        self.fit()

    # -- fitting --------------------------------------------------------
    def fit(self) -> None:
        self.fitting = True
        self.query_one("#sur-job").display = True
        self.query_one("#sur-title", Static).update(
            Text(f"Fitting depth-{self.depth} trees to each model's predictions…")
        )
        self._fit(self.depth)

    @work(thread=True, exclusive=True, group="surrogate", exit_on_error=False)
    def _fit(self, depth: int) -> None:
        worker = get_current_worker()
        s = self.session
        rows = np.arange(s.n_rows)
        if s.n_rows > SURROGATE_ROWS:
            rows = np.sort(np.random.default_rng(0).choice(s.n_rows, SURROGATE_ROWS, replace=False))
        frame = s.data.iloc[rows]
        out = []
        for i, m in enumerate(s.models):
            if worker.is_cancelled:
                return
            self.post_message(self.Step(i, len(s.models), f"{m.name}…"))
            sc = s.scores(i)
            if s.task.is_classification:
                preds = labels_from(sc.score, sc.proba, s.task, self.thresholds[i])[rows]
                target = f"{m.name}'s predicted class"
                if s.task.kind == "binary":
                    target += f" at threshold {self.thresholds[i]:.3g}"
            else:
                preds = sc.score[rows]
                target = f"{m.name}'s prediction"
            out.append(
                fit_surrogate(
                    frame,
                    s.features,
                    preds,
                    classification=s.task.is_classification,
                    depth=depth,
                    model=m.name,
                    target=target,
                )
            )
        if not worker.is_cancelled:
            self.post_message(self.Step(len(s.models), len(s.models), "done"))
            self.post_message(self.Fitted(out))

    def on_surrogate_screen_step(self, message: Step) -> None:
        self.query_one("#sur-job-label", Static).update(Text(f"Fitting {message.label}"))
        self.query_one("#sur-bar", ProgressBar).update(total=message.total, progress=message.done)

    def on_surrogate_screen_fitted(self, message: Fitted) -> None:
        self.fitting = False
        self.surrogates = message.surrogates
        self.query_one("#sur-job").display = False
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

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "surrogate" and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.fitting = False
            self.query_one("#sur-job").display = False
            error = event.worker.error
            text = f"{error.message} {error.hint}".strip() if isinstance(error, WitError) else "Cancelled."
            self.query_one("#sur-title", Static).update(
                Text.assemble(("Surrogate: ", "bold"), f"{text} (+/- fits again)")
            )

    # -- keys -------------------------------------------------------------
    def action_depth(self, delta: int) -> None:
        depth = min(MAX_DEPTH, max(MIN_DEPTH, self.depth + delta))
        if depth == self.depth:
            self.notify(f"The depth stays between {MIN_DEPTH} and {MAX_DEPTH}: a shallow tree is the point.", timeout=4)
            return
        self.depth = depth
        self.fit()

    def action_export(self) -> None:
        if not self.surrogates:
            self.notify("No rules yet: wait for the fit to finish.", severity="warning")
            return
        default = f"surrogate-rules-depth{self.depth}.txt"

        def check(values: dict[str, str]) -> Path:
            path = values["path"].strip()
            if not path:
                raise WitError("Give a file name.", f"For example {default}.")
            return export_rules(self.surrogates, path, dataset=self.session.name)

        def done(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Wrote the rules of {len(self.surrogates)} model(s) to {path}.", title="Exported")

        self.app.push_screen(
            FormScreen(
                "Export the surrogate rules",
                [FormField("path", "File (written atomically):", default)],
                check,
                note=f"Relative paths are under {Path.cwd()}.",
            ),
            done,
        )

    def action_close(self) -> None:
        if self.fitting:
            self.workers.cancel_group(self, "surrogate")
            self.fitting = False
            self.query_one("#sur-job").display = False
            self.query_one("#sur-title", Static).update("[b]Surrogate:[/] cancelled (+/- fits again, escape closes).")
            return
        self.dismiss(None)


__all__ = ["SurrogateScreen"]
