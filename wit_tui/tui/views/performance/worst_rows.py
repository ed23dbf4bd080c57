"""The worst-slices table's contents: its columns, each finding's cells, and their order by any column."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from rich.text import Text

from wit_tui.engine.analysis.worst_slices import SliceFinding, WorstSlices
from wit_tui.render.format import UNDEFINED
from wit_tui.render.tables import num, signed
from wit_tui.tui.views.performance.common import fit_pairs, short

#: at most this many findings are listed (the ranking keeps them all; the note says how many were tested)
SHOWN = 500


def worst_columns(w: WorstSlices, names: list[str]) -> list[tuple[str, str]]:
    """(header, key) of each column; the first two (rank, slice) are pinned."""
    columns = [("#", "rank"), ("slice", "slice"), ("n", "n")]
    for name in names:
        columns.append((f"{w.metric[:8]}·{short(name)}" if len(names) > 1 else w.metric, f"v{names.index(name)}"))
    if len(names) == 2:
        columns.append(("Δ", "d"))
    columns += [("rest", "rest"), ("worse by", "worse"), (f"{100 * w.confidence:.0f}% interval", "ci")]
    return columns + [("p", "p"), ("q", "q")]


def _value(key: str) -> Callable[[int, SliceFinding], Any]:
    """What a column sorts by (the rank: the ranking's order; the interval: its lower end)."""
    fields: dict[str, Callable[[int, SliceFinding], Any]] = {
        "rank": lambda r, f: r,
        "slice": lambda r, f: f.slice.lower(),
        "n": lambda r, f: f.n_rows,
        "d": lambda r, f: f.values[1] - f.values[0],
        "rest": lambda r, f: f.rest,
        "worse": lambda r, f: f.worse_by,
        "ci": lambda r, f: f.ci_low,
        "p": lambda r, f: f.p_value,
        "q": lambda r, f: f.q_value,
    }
    if key.startswith("v") and key[1:].isdigit():
        i = int(key[1:])
        return lambda r, f: f.values[i]
    return fields[key]


def sortable(key: str | None) -> bool:
    if key is None:
        return False
    try:
        _value(key)
    except KeyError:
        return False
    return True


def worst_order(w: WorstSlices, key: str, descending: bool) -> list[int]:
    """The findings' indexes sorted by column ``key`` (ties keep the ranking's order; missing values last)."""
    value = _value(key)
    known: list[tuple[Any, int]] = []
    missing: list[tuple[Any, int]] = []
    for r, f in enumerate(w.findings):
        v = value(r, f)
        (missing if isinstance(v, float) and math.isnan(v) else known).append((v, r))
    known.sort(key=lambda vr: vr[0], reverse=descending)  # stable both ways: ties keep the ranking's order
    return [r for _v, r in known] + [r for _v, r in missing]


def p_text(p: float) -> str:
    """A p- or q-value, one format for the column: four decimals, ``<0.0001`` below (never ``1.2e-05`` beside
    ``0.34``)."""
    if math.isnan(p):
        return UNDEFINED
    return "<0.0001" if p < 0.00005 else f"{p:.4f}"


def worst_cells(rank: int, f: SliceFinding, two: bool, name_width: int) -> list[Text]:
    """One finding's row: whole numbers (a count is never cut), the name shortened to ``name_width`` cells."""
    small = "yellow" if f.small else ""
    pairs = [(feat, lab) for (feat, _v), lab in zip(f.key, f.labels, strict=True)]
    cells = [
        Text(str(rank + 1), justify="right"),
        Text(fit_pairs(pairs, name_width)),
        Text(f"{f.n_rows:,}" + ("*" if f.small else ""), justify="right", style=small),
    ]
    cells += [Text(num(v), justify="right") for v in f.values]
    if two:
        cells.append(Text(signed(f.values[1] - f.values[0]), justify="right", style="dim"))
    cells += [
        Text(num(f.rest), justify="right"),
        Text(signed(f.worse_by), justify="right", style="bold red" if f.ci_low > 0 else ""),
        Text(f"[{signed(f.ci_low)}, {signed(f.ci_high)}]", justify="right"),
        Text(p_text(f.p_value), justify="right"),
        Text(p_text(f.q_value), justify="right"),
    ]
    return cells


__all__ = ["SHOWN", "p_text", "sortable", "worst_cells", "worst_columns", "worst_order"]
