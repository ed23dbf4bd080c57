"""Rich tables for the performance screen: every number for each model side by side, with the difference.

Pure rendering of engine results (no engine calls, no Textual): the screen passes numbers in, gets renderables
out. With two models the last column is always Δ = second model − first model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from rich.cells import cell_len
from rich.columns import Columns
from rich.console import Group
from rich.table import Table
from rich.text import Text

from wit_tui.engine.metrics.undefined import Metric, Undefined
from wit_tui.render.format import UNDEFINED, difference, num, pct, show, signed, thr, undefined_notes

#: one row of :func:`compare_table`: label, each model's value (a number, undefined with the reason, or None), kind
Row = tuple[str, Sequence[Metric | None], str]


def compare_table(
    names: Sequence[str],
    rows: Sequence[Row],
    first: str = "metric",
    intervals: Sequence[Sequence[str] | None] | None = None,
    interval_header: str = "95% CI",
) -> Table:
    """Rows ``(label, value per model, kind)`` with kind in num / pct / int / thr / cost; Δ when two models.
    An undefined value reads – (its reason: :func:`compare_notes`), and so does a Δ taken over it.
    ``intervals``: per row, each model's interval as text (None: the row has none), in a column after the model's
    (the columns then sit closer, so two models with intervals fit 80 columns)."""
    table = Table(box=None, padding=(0, 1 if intervals is not None else 2), header_style="bold")
    table.add_column(first, no_wrap=intervals is None)  # with intervals a long label wraps, never a number
    for name in names:
        table.add_column(name, justify="right", no_wrap=True)
        if intervals is not None:
            table.add_column(interval_header, justify="right", no_wrap=True, style="dim")
    two = len(names) == 2
    if two:
        table.add_column(
            f"Δ {names[1]}−{names[0]}" if len(names[0]) + len(names[1]) < 14 else "Δ (2nd − 1st)",
            justify="right",
            no_wrap=True,
        )
    for r, (label, values, kind) in enumerate(rows):
        cells = [show(v, kind) for v in values]
        if intervals is not None:
            shown = intervals[r] or [""] * len(values)
            cells = [c for pair in zip(cells, shown, strict=True) for c in pair]
        if two:
            a, b = values
            d = None if kind == "thr" else difference(a, b)
            cells.append(signed(d, kind=kind if kind in ("int", "pct", "cost") else "num"))
        table.add_row(label, *cells)
    return table


def compare_notes(names: Sequence[str], rows: Sequence[Row]) -> list[Text]:
    """The footnotes of a :func:`compare_table`: why each – is there (one line per metric and reason)."""
    entries = [
        (label, name, v.reason)
        for label, values, _kind in rows
        for name, v in zip(names, values, strict=True)
        if isinstance(v, Undefined)
    ]
    return [Text(line, style="dim") for line in undefined_notes(entries)]


def confusion_table(
    title: str, counts: Sequence[int], labels: tuple[str, str] = ("negative", "positive"), signed_cells: bool = False
) -> Table:
    """A 2×2 confusion matrix (``tn, fp, fn, tp``): counts, each as a share of all rows (or signed differences)."""
    tn, fp, fn, tp = (int(v) for v in counts)
    n = (tn + fp + fn + tp) or 1
    t = Table(title=title, title_justify="left", box=None, padding=(0, 1), header_style="bold")
    t.add_column("true \\ pred", no_wrap=True)
    t.add_column(labels[0][:12], justify="right", no_wrap=True)
    t.add_column(labels[1][:12], justify="right", no_wrap=True)

    def cell(name: str, v: int) -> Text:
        if signed_cells:
            return Text(f"{name} {signed(v, kind='int')}")
        return Text.assemble(f"{name} {v:,} ", (pct(v / n), "dim"))

    t.add_row(labels[0][:12], cell("TN", tn), cell("FP", fp))
    t.add_row(labels[1][:12], cell("FN", fn), cell("TP", tp))
    return t


def multiclass_confusion(title: str, labels: Sequence[str], cm: np.ndarray, normalized: np.ndarray | None) -> Table:
    """Counts with the row-normalised rate (share of the true class) in each cell; rows true, columns predicted.
    ``normalized`` None: ``cm`` holds signed differences (the Δ of two models' matrices)."""
    t = Table(title=title, title_justify="left", box=None, padding=(0, 1), header_style="bold")
    t.add_column("true \\ pred", no_wrap=True)
    for lab in labels:
        t.add_column(str(lab)[:10], justify="right", no_wrap=True)
    for r, lab in enumerate(labels):
        if normalized is None:
            cells = [Text(signed(int(cm[r, c]), kind="int")) for c in range(len(labels))]
        else:
            cells = [
                Text.assemble(f"{int(cm[r, c]):,} ", (f"{100 * normalized[r, c]:.0f}%", "dim"))
                for c in range(len(labels))
            ]
        t.add_row(str(lab)[:14], *cells)
    return t


def per_class_table(
    title: str, labels: Sequence[str], precision, recall, f1, support, auc, signed_values: bool = False
) -> Table:
    t = Table(title=title, title_justify="left", box=None, padding=(0, 2), header_style="bold")
    for name in ("class", "precision", "recall", "F1", "support", "OvR AUC"):
        t.add_column(name, justify="left" if name == "class" else "right", no_wrap=True)
    for j, lab in enumerate(labels):
        if signed_values:
            t.add_row(
                str(lab)[:16],
                signed(precision[j]),
                signed(recall[j]),
                signed(f1[j]),
                signed(support[j], kind="int"),
                signed(auc[j]),
            )
        else:
            t.add_row(str(lab)[:16], num(precision[j]), num(recall[j]), num(f1[j]), f"{int(support[j]):,}", num(auc[j]))
    return t


def fairness_tables(
    names: Sequence[str],
    summaries: Sequence,
    rate_labels: dict[str, str],
    gap_labels: dict[str, str],
    gap_intervals: Sequence[dict[str, str]] | None = None,
    by_group: Table | None = None,
) -> Group:
    """The MetricFrame summary: the named gaps for every model with Δ (``gap_intervals``: each model's interval
    text per gap, in a column beside it), per model each rate overall, group min / max, difference and ratio
    (between groups and to overall), then ``by_group`` (each group's rates with intervals) when given."""
    parts: list = []
    gap_rows: list[Row] = [(gap_labels[g], [s.gap(g) for s in summaries], "num") for g in gap_labels]
    ci = None if gap_intervals is None else [[shown.get(g, UNDEFINED) for shown in gap_intervals] for g in gap_labels]
    first = "fairness gap (between groups)" if ci is None else "fairness gap"
    parts.append(compare_table(names, gap_rows, first=first, intervals=ci))
    parts += compare_notes(names, gap_rows)
    for name, s in zip(names, summaries, strict=True):
        t = Table(
            title=f"{name}: MetricFrame by group (Fairlearn)",
            title_justify="left",
            box=None,
            padding=(0, 1),
            pad_edge=False,
            header_style="bold",
        )
        for col in ("rate", "overall", "min", "max", "diff", "ratio", "diff→all", "ratio→all"):
            t.add_column(col, justify="left" if col == "rate" else "right", no_wrap=True)
        entries = []
        for metric, label in rate_labels.items():
            f = s.frames[metric]
            cells = [f.summary(what) for what in FRAME_COLUMNS]
            t.add_row(label, *(num(c) for c in cells))
            entries += [(label, "", c.reason) for c in cells if isinstance(c, Undefined)]
        parts += [Text(""), t, *(Text(line, style="dim") for line in undefined_notes(entries))]
    if by_group is not None:  # the longest part last: the summaries and their notes stay near the top
        parts += [Text(""), by_group]
    return Group(*parts)


#: one row of :func:`group_interval_table`: its label, the size shown (flag included), per model value and interval
GroupRow = tuple[str, str, Sequence[Metric | None], Sequence[str]]


def group_interval_table(
    title: str,
    names: Sequence[str],
    sections: Sequence[tuple[str, Sequence[GroupRow]]],
    interval_header: str = "95% CI",
) -> Table:
    """Each rate by group with its interval, long rather than wide (any number of groups fits 80 columns):
    ``sections`` are ``(rate label, rows)``; a size ending in ``*`` (a small group) is marked."""
    t = Table(title=title, title_justify="left", box=None, padding=(0, 1), pad_edge=False, header_style="bold")
    t.add_column("rate · group", no_wrap=True)
    t.add_column("n", justify="right", no_wrap=True)
    for name in names:
        t.add_column(name, justify="right", no_wrap=True)
        t.add_column(interval_header, justify="right", no_wrap=True, style="dim")
    for label, rows in sections:
        t.add_row(Text(label, style="bold"), "", *([""] * 2 * len(names)))
        for row_label, size, values, intervals in rows:
            cells = [c for v, iv in zip(values, intervals, strict=True) for c in (num(v), iv)]
            t.add_row(f"  {row_label}", Text(size, style="yellow" if size.endswith("*") else ""), *cells)
    return t


#: the MetricFrame table's columns after the rate: what :meth:`MetricFrame.summary` computes for each
FRAME_COLUMNS = ("overall", "min", "max", "difference", "ratio", "difference_to_overall", "ratio_to_overall")


_PIECES = re.compile(r"\s+|\S+")


class _Unknown(Exception):
    pass


def layout_key(renderable) -> tuple | None:
    """What the height of ``renderable`` at a given width depends on: equal keys, equal heights (so a Static
    showing new numbers of the same widths needs no new layout). Texts by the cell width of each word (wrapping
    breaks at whitespace), tables by the width of every cell, groups and columns by their parts. None: not known
    (lay out again)."""
    try:
        return _layout_key(renderable)
    except _Unknown:
        return None


def _shape(plain: str) -> tuple:
    return tuple(p if p.isspace() else cell_len(p) for p in _PIECES.findall(plain))


def _layout_key(renderable) -> tuple:
    if isinstance(renderable, str):  # markup or emoji codes could change the width: then the exact string
        return ("s", _shape(renderable)) if "[" not in renderable and ":" not in renderable else ("m", renderable)
    if isinstance(renderable, Text):
        return (
            "T",
            _shape(renderable.plain),
            renderable.justify,
            renderable.overflow,
            renderable.no_wrap,
            renderable.end,
            renderable.tab_size,
        )
    if isinstance(renderable, Group):
        return ("G", renderable.fit, *(_layout_key(r) for r in renderable.renderables))
    if isinstance(renderable, Columns):
        return (
            "C",
            renderable.width,
            renderable.padding,
            renderable.expand,
            renderable.equal,
            renderable.column_first,
            renderable.right_to_left,
            renderable.align,
            _layout_key(renderable.title or ""),
            *(_layout_key(r) for r in renderable.renderables),
        )
    if isinstance(renderable, Table):
        return _table_key(renderable)
    raise _Unknown


def _table_key(t: Table) -> tuple:
    """A table's layout: its settings, its title and caption, and the width of every cell."""
    columns = tuple(
        (
            _layout_key(c.header),
            _layout_key(c.footer),
            c.overflow,
            c.width,
            c.min_width,
            c.max_width,
            c.ratio,
            c.no_wrap,
            *(_layout_key(cell) for cell in c._cells),
        )
        for c in t.columns
    )
    return (
        "Tb",
        _layout_key(t.title or ""),
        _layout_key(t.caption or ""),
        t.width,
        t.min_width,
        id(t.box),
        t.safe_box,
        t.padding,
        t.pad_edge,
        t.expand,
        t.show_header,
        t.show_footer,
        t.show_edge,
        t.show_lines,
        t.leading,
        t.collapse_padding,
        tuple(r.end_section for r in t.rows),
        columns,
    )


__all__ = [
    "compare_notes",
    "compare_table",
    "confusion_table",
    "fairness_tables",
    "group_interval_table",
    "layout_key",
    "multiclass_confusion",
    "num",
    "per_class_table",
    "show",
    "signed",
    "thr",
]
