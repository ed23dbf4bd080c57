"""Reading the text report back as a person would: each table by its title, its parts (a table too wide for the
terminal is printed in stacked parts, each repeating the key column) joined again, and what it should say."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wit_tui.engine.report import Report
from wit_tui.render.report import (
    SHORT,
    SLICE_COLUMNS,
    categorical_rows,
    cell,
    numeric_rows,
    performance_rows,
    slice_label,
)
from wit_tui.render.stacked import CONTINUED

#: two or more spaces separate the cells of a report table (every column has at least one space of padding a side)
GAP = re.compile(r"\s{2,}")


@dataclass
class ReadTable:
    """One table as printed: its key column and, per header, the column's cells; how many parts it came in."""

    keys: list[str] = field(default_factory=list)
    columns: dict[str, list[str]] = field(default_factory=dict)
    parts: int = 0


def expected_tables(report: Report) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Title -> (headers, rows of cells with the key first): what the report should print, from the engine's
    numbers formatted as the screens format them."""
    out: dict[str, tuple[list[str], list[list[str]]]] = {}
    header, rows = performance_rows(report)  # each model's value and its interval
    out["Performance"] = (header, rows)
    for m in report.models:
        if m.confusion_matrix:
            total = sum(sum(r) for r in m.confusion_matrix) or 1
            out[f"{m.name}: confusion matrix"] = (
                ["true \\ predicted", *m.confusion_labels],
                [
                    [lab, *(f"{v:,} ({100 * v / total:.1f}%)" for v in row)]
                    for lab, row in zip(m.confusion_labels, m.confusion_matrix, strict=True)
                ],
            )
    st = report.slices
    if st is not None:
        columns = SLICE_COLUMNS[report.task["kind"]]
        for m in report.models:
            rows = [[slice_label(r, st.features), *(cell(r.metrics[m.name].get(c)) for c in columns)] for r in st.rows]
            headers = ["slice", *(SHORT.get(c, c) for c in columns)]
            out[f"Slices by {' × '.join(st.features)} — {m.name}"] = (headers, rows)
    numeric = ["feature", "count", "missing", "mean", "std", "min", "median", "max", "unique"]
    out["Numeric features"] = (numeric, numeric_rows(report))
    out["Categorical features"] = (["feature", "count", "missing", "unique", "top", "freq"], categorical_rows(report))
    return out


def read_tables(text: str, titles: set[str]) -> dict[str, ReadTable]:
    """Every table of ``titles`` found in ``text``, its parts joined (rows matched by position)."""
    lines = text.splitlines()
    found: dict[str, ReadTable] = {}
    i = 0
    while i < len(lines):
        title = lines[i].strip().removesuffix(CONTINUED)
        if title not in titles:
            i += 1
            continue
        table = found.setdefault(title, ReadTable())
        first = table.parts == 0
        table.parts += 1
        headers = GAP.split(lines[i + 1].strip())
        i += 2
        row = 0
        while i < len(lines) and lines[i].strip():
            cells = GAP.split(lines[i].strip())
            assert len(cells) == len(headers), f"{title}: cells {cells} under headers {headers}"
            if first:
                table.keys.append(cells[0])
            for h, c in zip(headers[1:], cells[1:], strict=True):
                table.columns.setdefault(h, []).append(c)
            row += 1
            i += 1
        assert row == len(table.keys), f"{title}: a part has {row} rows, the first {len(table.keys)}"
    return found


def same_name(shown: str, full: str) -> bool:
    """``shown`` is ``full`` or ``full`` shortened in the middle with … (a name may be shortened)."""
    if shown == full:
        return True
    head, sep, tail = shown.partition("…")
    return bool(sep) and full.startswith(head) and full.endswith(tail) and len(head) + len(tail) < len(full)
