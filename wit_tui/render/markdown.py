"""The report as Markdown (``wit-tui report --format md``), from the same rows as the rich report."""

from __future__ import annotations

from typing import Any

from wit_tui.engine.report import Report, SliceTable
from wit_tui.render.report import (
    CATEGORICAL_COLUMNS,
    NUMERIC_COLUMNS,
    SMALL_SLICE,
    categorical_rows,
    numeric_rows,
    performance_rows,
    slice_layout,
    slice_rows,
)
from wit_tui.render.report_sections import Block, section_blocks
from wit_tui.render.text import printable


def _md(value: Any) -> str:
    """Data in a table cell, heading or list item: one line (a newline would end the row), ``|`` escaped (it would
    start a cell) and every control character shown as a visible stand-in (it would reach the terminal)."""
    return printable(str(value).replace("\r\n", " ").replace("\n", " ")).replace("|", "\\|")


def _md_table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> list[str]:
    right = right if right is not None else set(range(1, len(header)))
    lines = [
        "| " + " | ".join(_md(h) for h in header) + " |",
        "|" + "|".join("---:" if j in right else "---" for j in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(_md(c) for c in r) + " |" for r in rows]
    return lines


def _heading(report: Report) -> list[str]:
    d, t = report.dataset, report.task
    lines = [f"# wit-tui report: {_md(d['name'])}", ""]
    lines.append(
        f"- rows: {d['n_rows']:,}"
        + (f" ({d['n_labelled']:,} labelled; label `{_md(d['label'])}`)" if d["label"] else "")
    )
    lines.append(f"- models: {', '.join('`' + _md(m.name) + '`' for m in report.models)}")
    task = f"- task: {t['kind']}"
    if t["kind"] == "binary":
        task += f"; positive class `{_md(t['positive'])}`; {_md(report.threshold_text)}"
        task += " (score >= threshold is positive)"
    lines += [task, f"- wit-tui report schema version {report.schema_version}", ""]
    lines += [f"> **Warning:** {_md(w)}" for w in report.warnings]
    if report.warnings:
        lines.append("")
    return lines


def _performance(report: Report) -> list[str]:
    lines = ["## Performance", ""]
    header, rows = performance_rows(report)
    lines += _md_table(header, rows)
    lines.append("")
    for m in report.models:
        for name, why in m.undefined.items():
            lines.append(f"- `{_md(m.name)}`: {name} is undefined: {_md(why)}")
    for m in report.models:
        if m.confusion_matrix:
            lines += ["", f"### Confusion matrix: {_md(m.name)} (rows true, columns predicted)", ""]
            lines += _md_table(
                ["true \\ predicted", *m.confusion_labels],
                [
                    [lab, *(f"{v:,}" for v in row)]
                    for lab, row in zip(m.confusion_labels, m.confusion_matrix, strict=True)
                ],
            )
    lines.append("")
    return lines


def _slices(report: Report, st: SliceTable) -> list[str]:
    lines = [f"## Slices by {_md(' × '.join(st.features))}", ""]
    for f, es in st.edges.items():
        edges = ", ".join(f"{e:g}" for e in es)
        lines.append(f"- `{_md(f)}`: {st.buckets} quantile buckets (as `pd.qcut`), edges {edges}")
    if st.edges:
        lines.append("")
    columns, models, show_rows = slice_layout(report)
    small = False
    for model in models:
        if model:
            lines += [f"### {_md(model)}", ""]
        rows = []
        for label, is_small, cells in slice_rows(st, model, columns, show_rows):
            small = small or is_small
            rows.append([label + (" \\*" if is_small else ""), *cells])
        lines += _md_table(["slice", *(["rows"] if show_rows else []), *columns], rows)
        lines.append("")
    if small:
        lines += [f"\\* fewer than {SMALL_SLICE} labelled rows: treat its metrics with care.", ""]
    return lines


def _blocks(blocks: list[Block]) -> list[str]:
    """The extra sections' blocks as Markdown."""
    lines: list[str] = []
    for b in blocks:
        if b.kind == "heading":
            lines += ["#" * (b.level) + " " + _md(b.text), ""]
        elif b.kind == "note":
            lines += [_md(b.text).replace("*", "\\*"), ""]
        else:
            lines += [*_md_table(list(b.header), [list(r) for r in b.rows]), ""]
    return lines


def report_markdown(report: Report) -> str:
    """The whole report as one Markdown document."""
    lines = _heading(report)
    if report.task["metrics"]:
        lines += _performance(report)
    if report.slices is not None:
        lines += _slices(report, report.slices)
    lines += _blocks(section_blocks(report.sections))
    numeric, categorical = numeric_rows(report), categorical_rows(report)
    if numeric:
        lines += ["## Numeric features", "", *_md_table(["feature", *NUMERIC_COLUMNS], numeric), ""]
    if categorical:
        table = _md_table(["feature", *CATEGORICAL_COLUMNS], categorical, right={1, 2, 3, 5})
        lines += ["## Categorical features", "", *table, ""]
    return printable("\n".join(lines), lines=True) + "\n"  # and whatever quoted data without _md


__all__ = ["report_markdown"]
