"""The report as rich text (and plain text for ``-o``), with plotext plots on a terminal.

The numbers all come from :mod:`wit_tui.engine.report`; the plots are the same
figures the app draws (:mod:`wit_tui.render.figures`). The Markdown form is
:mod:`wit_tui.render.markdown`, built from the same rows.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from wit_tui.engine.analysis.model_calibration import models_calibration
from wit_tui.engine.analysis.performance import labelled_mask, threshold_index
from wit_tui.engine.report import ModelSummary, Report, SliceRow, SliceTable
from wit_tui.engine.session.session import Session
from wit_tui.render.console import plain, print_all
from wit_tui.render.figures import Figure, HistogramFigure, ReliabilityFigure, RocFigure, printable_canvas
from wit_tui.render.format import fmt, show, undefined_notes
from wit_tui.render.palette import NOTE, WARNING
from wit_tui.render.report_sections import Block, range_text, section_blocks
from wit_tui.render.stacked import stacked
from wit_tui.render.text import literal

SMALL_SLICE = 30

#: The columns of the slice table, per task (the JSON has every metric).
SLICE_COLUMNS = {
    "binary": (
        "example_count",
        "base_rate",
        "selection_rate",
        "accuracy",
        "precision",
        "recall",
        "fpr",
        "fnr",
        "f1",
        "auc",
    ),
    "multiclass": ("example_count", "accuracy", "macro_f1", "weighted_f1"),
    "regression": ("example_count", "mae", "rmse", "r2"),
}

#: Short column headers of the slice table (the legend under it gives the full metric names).
SHORT = {
    "example_count": "n",
    "base_rate": "base",
    "selection_rate": "pos.rate",
    "accuracy": "acc",
    "precision": "prec",
    "macro_f1": "macro_f1",
    "weighted_f1": "wtd_f1",
}

NUMERIC_COLUMNS = ("count", "missing", "mean", "std", "min", "median", "max", "unique")
CATEGORICAL_COLUMNS = ("count", "missing", "unique", "top", "freq")
PLOT_HEIGHT, HISTOGRAM_HEIGHT = 18, 14


# ---- rows shared by the rich and the Markdown report ------------------------------------


def cell(value: Any) -> str:
    """A metric of the report (None: undefined, its reason in a note) as the screens show it."""
    return show(value, "int" if isinstance(value, int) and not isinstance(value, bool) else "num")


def stat(value: Any) -> str:
    return fmt(value, 4) if value is not None else "–"


def interval_level(report: Report) -> str:
    """``95%``: the level of the report's intervals."""
    return f"{100 * float(report.intervals.get('level', 0.95)):g}%"


def performance_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    """The performance table's header and rows: each metric, each model's value and its interval beside it."""
    level = interval_level(report)
    header = ["metric"]
    for m in report.models:
        header += [m.name, f"{m.name} {level} CI"]
    rows = []
    for name in report.task["metrics"]:
        row = [name]
        for m in report.models:
            row += [cell(m.metrics.get(name)), range_text(m.intervals.get(name))]
        rows.append(row)
    return header, rows


def legend(columns: Sequence[str]) -> str:
    pairs = [f"{SHORT[c]} = {c}" for c in columns if c in SHORT and SHORT[c] != c]
    return "Columns: " + ", ".join(pairs) + " (the names the JSON and validate configs use)." if pairs else ""


def slice_label(row: SliceRow, features: Sequence[str]) -> str:
    """A slice's label with its values in the order the features were asked for (``--slice sex,race`` gives
    ``Female × White``), matching the table's title; the slice key itself is sorted by feature, as TFMA's."""
    by_feature = dict(zip((f for f, _ in row.slice_key), row.labels, strict=True))
    return (
        " × ".join(by_feature.get(f, "") for f in features)
        if set(by_feature) == set(features)
        else " × ".join(row.labels)
    )


def slice_layout(report: Report) -> tuple[tuple[str, ...], list[str | None], bool]:
    """The slice table's metric columns, the models it is drawn for (None: no metrics), and whether it shows
    each slice's row count (when there are no metrics, or some rows have no label)."""
    columns = SLICE_COLUMNS[report.task["kind"]] if report.task["metrics"] else ()
    models: list[str | None] = [m.name for m in report.models] if columns else [None]
    show_rows = not columns or report.dataset["n_labelled"] < report.dataset["n_rows"]
    return columns, models, show_rows


def slice_rows(
    st: SliceTable, model: str | None, columns: Sequence[str], show_rows: bool
) -> list[tuple[str, bool, list[str]]]:
    """Per slice: its label, whether it is small (fewer than SMALL_SLICE labelled rows), and its cells."""
    out = []
    for row in st.rows:
        vals = row.metrics.get(model, {}) if model else {}
        small = bool(model) and (vals.get("example_count") or 0) < SMALL_SLICE
        cells = ([f"{row.row_count:,}"] if show_rows else []) + [cell(vals.get(c)) for c in columns]
        out.append((slice_label(row, st.features), small, cells))
    return out


