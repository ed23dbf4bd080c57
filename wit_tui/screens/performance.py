"""Performance & fairness: how good is each model, at which threshold (binary), or overall (multi-class, regression)."""

from __future__ import annotations

from rich.columns import Columns
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from wit_tui.engine.errors import WitError
from wit_tui.engine.performance import ModelPerformance, model_performance, threshold_index
from wit_tui.engine.stats import Histogram
from wit_tui.screens.base import SessionView
from wit_tui.widgets.format import fmt, pct
from wit_tui.widgets.plots import draw_histogram, draw_roc

FINE, COARSE = 0.01, 0.1


class ThresholdsChanged(Message):
    """The user moved a model's decision threshold; other views re-label their datapoints."""

    def __init__(self, thresholds: list[float]) -> None:
        super().__init__()
        self.thresholds = list(thresholds)


class PerformanceView(SessionView):
    TITLE = "2 Performance & fairness"
    HELP = "Metrics, confusion matrix and ROC curve per model; binary metrics are exact at any threshold."
    HELP_NOTES = ("A row is predicted positive when its score ≥ the threshold (sklearn's convention).\n"
                  "v: `wit-tui validate` of model 2 against model 1 with the --config file (and its threshold).")
    BINDINGS = [
        Binding("right_square_bracket", "threshold(1)", "Thr +0.01", key_display="]", id="perf.up"),
        Binding("left_square_bracket", "threshold(-1)", "Thr −0.01", key_display="[", id="perf.down"),
        Binding("right_curly_bracket", "threshold(10)", "Thr +0.1", key_display="}", show=False, id="perf.up10"),
        Binding("left_curly_bracket", "threshold(-10)", "Thr −0.1", key_display="{", show=False, id="perf.down10"),
        Binding("r", "reset_threshold", "Reset thr", id="perf.reset"),
        Binding("v", "validate", "Validate", id="perf.validate"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="perf-scroll", can_focus=True):
            yield Static("", id="perf-validation")
            yield Static("Scoring…", id="perf-summary")
            yield PlotextPlot(id="perf-plot")

    def focus_target(self) -> Widget:
        return self.query_one("#perf-scroll")

    def session_ready(self) -> None:
        super().session_ready()
        self.thresholds = [self.session.task.default_threshold] * len(self.session.models)
        self.render_performance()

    def on_mount(self) -> None:
        self.query_one("#perf-validation", Static).display = False

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("threshold", "reset_threshold"):
            return self.ready and self.session.has_label and self.session.task.kind == "binary"
        if action == "validate":
            return self.ready and self.session.has_label
        return True

    # -- validation (the same engine call as `wit-tui validate`) --------
    def action_validate(self) -> None:
        panel = self.query_one("#perf-validation", Static)
        panel.display = True
        config = getattr(self.session, "validation_config", None)
        if config is None:
            panel.update(Text.from_markup(
                "[b]No validation config.[/b] Start wit-tui with [b]--config checks.toml[/b] (the TOML file of "
                "`wit-tui validate`, e.g. examples/validate-adult.toml) and press [b]v[/b] here to see every check."))
            return
        panel.update(Text(f"Validating with {config.source}…"))
        self.query_one("#perf-scroll", VerticalScroll).scroll_home(animate=False)
        self.run_validation(config)

    @work(thread=True, exclusive=True, group="validate", exit_on_error=False)
    def run_validation(self, config) -> None:
        from wit_tui.engine.validation import validate_session

        s = self.session
        two = len(s.models) == 2
        try:
            result = validate_session(s, config, candidate=1 if two else 0, baseline=0 if two else None,
                                      rubber_stamp=not two)
        except WitError as exc:
            self.app.call_from_thread(self._show_validation_error, exc)
            return
        self.app.call_from_thread(self._show_validation, result, config.source)

    def _show_validation(self, result, source: str) -> None:
        from wit_tui.render import validation_renderables, verdict

        parts = [verdict(result), *validation_renderables(result, config=source), Text("")]
        self.query_one("#perf-validation", Static).update(Group(*parts))

    def _show_validation_error(self, exc: WitError) -> None:
        self.query_one("#perf-validation", Static).update(
            Text.assemble(("Cannot validate: ", "bold red"), f"{exc.message} {exc.hint}".strip()))

    def action_threshold(self, steps: int) -> None:
        if not self.ready:
            return
        step = FINE
        self.thresholds = [round(t + steps * step, 10) for t in self.thresholds]
        if self.session.task.score_method == "predict_proba":
            self.thresholds = [min(1.0, max(0.0, t)) for t in self.thresholds]
        self.render_performance()
        self.post_message(ThresholdsChanged(self.thresholds))

    def action_reset_threshold(self) -> None:
        self.thresholds = [self.session.task.default_threshold] * len(self.session.models)
        self.render_performance()
        self.post_message(ThresholdsChanged(self.thresholds))

    # -- rendering ----------------------------------------------------
    def render_performance(self) -> None:
        s = self.session
        summary = self.query_one("#perf-summary", Static)
        plot = self.query_one("#perf-plot", PlotextPlot)
        if not s.has_label:
            summary.update(Text.from_markup(
                "[b]No ground truth.[/b] This data was opened without --label, so there is nothing to measure "
                "performance against.\nReopen with [b]--label COLUMN[/b] (the column holding the true answer) to see "
                "metrics here; the Datapoint editor and Features screens work without it."))
            plot.display = False
            return
        try:
            perfs = [model_performance(s, i, self.thresholds[i]) for i in range(len(s.models))]
        except WitError as exc:
            summary.update(Text(f"{exc.message} {exc.hint}"))
            plot.display = False
            return
        kind = s.task.kind
        if kind == "binary":
            summary.update(self._binary_summary(perfs))
            curves = []
            for i, p in enumerate(perfs):
                roc = threshold_index(s, i).roc_curve
                curves.append((p.model, roc.fpr, roc.tpr, (p.binary.fpr, p.binary.recall)))
            draw_roc(plot, curves)
        elif kind == "multiclass":
            summary.update(self._multiclass_summary(perfs))
            plot.display = False
            return
        else:
            summary.update(self._regression_summary(perfs))
            import numpy as np

            res = perfs[0].regression.residuals
            counts, edges = np.histogram(res, bins=20)
            draw_histogram(plot, Histogram(counts, edges), f"Residuals (prediction − {s.label}) of {perfs[0].model}")
        plot.display = True

    def _binary_summary(self, perfs: list[ModelPerformance]) -> Group:
        s = self.session
        note = ""
        if s.task.score_method == "decision_function":
            note = " Scores are decision_function margins (the model has no predict_proba)."
        head = Text.from_markup(
            f"[b]Binary[/b] · positive class [b]{s.task.positive}[/b] · {perfs[0].n_evaluated:,} labelled rows"
            + (f" ({perfs[0].n_unlabelled:,} without a label, left out)" if perfs[0].n_unlabelled else "")
            + f".{note}\nThreshold: " + "  ".join(f"[b]{p.model}[/b] {fmt(p.binary.threshold, 3)}" for p in perfs)
            + "   ([b][[/b] / [b]][/b] move it, [b]r[/b] resets)"
        )
        table = Table(box=None, padding=(0, 2), header_style="bold")
        table.add_column("metric")
        for p in perfs:
            table.add_column(p.model, justify="right")
        rows = [
            ("accuracy", lambda p: fmt(p.binary.accuracy)), ("precision", lambda p: fmt(p.binary.precision)),
            ("recall (TPR)", lambda p: fmt(p.binary.recall)), ("F1", lambda p: fmt(p.binary.f1)),
            ("FPR", lambda p: fmt(p.binary.fpr)), ("FNR", lambda p: fmt(p.binary.fnr)),
            ("ROC AUC", lambda p: fmt(p.roc_auc)), ("average precision", lambda p: fmt(p.average_precision)),
            ("positive rate", lambda p: pct(p.binary.selection_rate)),
        ]
        for name, get in rows:
            table.add_row(name, *(get(p) for p in perfs))
        cms = Columns([self._confusion(p) for p in perfs], padding=(1, 4))
        return Group(head, Text(""), table, Text(""), cms)

    def _confusion(self, p: ModelPerformance) -> Table:
        b = p.binary
        n = b.n or 1
        t = Table(title=f"{p.model}: confusion matrix", title_justify="left", box=None, padding=(0, 1),
                  header_style="bold")
        t.add_column("true \\ pred", no_wrap=True)
        t.add_column("negative", justify="right", no_wrap=True)
        t.add_column("positive", justify="right", no_wrap=True)

        def cell(name: str, v: int) -> Text:
            return Text.assemble(f"{name} {v:,} ", (pct(v / n), "dim"))

        t.add_row("negative", cell("TN", b.tn), cell("FP", b.fp))
        t.add_row("positive", cell("FN", b.fn), cell("TP", b.tp))
        return t

    def _multiclass_summary(self, perfs: list[ModelPerformance]) -> Group:
        table = Table(box=None, padding=(0, 2), header_style="bold")
        table.add_column("metric")
        for p in perfs:
            table.add_column(p.model, justify="right")
        table.add_row("accuracy", *(fmt(p.multiclass.accuracy) for p in perfs))
        table.add_row("macro F1", *(fmt(p.multiclass.f1_macro) for p in perfs))
        table.add_row("weighted F1", *(fmt(p.multiclass.f1_weighted) for p in perfs))
        parts: list = [Text.from_markup(f"[b]Multi-class[/b] · {perfs[0].n_evaluated:,} labelled rows · prediction = argmax"),
                       Text(""), table]
        for p in perfs:
            m = p.multiclass
            cm = Table(title=f"{p.model}: confusion matrix (rows true, columns predicted)", title_justify="left",
                       box=None, padding=(0, 1), header_style="bold")
            cm.add_column("")
            for lab in m.labels:
                cm.add_column(str(lab)[:10], justify="right")
            cm.add_column("recall", justify="right")
            for r, lab in enumerate(m.labels):
                cm.add_row(str(lab)[:14], *(f"{v:,}" for v in m.confusion_matrix[r]), fmt(float(m.recall[r]), 3))
            parts += [Text(""), cm]
        return Group(*parts)

    def _regression_summary(self, perfs: list[ModelPerformance]) -> Group:
        table = Table(box=None, padding=(0, 2), header_style="bold")
        table.add_column("metric")
        for p in perfs:
            table.add_column(p.model, justify="right")
        table.add_row("MAE", *(fmt(p.regression.mae) for p in perfs))
        table.add_row("RMSE", *(fmt(p.regression.rmse) for p in perfs))
        table.add_row("R²", *(fmt(p.regression.r2) for p in perfs))
        return Group(Text.from_markup(f"[b]Regression[/b] · {perfs[0].n_evaluated:,} labelled rows"), Text(""), table)
