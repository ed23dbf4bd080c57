"""How a frequency table reads: one header and one row of text per value, the same on any screen.

Counts with separators, shares as percentages, each model's accuracy or mean score with one number format per
column (never cut: a screen scrolls a wide table instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from wit_tui.engine.analysis.frequency import Bin, Frequencies
from wit_tui.render.format import fixed, fmt, show


@dataclass(frozen=True)
class FrequencyText:
    """The table as text: ``title`` (what was counted over how many rows), ``header``, ``rows`` (most frequent
    first) and ``right`` (which columns hold numbers, right-aligned)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: tuple[bool, ...]


def value_text(value: object) -> str:
    """A value as a table cell shows it (bools as yes/no, numbers with separators); a bin by its edges."""
    if isinstance(value, Bin):
        return f"[{fmt(value.low)}, {fmt(value.high)})"
    if value is None:
        return "(missing)"
    return fmt(value)


def frequency_text(freq: Frequencies) -> FrequencyText:
    """The rows of ``freq`` as text, with a header naming each model's metric."""
    metric = "accuracy" if freq.metric == "accuracy" else "mean"
    header = (freq.column, "count", "share", *(f"{name} {metric}" for name in freq.models))
    rows = tuple(
        (
            value_text(row.value),
            fmt(row.count),
            show(row.share, "pct"),
            *(show(m, "num") if freq.metric == "accuracy" else _mean(m) for m in row.metrics),
        )
        for row in freq.rows
    )
    binned = " (in bins)" if freq.binned else ""
    title = f"Values of {freq.column}{binned} over {freq.n_rows:,} datapoint(s) · {len(freq.rows)} row(s)"
    return FrequencyText(title, header, rows, (False, True, True, *(True for _ in freq.models)))


def _mean(value: object) -> str:
    """A mean score: 4 decimals (one format for the whole column), – when there is none."""
    return fixed(value) if isinstance(value, float) else show(None)


__all__ = ["FrequencyText", "frequency_text", "value_text"]
