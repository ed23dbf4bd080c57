"""What the statistics table shows in each cell and how a column sorts: one number format per column (the same
decimals for every number of a column, chosen from its values), numbers right-aligned and text left-aligned, and
a sort by any column (numbers before text, missing values last either way round)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from rich.text import Text

from wit_tui.engine.analysis.stats import FeatureStats

# Numeric and categorical statistics share columns so the table stays narrow.
STAT_COLUMNS = (
    "feature",
    "type",
    "count",
    "missing",
    "zeros",
    "unique",
    "mean | top",
    "std | freq",
    "min",
    "median",
    "max",
    "entropy",
    "non-unif.",
    "importance",
    "flags",
)
#: the most decimals a column gets (a column of small values); the fewest significant digits its values keep
MAX_DECIMALS = 4
SIGNIFICANT = 3

Value = float | str | None


def raw_row(st: FeatureStats, importance: float | None) -> dict[str, Value]:
    """Each column's value for one feature (a number, a text, or None for "does not apply")."""
    numeric = st.kind == "numeric"
    return {
        "feature": st.name,
        "type": "num" if numeric else "cat",
        "count": float(st.count),
        "missing": float(st.missing),
        "zeros": st.zeros_pct if numeric else None,
        "unique": float(st.unique),
        "mean | top": st.mean if numeric else (st.top or None),
        "std | freq": st.std if numeric else float(st.freq),
        "min": st.min if numeric else None,
        "median": st.median if numeric else None,
        "max": st.max if numeric else None,
        "entropy": None if numeric else st.entropy,
        "non-unif.": st.non_uniformity,
        "importance": importance,
        "flags": ", ".join(st.flags) or None,
    }


def _present(value: Value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def column_decimals(values: Sequence[Value]) -> int:
    """One number of decimals for a column: enough for its smallest non-zero magnitude to keep ``SIGNIFICANT``
    digits (at most ``MAX_DECIMALS``), none when every number is whole."""
    numbers = [abs(v) for v in values if isinstance(v, float) and math.isfinite(v)]
    if all(float(v).is_integer() for v in numbers):
        return 0
    smallest = min((v for v in numbers if v > 0), default=1.0)
    wanted = SIGNIFICANT - 1 - math.floor(math.log10(smallest))
    return max(1, min(MAX_DECIMALS, wanted))


def number_text(value: float, decimals: int) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:,.{decimals}f}".replace("-", "−")


def format_column(column: str, values: Sequence[Value], rows: Sequence[FeatureStats]) -> list[Text]:
    """The cells of one column: its numbers in one format, right-aligned; its texts left-aligned; "–" missing."""
    decimals = column_decimals(values)
    cells = []
    for value, st in zip(values, rows, strict=True):
        if value is None or not _present(value):
            cells.append(Text("–" if column not in ("flags", "zeros", "min", "median", "max", "entropy") else ""))
        elif isinstance(value, str):
            cells.append(Text(value))
        elif column == "missing":
            cells.append(Text(f"{int(value):,} ({st.missing_pct:.1f}%)", justify="right"))
        elif column == "zeros":
            cells.append(Text(f"{value:.1f}%", justify="right"))
        elif column == "entropy":
            cells.append(Text(f"{value:.3f} bits", justify="right"))
        elif column == "non-unif.":
            cells.append(Text(f"{value:.3f}", justify="right"))
        else:
            cells.append(Text(number_text(value, decimals), justify="right"))
    return cells


def table_cells(rows: Sequence[FeatureStats], importance: dict[str, float]) -> list[list[Any]]:
    """Every row's cells, column by column formatted alike (a flagged feature's name marked ⚑ and styled)."""
    raws = [raw_row(st, importance.get(st.name)) for st in rows]
    columns = {c: format_column(c, [r[c] for r in raws], rows) for c in STAT_COLUMNS}
    out = []
    for i, st in enumerate(rows):
        cells: list[Any] = [columns[c][i] for c in STAT_COLUMNS]
        cells[0] = Text(("⚑ " if st.flags else "") + st.name, style="bold yellow" if st.flags else "")
        out.append(cells)
    return out


def sort_rows(
    rows: Sequence[FeatureStats], column: str, descending: bool, importance: dict[str, float]
) -> list[FeatureStats]:
    """``rows`` by ``column``: numbers first (by value), then texts (alphabetically), then the missing; the missing
    stay last when descending too."""
    raws = {st.name: raw_row(st, importance.get(st.name))[column] for st in rows}

    def group(st: FeatureStats) -> int:
        value = raws[st.name]
        return 2 if not _present(value) else (1 if isinstance(value, str) else 0)

    present = [st for st in rows if group(st) < 2]
    missing = [st for st in rows if group(st) == 2]

    def key(st: FeatureStats) -> tuple[int, float, str]:
        value = raws[st.name]
        if isinstance(value, str):
            return (group(st) if not descending else -group(st), 0.0, value.lower())
        return (group(st) if not descending else -group(st), float(value or 0.0), "")

    return sorted(present, key=key, reverse=descending) + missing


__all__ = ["STAT_COLUMNS", "column_decimals", "format_column", "raw_row", "sort_rows", "table_cells"]
