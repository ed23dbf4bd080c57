"""One slice up close (D on the slice table): each model's ROC and precision-recall curves on that slice, its
confusion matrix at the threshold the decisions give the slice, and its reliability diagram; escape closes.

The figures and the matrices are the overview's own renderers, drawn from the slice's rows only.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.columns import Columns
from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual_plotext import PlotextPlot

from wit_tui.engine.analysis.slice_detail import ModelSlice
from wit_tui.render.calibration import calibration_table, undefined_lines
from wit_tui.render.figures import PrFigure, ReliabilityFigure, RocFigure
from wit_tui.render.tables import confusion_table, thr
from wit_tui.tui.widgets.plot import show_figure
from wit_tui.tui.widgets.text_static import TextStatic

SLICE_DETAIL_CSS = """
SliceDetailScreen {
    align: center middle;
}
SliceDetailScreen > .dialog {
    width: 96%;
    max-width: 160;
    height: 92%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}
SliceDetailScreen .dialog-title {
    text-style: bold;
}
SliceDetailScreen .dialog-keys {
    color: $text-muted;
}
SliceDetailScreen #detail-body {
    height: 1fr;
}
SliceDetailScreen #detail-curves {
    height: 14;
}
SliceDetailScreen #detail-roc, SliceDetailScreen #detail-pr {
    width: 1fr;
    height: 1fr;
}
SliceDetailScreen #detail-matrices, SliceDetailScreen #detail-calibration {
    height: auto;
}
SliceDetailScreen #detail-reliability {
    height: 14;
}
"""

KEYS_NOTE = "↑/↓ scroll · esc closes"


def _points(m: ModelSlice) -> tuple[tuple[float, float], tuple[float, float] | None]:
    """The operating point on the ROC (FPR, TPR) and PR (recall, precision) curves from the slice's counts."""
    tn, fp, fn, tp = m.counts
    nan = float("nan")
    fpr = fp / (fp + tn) if fp + tn else nan
    tpr = tp / (tp + fn) if tp + fn else nan
    return (fpr, tpr), ((tpr, tp / (tp + fp)) if tp + fp else None)


class SliceDetailScreen(ModalScreen[None]):
    """The curves, confusion matrices and calibration of slice ``title`` for every model (``models[i]``)."""

    DEFAULT_CSS = SLICE_DETAIL_CSS
    BINDINGS = [Binding("escape", "close", "Close", id="slice_detail.close")]

    def __init__(
        self, title: str, names: Sequence[str], models: Sequence[ModelSlice], labels: tuple[str, str], per_slice: bool
    ) -> None:
        super().__init__()
        self.title_text = title
        self.names = list(names)
        self.models = tuple(models)
        self.labels = labels
        self.per_slice = per_slice

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield TextStatic(self._title(), classes="dialog-title", id="detail-title")
            with VerticalScroll(id="detail-body", can_focus=True):
                with Horizontal(id="detail-curves"):
                    yield PlotextPlot(id="detail-roc")
                    yield PlotextPlot(id="detail-pr")
                yield TextStatic(self._matrices(), id="detail-matrices")
                yield PlotextPlot(id="detail-reliability")
                yield TextStatic(self._calibration(), id="detail-calibration")
            yield TextStatic(KEYS_NOTE, classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()
        self.call_after_refresh(self._draw)

    def on_resize(self) -> None:
        self.call_after_refresh(self._draw)

    def _title(self) -> str:
        rows = max((m.index.n for m in self.models), default=0)
        at = "the per-slice thresholds" if self.per_slice else "the thresholds"
        return f"Slice {self.title_text}: {rows:,} labelled rows, at {at}"

    def _matrices(self) -> Group:
        tables = [
            confusion_table(f"{name}: confusion matrix at {thr(m.threshold)}", m.counts, self.labels)
            for name, m in zip(self.names, self.models, strict=True)
        ]
        return Group(Columns(tables, padding=(1, 4)))

    def _calibration(self) -> Group:
        cals = [m.calibration for m in self.models]
        lines = [Text(line, style="yellow") for line in undefined_lines(self.names, cals)]
        return Group(calibration_table(self.names, cals), *lines)

    def _draw(self) -> None:
        points = [_points(m) for m in self.models]
        indexes = [m.index for m in self.models]
        roc = RocFigure.of(self.names, indexes, [p[0] for p in points], title="ROC on this slice")
        show_figure(self.query_one("#detail-roc", PlotextPlot), roc)
        pr = PrFigure.of(self.names, indexes, [p[1] for p in points], title="Precision-recall on this slice")
        show_figure(self.query_one("#detail-pr", PlotextPlot), pr)
        cals = [m.calibration for m in self.models]
        reliability = ReliabilityFigure.of_calibrations(self.names, cals, title="Reliability on this slice")
        show_figure(self.query_one("#detail-reliability", PlotextPlot), reliability)

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["SliceDetailScreen"]