def numeric_rows(report: Report) -> list[list[str]]:
    return [
        [
            f.name,
            f"{f.count:,}",
            f"{f.missing:,} ({f.missing_pct:.1f}%)",
            stat(f.mean),
            stat(f.std),
            stat(f.min),
            stat(f.median),
            stat(f.max),
            f"{f.unique:,}",
        ]
        for f in report.feature_statistics
        if f.kind == "numeric"
    ]


def categorical_rows(report: Report) -> list[list[str]]:
    return [
        [
            f.name,
            f"{f.count:,}",
            f"{f.missing:,} ({f.missing_pct:.1f}%)",
            f"{f.unique:,}",
            "" if f.top is None else str(f.top),
            f"{f.freq:,}" if f.top is not None else "",
        ]
        for f in report.feature_statistics
        if f.kind != "numeric"
    ]


# ---- rich --------------------------------------------------------------------------------


def _heading(report: Report) -> str:
    d, t = report.dataset, report.task
    models = " vs ".join(m.name for m in report.models)
    rows = f"{d['n_rows']:,} rows"
    if d["label"] is not None:
        rows += f" ({d['n_labelled']:,} labelled, label {d['label']!r})"
    task = t["kind"]
    if t["kind"] == "binary":
        task += f" · positive class {t['positive']} · {report.threshold_text} (score >= threshold is positive)"
    return f"wit-tui report · {d['name']} · {models}\n{rows} · {task}"


def _table(title: str | Text, padding: int = 2, **style: Any) -> Table:
    return Table(title=title, title_justify="left", header_style="bold", box=None, padding=(0, padding), **style)


def _confusion(m: ModelSummary) -> Table:
    total = sum(sum(r) for r in m.confusion_matrix) or 1
    cm = _table(plain(f"{m.name}: confusion matrix"))
    cm.add_column("true \\ predicted", no_wrap=True)
    for lab in m.confusion_labels:
        cm.add_column(plain(lab), justify="right", no_wrap=True)
    for lab, row in zip(m.confusion_labels, m.confusion_matrix, strict=True):
        cm.add_row(plain(lab), *(f"{v:,} ({100 * v / total:.1f}%)" for v in row))
    return cm


def _performance(report: Report) -> list[RenderableType]:
    table = _table("Performance", title_style="bold")
    header, rows = performance_rows(report)
    table.add_column(header[0])
    for h in header[1:]:
        table.add_column(plain(h), justify="right")
    for row in rows:
        table.add_row(*row)
    out: list[RenderableType] = [table, Text("")]
    notes = undefined_notes((name, m.name, why) for m in report.models for name, why in m.undefined.items())
    out += [Text(note, style=NOTE) for note in notes]
    if notes:
        out.append(Text(""))
    for m in report.models:
        if m.confusion_matrix:
            out += [_confusion(m), Text("")]
    return out


def report_renderables(
    report: Report, session: Session | None = None, *, plots: bool = False, width: int = 100
) -> list[RenderableType]:
    """The report as a list of rich renderables (plots only when ``plots`` and a session are given)."""
    out: list[RenderableType] = [Text(_heading(report), style="bold"), Text("")]
    out += [Text(f"warning: {w}", style=WARNING) for w in report.warnings]
    if report.warnings:
        out.append(Text(""))
    if report.task["metrics"]:
        out += _performance(report)
    if plots and session is not None and session.has_label:
        out += report_plots(report, session, width)
    if report.slices is not None:
        out += _slice_tables(report, report.slices)
    out += _section_renderables(section_blocks(report.sections))
    out += _feature_tables(report)
    # names and values from the data: literal and printable, wherever they are; a table too wide for the console
    # is stacked in parts that fit it, since a number rich elides to fit (``0.5…``) says nothing
    return stacked([literal(r) for r in out])


def _slice_tables(report: Report, st: SliceTable) -> list[RenderableType]:
    columns, models, show_rows = slice_layout(report)
    by = " × ".join(st.features)
    out: list[RenderableType] = []
    small = False
    for model in models:
        title = f"Slices by {by}" + (f" — {model}" if model else "")
        t = _table(plain(title, "bold"), padding=1)
        t.add_column("slice", no_wrap=True, overflow="ellipsis", max_width=40)
        for c in (["rows"] if show_rows else []) + [SHORT.get(c, c) for c in columns]:
            t.add_column(c, justify="right", no_wrap=True)
        for label, is_small, cells in slice_rows(st, model, columns, show_rows):
            small = small or is_small
            t.add_row(plain(label + (" *" if is_small else "")), *cells)
        out += [t, Text("")]
    if columns:
        out.append(Text(legend(columns), style=NOTE))
    edges = "; ".join(f"{f} quantile edges: {', '.join(f'{e:g}' for e in es)}" for f, es in st.edges.items())
    if edges:
        out.append(Text(edges + f" ({st.buckets} buckets as pd.qcut; repeated edges dropped)", style=NOTE))
    if small:
        out.append(Text(f"* fewer than {SMALL_SLICE} labelled rows: treat its metrics with care.", style=NOTE))
    out.append(Text(""))
    return out


