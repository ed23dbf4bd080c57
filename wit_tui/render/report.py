"""Headless output: the report and the validation result as rich text, Markdown, and plotext plots.

Only the CLI uses this module; it imports rich (and plotext for plots on a
terminal), never Textual. The numbers all come from
:mod:`wit_tui.engine.report` / :mod:`wit_tui.engine.validation.run`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wit_tui.engine.report import Report
from wit_tui.engine.validation.run import ValidationResult
from wit_tui.render.format import fmt

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


def _legend(columns: Sequence[str]) -> str:
    pairs = [f"{SHORT[c]} = {c}" for c in columns if c in SHORT and SHORT[c] != c]
    return "Columns: " + ", ".join(pairs) + " (the names the JSON and validate configs use)." if pairs else ""


def _cell(value: Any) -> str:
    return fmt(value)


def _stat(value: Any) -> str:
    return fmt(value, 4) if value is not None else "–"


def _plain(value: Any, style: str = ""):
    """Text from the data (a category, a column or model name) for a rich table: never read as markup, so a
    value such as ``[/]`` or ``[bold]`` is printed as is instead of styling the table or raising MarkupError."""
    from rich.text import Text

    return Text(str(value), style=style)


def _slice_label(row, features: Sequence[str]) -> str:
    """A slice's label with its values in the order the features were asked for (``--slice sex,race`` gives
    ``Female × White``), matching the table's title; the slice key itself is sorted by feature, as TFMA's."""
    by_feature = dict(zip((f for f, _ in row.slice_key), row.labels, strict=True))
    return (
        " × ".join(by_feature.get(f, "") for f in features)
        if set(by_feature) == set(features)
        else " × ".join(row.labels)
    )


# ---------------------------------------------------------------------------
# report: rich
# ---------------------------------------------------------------------------


def _heading(report: Report) -> str:
    d, t = report.dataset, report.task
    models = " vs ".join(m.name for m in report.models)
    rows = f"{d['n_rows']:,} rows"
    if d["label"] is not None:
        rows += f" ({d['n_labelled']:,} labelled, label {d['label']!r})"
    task = t["kind"]
    if t["kind"] == "binary":
        task += f" · positive class {t['positive']} · threshold {t['threshold']:g} (score >= threshold is positive"
        task += ", decision_function margins)" if t["score_method"] == "decision_function" else ")"
    return f"wit-tui report · {d['name']} · {models}\n{rows} · {task}"


def report_renderables(report: Report, session=None, *, plots: bool = False, width: int = 100) -> list:
    """The report as a list of rich renderables (plots only when ``plots`` and a session are given)."""
    from rich.table import Table
    from rich.text import Text

    out: list = [Text(_heading(report), style="bold"), Text("")]
    for w in report.warnings:
        out.append(Text(f"warning: {w}", style="yellow"))
    if report.warnings:
        out.append(Text(""))
    metric_names = report.task["metrics"]
    if metric_names:
        table = Table(
            title="Performance", title_justify="left", title_style="bold", header_style="bold", box=None, padding=(0, 2)
        )
        table.add_column("metric")
        for m in report.models:
            table.add_column(_plain(m.name), justify="right")
        for name in metric_names:
            table.add_row(name, *(_cell(m.metrics.get(name)) for m in report.models))
        out += [table, Text("")]
        notes = [f"{m.name}: {name} is undefined: {why}" for m in report.models for name, why in m.undefined.items()]
        for n in notes:
            out.append(Text(n, style="dim"))
        if notes:
            out.append(Text(""))
        for m in report.models:
            if not m.confusion_matrix:
                continue
            n = sum(sum(r) for r in m.confusion_matrix) or 1
            cm = Table(
                title=_plain(f"{m.name}: confusion matrix"),
                title_justify="left",
                header_style="bold",
                box=None,
                padding=(0, 2),
            )
            cm.add_column("true \\ predicted", no_wrap=True)
            for lab in m.confusion_labels:
                cm.add_column(_plain(lab), justify="right", no_wrap=True)
            for lab, row in zip(m.confusion_labels, m.confusion_matrix, strict=True):
                cm.add_row(_plain(lab), *(f"{v:,} ({100 * v / n:.1f}%)" for v in row))
            out += [cm, Text("")]
    if plots and session is not None and session.has_label:
        out += _plots(report, session, width)
    if report.slices is not None:
        out += _slice_tables(report)
    out += _feature_tables(report)
    return out


def _slice_tables(report: Report) -> list:
    from rich.table import Table
    from rich.text import Text

    st = report.slices
    out: list = []
    by = " × ".join(st.features)
    edges = "; ".join(f"{f} quantile edges: {', '.join(f'{e:g}' for e in es)}" for f, es in st.edges.items())
    columns = SLICE_COLUMNS[report.task["kind"]] if report.task["metrics"] else ()
    models = [m.name for m in report.models] if columns else [None]
    show_rows = not columns or report.dataset["n_labelled"] < report.dataset["n_rows"]
    small = False
    for model in models:
        title = f"Slices by {by}" + (f" — {model}" if model else "")
        t = Table(title=_plain(title, "bold"), title_justify="left", header_style="bold", box=None, padding=(0, 1))
        t.add_column("slice", no_wrap=True, overflow="ellipsis", max_width=40)
        if show_rows:
            t.add_column("rows", justify="right", no_wrap=True)
        for c in columns:
            t.add_column(SHORT.get(c, c), justify="right", no_wrap=True)
        for row in st.rows:
            label = _slice_label(row, st.features)
            cells = [f"{row.row_count:,}"] if show_rows else []
            if model:
                vals = row.metrics[model]
                count = vals.get("example_count") or 0
                if count < SMALL_SLICE:
                    label += " *"
                    small = True
                cells += [_cell(vals.get(c)) for c in columns]
            t.add_row(_plain(label), *cells)
        out += [t, Text("")]
    if columns:
        out.append(Text(_legend(columns), style="dim"))
    if edges:
        out.append(Text(edges + f" ({st.buckets} buckets as pd.qcut; repeated edges dropped)", style="dim"))
    if small:
        out.append(Text(f"* fewer than {SMALL_SLICE} labelled rows: treat its metrics with care.", style="dim"))
    out.append(Text(""))
    return out


def _feature_tables(report: Report) -> list:
    """Numeric and categorical features in two tables (each narrow enough for 100 columns)."""
    from rich.table import Table
    from rich.text import Text

    numeric = [f for f in report.feature_statistics if f.kind == "numeric"]
    categorical = [f for f in report.feature_statistics if f.kind != "numeric"]
    out: list = []
    if numeric:
        t = Table(
            title="Numeric features",
            title_justify="left",
            title_style="bold",
            header_style="bold",
            box=None,
            padding=(0, 1),
        )
        t.add_column("feature", no_wrap=True, overflow="ellipsis", max_width=30)
        for c in ("count", "missing", "mean", "std", "min", "median", "max", "unique"):
            t.add_column(c, justify="right", no_wrap=True)
        for f in numeric:
            t.add_row(
                _plain(f.name),
                f"{f.count:,}",
                f"{f.missing:,} ({f.missing_pct:.1f}%)",
                _stat(f.mean),
                _stat(f.std),
                _stat(f.min),
                _stat(f.median),
                _stat(f.max),
                f"{f.unique:,}",
            )
        out += [t, Text("")]
    if categorical:
        t = Table(
            title="Categorical features",
            title_justify="left",
            title_style="bold",
            header_style="bold",
            box=None,
            padding=(0, 1),
        )
        t.add_column("feature", no_wrap=True, overflow="ellipsis", max_width=30)
        for c in ("count", "missing", "unique"):
            t.add_column(c, justify="right", no_wrap=True)
        t.add_column("top", no_wrap=True, overflow="ellipsis", max_width=30)
        t.add_column("freq", justify="right", no_wrap=True)
        for f in categorical:
            t.add_row(
                _plain(f.name),
                f"{f.count:,}",
                f"{f.missing:,} ({f.missing_pct:.1f}%)",
                f"{f.unique:,}",
                _plain("" if f.top is None else f.top),
                f"{f.freq:,}" if f.top is not None else "",
            )
        out += [t, Text("")]
    return out


def _plots(report: Report, session, width: int) -> list:
    """plotext ROC curve (binary) and score / residual histograms, as rich Text from ANSI."""
    import numpy as np
    import plotext as plt
    from rich.text import Text

    from wit_tui.engine.analysis.performance import labelled_mask, threshold_index

    out: list = []
    w, h = max(40, min(width, 100)), 18
    kind = report.task["kind"]
    mask = labelled_mask(session)
    if kind == "binary":
        plt.clear_figure()
        plt.plotsize(w, h)
        plt.title("ROC curve (● = operating point)")
        plt.xlabel("false positive rate")
        plt.plot([0, 1], [0, 1], marker="dot", color="gray")
        colors = ["cyan", "orange"]
        for i, m in enumerate(report.models):
            roc = threshold_index(session, i).roc_curve
            n = len(roc.fpr)
            idx = np.unique(np.r_[np.linspace(0, n - 1, min(n, 400)).astype(int), n - 1])
            plt.plot(
                roc.fpr[idx].tolist(),
                roc.tpr[idx].tolist(),
                label=f"{m.name} (AUC {_cell(m.metrics.get('auc'))})",
                marker="braille",
                color=colors[i % 2],
            )
            fpr, tpr = m.metrics.get("fpr"), m.metrics.get("recall")
            if fpr is not None and tpr is not None:
                plt.scatter([fpr], [tpr], marker="●", color=colors[i % 2])
        plt.xlim(0, 1)
        plt.ylim(0, 1)
        out += [Text.from_ansi(plt.build()), Text("")]
    for i, m in enumerate(report.models):
        plt.clear_figure()
        plt.plotsize(w, 14)
        scores = session.scores(i)
        if kind == "regression":
            values = scores.score[mask] - session.y[mask].astype(float)
            title = f"{m.name}: residuals (prediction − {session.label})"
        else:
            values = scores.score[mask]
            title = f"{m.name}: {session.task.score_label} of " + (
                f"the positive class {session.task.positive}" if kind == "binary" else "the predicted class"
            )
        counts, edges = np.histogram(values[np.isfinite(values)], bins=20)
        centers = ((edges[:-1] + edges[1:]) / 2).tolist()
        plt.title(title)
        plt.bar(centers, counts.tolist(), width=1.0)
        ticks = np.linspace(edges[0], edges[-1], 5)
        plt.xticks(ticks.tolist(), [f"{v:.3g}" for v in ticks])
        out += [Text.from_ansi(plt.build()), Text("")]
    plt.clear_figure()
    return out


def report_text(report: Report, *, width: int = 120) -> str:
    """The report as plain text (no colour, no plots), e.g. for ``-o report.txt``."""
    import io

    from rich.console import Console

    console = Console(
        file=io.StringIO(), width=width, color_system=None, force_terminal=False, record=True, highlight=False
    )
    for r in report_renderables(report):
        console.print(r)
    return "".join(line.rstrip() + "\n" for line in console.export_text().splitlines())


# ---------------------------------------------------------------------------
# report: Markdown
# ---------------------------------------------------------------------------


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


def report_markdown(report: Report) -> str:
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
    for w in report.warnings:
        lines.append(f"> **Warning:** {_md(w)}")
    if report.warnings:
        lines.append("")
    if t["metrics"]:
        lines += ["## Performance", ""]
        lines += _md_table(
            ["metric", *(m.name for m in report.models)],
            [[n, *(_cell(m.metrics.get(n)) for m in report.models)] for n in t["metrics"]],
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
    if report.slices is not None:
        st = report.slices
        lines += [f"## Slices by {' × '.join(st.features)}", ""]
        for f, es in st.edges.items():
            lines.append(
                f"- `{f}`: {st.buckets} quantile buckets (as `pd.qcut`), edges {', '.join(f'{e:g}' for e in es)}"
            )
        if st.edges:
            lines.append("")
        columns = SLICE_COLUMNS[t["kind"]] if t["metrics"] else ()
        show_rows = not columns or d["n_labelled"] < d["n_rows"]
        small = False
        for model in [m.name for m in report.models] if columns else [None]:
            if model:
                lines += [f"### {_md(model)}", ""]
            rows = []
            for row in st.rows:
                vals = row.metrics.get(model, {}) if model else {}
                label = _slice_label(row, st.features)
                if model and (vals.get("example_count") or 0) < SMALL_SLICE:
                    label += " \\*"
                    small = True
                rows.append(
                    [label, *([f"{row.row_count:,}"] if show_rows else []), *(_cell(vals.get(c)) for c in columns)]
                )
            lines += _md_table(["slice", *(["rows"] if show_rows else []), *columns], rows)
            lines.append("")
        if small:
            lines += [f"\\* fewer than {SMALL_SLICE} labelled rows: treat its metrics with care.", ""]
    numeric = [f for f in report.feature_statistics if f.kind == "numeric"]
    categorical = [f for f in report.feature_statistics if f.kind != "numeric"]
    if numeric:
        lines += ["## Numeric features", ""]
        lines += _md_table(
            ["feature", "count", "missing", "mean", "std", "min", "median", "max", "unique"],
            [
                [
                    f.name,
                    f"{f.count:,}",
                    f"{f.missing:,} ({f.missing_pct:.1f}%)",
                    _stat(f.mean),
                    _stat(f.std),
                    _stat(f.min),
                    _stat(f.median),
                    _stat(f.max),
                    f"{f.unique:,}",
                ]
                for f in numeric
            ],
        )
        lines.append("")
    if categorical:
        lines += ["## Categorical features", ""]
        lines += _md_table(
            ["feature", "count", "missing", "unique", "top", "freq"],
            [
                [
                    f.name,
                    f"{f.count:,}",
                    f"{f.missing:,} ({f.missing_pct:.1f}%)",
                    f"{f.unique:,}",
                    "" if f.top is None else str(f.top),
                    f"{f.freq:,}" if f.top is not None else "",
                ]
                for f in categorical
            ],
            right={1, 2, 3, 5},
        )
        lines.append("")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------


def validation_renderables(result: ValidationResult, *, config: str = "") -> list:
    """Every check as a table, then the failures with their reasons, missing slices, notes and the verdict."""
    from rich.table import Table
    from rich.text import Text

    out: list = []
    head = f"wit-tui validate · candidate {result.candidate}"
    head += f" vs baseline {result.baseline}" if result.baseline else " (no baseline)"
    if result.threshold is not None:
        head += f" · threshold {result.threshold:g}"
    if config:
        head += f" · {config}"
    out += [Text(head, style="bold"), Text("")]
    if result.checks:
        t = Table(header_style="bold", box=None, padding=(0, 1))
        t.add_column("slice", overflow="fold")
        t.add_column("metric", overflow="fold")
        t.add_column("model", overflow="fold")
        t.add_column("threshold", overflow="fold")
        for c in ("value", "baseline"):
            t.add_column(c, justify="right", no_wrap=True)
        t.add_column("result", no_wrap=True)
        for c in result.checks:
            metric = c.metric_key.name + (f" by {'×'.join(c.metric_key.by)}" if c.metric_key.by else "")
            if c.metric_key.method and c.metric_key.method != "between_groups":
                metric += f" ({c.metric_key.method})"
            model = c.metric_key.model_name + (f" vs {c.baseline_model}" if c.kind == "change" else "")
            rule = c.threshold.describe()
            if c.kind == "cross_slice":
                metric += " difference"
                rule = f"b-c {rule}"  # baseline slice minus comparison slice
            t.add_row(
                _plain(c.slice),
                _plain(metric),
                _plain(model),
                _plain(rule),
                fmt(c.value),
                fmt(c.baseline_value) if c.kind == "change" else "",
                Text("PASS", style="green") if c.ok else Text("FAIL", style="bold red"),
            )
        out += [t, Text("")]
    failures = [c for s in result.metric_validations_per_slice for c in s.failures]
    if failures:
        out.append(Text("Failures:", style="bold red"))
        for c in failures:
            kind = c.kind.replace("_", "-")
            out.append(Text(f"  {c.slice} · {c.metric_key.name} ({kind} threshold): {c.message}"))
        out.append(Text(""))
    if result.missing_slices:
        out.append(Text("Missing slices:", style="bold red"))
        for m in result.missing_slices:
            out.append(Text(f"  {m.message}"))
        out.append(Text(""))
    if result.missing_cross_slices:
        out.append(Text("Missing cross slices:", style="bold red"))
        for m in result.missing_cross_slices:
            out.append(Text(f"  {m.message}"))
        out.append(Text(""))
    for n in result.notes:
        out.append(Text(f"note: {n}", style="yellow"))
    if result.missing_thresholds:
        out.append(
            Text(
                "The config has no thresholds, so nothing was validated; pass --rubber-stamp to accept that "
                "on a first run.",
                style="bold red",
            )
        )
    out.append(verdict(result))
    return out


def verdict(result: ValidationResult):
    """One line: PASSED / FAILED and why, as rich Text."""
    from rich.text import Text

    n_slices = len({c.slice_key for c in result.checks if c.cross_slice_key is None})
    n_cross = len({c.cross_slice_key for c in result.checks if c.cross_slice_key is not None})
    if result.validation_ok:
        where = [f"{n_slices} slice{'s' if n_slices != 1 else ''}"] if n_slices or not n_cross else []
        where += [f"{n_cross} cross slice{'s' if n_cross != 1 else ''}"] if n_cross else []
        line = f"PASSED: {len(result.checks)} checks on {' and '.join(where)}"
        if result.rubber_stamp:
            line += " (rubber stamp)"
        return Text(line, style="bold green")
    parts = []
    if result.n_failed:
        parts.append(f"{result.n_failed} of {len(result.checks)} checks failed")
    if result.missing_slices:
        parts.append(f"{len(result.missing_slices)} missing slice{'s' if len(result.missing_slices) != 1 else ''}")
    if result.missing_cross_slices:
        n = len(result.missing_cross_slices)
        parts.append(f"{n} missing cross slice{'s' if n != 1 else ''}")
    if result.missing_thresholds:
        parts.append("no thresholds")
    return Text("FAILED: " + ", ".join(parts), style="bold red")


def print_all(console, renderables: list) -> None:
    """Print; off a terminal, widen the console to the widest table (up to 240 columns) so CI logs do not wrap."""
    if not console.is_terminal:
        options = console.options.update_width(240)
        widest = max((console.measure(r, options=options).maximum for r in renderables), default=0)
        if widest > console.width:
            console.width = min(240, widest)
    for r in renderables:
        console.print(r)


__all__ = ["print_all", "report_markdown", "report_renderables", "report_text", "validation_renderables", "verdict"]
