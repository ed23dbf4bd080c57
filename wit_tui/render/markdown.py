"""The report as Markdown (``wit-tui report --format md``), from the same rows as the rich report."""

from __future__ import annotations

from typing import Any

from wit_tui.engine.report import Report, SliceTable
from wit_tui.render.report import (
    CATEGORICAL_COLUMNS,
    NUMERIC_COLUMNS,
    SMALL_SLICE,
    categorical_rows,
    cell,
    numeric_rows,
    slice_layout,
    slice_rows,
)


def _md(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


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
        f"- rows: {d['n_rows']:,}" + (f" ({d['n_labelled']:,} labelled; label `{d['label']}`)" if d["label"] else "")
    )
    lines.append(f"- models: {', '.join('`' + m.name + '`' for m in report.models)}")
    task = f"- task: {t['kind']}"
    if t["kind"] == "binary":
        task += f"; positive class `{t['positive']}`; threshold {t['threshold']:g} (score >= threshold is positive)"
    lines += [task, f"- wit-tui report schema version {report.schema_version}", ""]
    lines += [f"> **Warning:** {_md(w)}" for w in report.warnings]
    if report.warnings:
        lines.append("")
    return lines


def _performance(report: Report) -> list[str]:
    lines = ["## Performance", ""]
    lines += _md_table(
        ["metric", *(m.name for m in report.models)],
        [[n, *(cell(m.metrics.get(n)) for m in report.models)] for n in report.task["metrics"]],
    )
    lines.append("")
    for m in report.models:
        for name, why in m.undefined.items():
            lines.append(f"- `{m.name}`: {name} is undefined: {_md(why)}")
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
    lines = [f"## Slices by {' × '.join(st.features)}", ""]
    for f, es in st.edges.items():
        lines.append(f"- `{f}`: {st.buckets} quantile buckets (as `pd.qcut`), edges {', '.join(f'{e:g}' for e in es)}")
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


def report_markdown(report: Report) -> str:
    """The whole report as one Markdown document."""
    lines = _heading(report)
    if report.task["metrics"]:
        lines += _performance(report)
    if report.slices is not None:
        lines += _slices(report, report.slices)
    numeric, categorical = numeric_rows(report), categorical_rows(report)
    if numeric:
        lines += ["## Numeric features", "", *_md_table(["feature", *NUMERIC_COLUMNS], numeric), ""]
    if categorical:
        table = _md_table(["feature", *CATEGORICAL_COLUMNS], categorical, right={1, 2, 3, 5})
        lines += ["## Categorical features", "", *table, ""]
    return "\n".join(lines) + "\n"


__all__ = ["report_markdown"]