def _section_renderables(blocks: Sequence[Block]) -> list[RenderableType]:
    """The extra sections' blocks as rich renderables (data cells printed literally)."""
    out: list[RenderableType] = []
    for b in blocks:
        if b.kind == "heading":
            out.append(Text(b.text, style="bold" if b.level == 2 else "bold italic"))
        elif b.kind == "note":
            out.append(Text(b.text, style=NOTE))
        else:
            t = _table("", padding=1)
            t.add_column(plain(b.header[0]), no_wrap=True, overflow="ellipsis", max_width=40)
            for h in b.header[1:]:
                t.add_column(plain(h), justify="right", no_wrap=True)
            for row in b.rows:
                t.add_row(*(plain(c) for c in row))
            out += [t, Text("")]
    return out + ([Text("")] if out else [])


def _feature_table(title: str, columns: Sequence[str], rows: list[list[str]], text: set[int]) -> Table:
    """A feature table; the columns in ``text`` hold data (names, categories), printed literally."""
    t = _table(title, padding=1, title_style="bold")
    t.add_column("feature", no_wrap=True, overflow="ellipsis", max_width=30)
    for c in columns:
        if c == "top":
            t.add_column(c, no_wrap=True, overflow="ellipsis", max_width=30)
        else:
            t.add_column(c, justify="right", no_wrap=True)
    for row in rows:
        t.add_row(*(plain(v) if j in text else v for j, v in enumerate(row)))
    return t


def _feature_tables(report: Report) -> list[RenderableType]:
    """Numeric and categorical features in two tables (each narrow enough for 100 columns)."""
    out: list[RenderableType] = []
    numeric, categorical = numeric_rows(report), categorical_rows(report)
    if numeric:
        out += [_feature_table("Numeric features", NUMERIC_COLUMNS, numeric, {0}), Text("")]
    if categorical:
        out += [_feature_table("Categorical features", CATEGORICAL_COLUMNS, categorical, {0, 4}), Text("")]
    return out


# ---- plots -------------------------------------------------------------------------------


def report_figures(report: Report, session: Session) -> list[tuple[Figure, int]]:
    """The report's figures and their heights: the ROC curves (binary), then each model's score histogram
    (residuals for regression), then the reliability diagrams (binary, probabilities), over the labelled rows."""
    kind = report.task["kind"]
    mask = labelled_mask(session)
    out: list[tuple[Figure, int]] = []
    if kind == "binary":
        names = [m.name for m in report.models]
        indexes = [threshold_index(session, i) for i in range(len(report.models))]
        points = [_operating_point(m) for m in report.models]
        out.append((RocFigure.of(names, indexes, points), PLOT_HEIGHT))
    for i, m in enumerate(report.models):
        scores = session.scores(i)
        if kind == "regression":
            values = scores.score[mask] - np.asarray(session.y)[mask].astype(float)
            title = f"{m.name}: residuals (prediction − {session.label})"
        else:
            values = scores.score[mask]
            title = f"{m.name}: {session.tasks[i].score_label} of " + (
                f"the positive class {session.task.positive}" if kind == "binary" else "the predicted class"
            )
        out.append((HistogramFigure.of_values(values, title, bins=20, tick_digits=3), HISTOGRAM_HEIGHT))
    if kind == "binary":  # last: the calibration section's reliability diagrams, drawn
        calibrations = models_calibration(session).overall
        if any(c.curve is not None for c in calibrations):
            names = [m.name for m in report.models]
            out.append((ReliabilityFigure.of_calibrations(names, calibrations), PLOT_HEIGHT))
    return out


def _operating_point(m: ModelSummary) -> tuple[float, float] | None:
    fpr, tpr = m.metrics.get("fpr"), m.metrics.get("recall")
    return (fpr, tpr) if fpr is not None and tpr is not None else None


def report_plots(report: Report, session: Session, width: int) -> list[RenderableType]:
    """Each figure drawn headless onto the plotext module, as rich Text from its ANSI output."""
    import plotext as plt  # deferred: plotext only loads when plots are drawn (on a terminal)

    w = max(40, min(width, 100))
    out: list[RenderableType] = []
    for figure, height in report_figures(report, session):
        figure.draw(printable_canvas(plt), w)
        plt.plotsize(w, height)
        out += [Text.from_ansi(plt.build()), Text("")]
    plt.clear_figure()
    return out


def report_text(report: Report, *, width: int = 120) -> str:
    """The report as plain text (no colour, no plots), e.g. for ``-o report.txt``."""
    console = Console(
        file=io.StringIO(), width=width, color_system=None, force_terminal=False, record=True, highlight=False
    )
    for r in report_renderables(report):
        console.print(r)
    return "".join(line.rstrip() + "\n" for line in console.export_text().splitlines())


__all__ = [
    "print_all",
    "report_figures",
    "report_plots",
    "report_renderables",
    "report_text",
]
