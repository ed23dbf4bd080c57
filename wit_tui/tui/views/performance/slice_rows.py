"""The slice table's contents: its columns per task, each slice's values per model, their order, the cells."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from rich.text import Text

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.worst_slices import SMALL_SLICE
from wit_tui.engine.metrics.operating_points import cost
from wit_tui.engine.metrics.slice_index import SliceMetrics, binary_slice_rates
from wit_tui.engine.metrics.undefined import curve_reasons
from wit_tui.render.format import UNDEFINED, undefined_notes
from wit_tui.render.tables import num, signed, thr
from wit_tui.tui.views.performance.common import SliceState, effective, fit_parts, short

# slice table columns per task: (key, header, kind); "thr" and "cost" are binary-only derived columns
BINARY_COLUMNS = (
    ("thr", "thr", "thr"),
    ("selection_rate", "pos", "num"),
    ("accuracy", "acc", "num"),
    ("precision", "prec", "num"),
    ("recall", "rec", "num"),
    ("fpr", "FPR", "num"),
    ("fnr", "FNR", "num"),
    ("f1", "F1", "num"),
    ("auc", "AUC", "num"),
    ("cost", "cost", "cost"),
)
MULTICLASS_COLUMNS = (
    ("accuracy", "acc", "num"),
    ("macro_f1", "mF1", "num"),
    ("weighted_f1", "wF1", "num"),
    ("ovr_selection_rate", "pos", "num"),
    ("ovr_precision", "prec", "num"),
    ("ovr_recall", "rec", "num"),
    ("ovr_f1", "F1", "num"),
    ("ovr_auc", "AUC", "num"),
)
REGRESSION_COLUMNS = (
    ("mae", "MAE", "num"),
    ("rmse", "RMSE", "num"),
    ("r2", "R²", "num"),
    ("mean_error", "bias", "num"),
)
COLUMNS = {"binary": BINARY_COLUMNS, "multiclass": MULTICLASS_COLUMNS, "regression": REGRESSION_COLUMNS}
BASE_HEADER = {"binary": "base", "multiclass": "base(c)", "regression": "mean y"}

Values = dict[str, list[np.ndarray]]


def slice_counts(decisions: Decisions, slices: SliceState, i: int) -> np.ndarray:
    sidx = slices.sidx
    assert sidx is not None  # slice counts are read once the slices are indexed
    return sidx[i].counts_at(effective(decisions, slices, i))


def slice_rates(decisions: Decisions, slices: SliceState, i: int) -> SliceMetrics:
    """Model ``i``'s rates on every slice at the decisions made, with why each is undefined."""
    return binary_slice_rates(slice_counts(decisions, slices, i), effective(decisions, slices, i))


def binary_values(decisions: Decisions, slices: SliceState, n_models: int) -> tuple[Values, np.ndarray, np.ndarray]:
    """Per column key, one array per model (slices in slicing order; NaN where a rate is undefined: the table
    shows –, never the 0 that stands in for it); the row counts; the base rate."""
    table, sidx = slices.table, slices.sidx
    assert table is not None and table.auc is not None and sidx is not None  # read once the slices are indexed
    values: Values = {}
    base = np.zeros(0)
    for i in range(n_models):
        rates = slice_rates(decisions, slices, i)
        counts = rates.confusion
        assert counts is not None  # binary rates keep their confusion counts
        for key, _h, _k in BINARY_COLUMNS:
            if key == "thr":
                v = effective(decisions, slices, i)
            elif key == "auc":
                v = table.auc[i]
            elif key == "cost":
                v = np.asarray(cost(counts[:, 1], counts[:, 2], decisions.cost_ratio), dtype=np.float64)
            else:
                v = rates.shown(key)
            values.setdefault(key, []).append(np.asarray(v, dtype=np.float64))
        base = rates.shown("base_rate")
    return values, sidx[0].counts.astype(np.float64), base


def _binary_reasons(decisions: Decisions, slices: SliceState, i: int) -> dict[str, tuple[str, ...]]:
    sidx = slices.sidx
    assert sidx is not None  # read once the slices are indexed
    reasons = dict(slice_rates(decisions, slices, i).undefined)
    auc = [curve_reasons(int(p), int(q))["auc"] for p, q in zip(sidx[i].n_pos, sidx[i].n_neg, strict=True)]
    reasons["auc"] = tuple(auc)
    return reasons


def _static_reasons(kind: str, slices: SliceState, i: int) -> dict[str, tuple[str, ...]]:
    table = slices.table
    assert table is not None and table.static is not None  # read once the slice metrics are computed
    reasons = dict(table.static[i].undefined)
    if table.ovr is not None:
        reasons |= {f"ovr_{name}": why for name, why in table.ovr[i].undefined.items()}
    return reasons


def slice_notes(kind: str, decisions: Decisions, slices: SliceState, names: list[str], limit: int = 4) -> list[str]:
    """Why each – of the slice table is there: one line per column and reason naming the slices (and the model,
    with two), at most ``limit`` lines."""
    slicing = slices.slicing
    assert slicing is not None  # the notes describe slices that exist
    entries = []
    for i, name in enumerate(names):
        reasons = _binary_reasons(decisions, slices, i) if kind == "binary" else _static_reasons(kind, slices, i)
        for key, header, _k in COLUMNS[kind]:
            for k, why in enumerate(reasons.get(key, ())):
                if why:
                    label = " × ".join(slicing.labels[k])
                    entries.append((header, f"{name}: {label}" if len(names) > 1 else label, why))
    lines = undefined_notes(entries)
    if len(lines) > limit:
        lines = lines[: limit - 1] + [
            f"… and {len(lines) - limit + 1} more lines of – (s sorts by a column: – goes last)"
        ]
    return lines


def static_values(kind: str, slices: SliceState, n_models: int) -> tuple[Values, np.ndarray, np.ndarray | None]:
    """As :func:`binary_values` for multi-class and regression (every metric computed with the slices)."""
    table = slices.table
    assert table is not None and table.static is not None  # read once the slice metrics are computed
    static, ovr = table.static, table.ovr
    values: Values = {}
    for i in range(n_models):
        for key, _h, _k in COLUMNS[kind]:
            if key.startswith("ovr_"):
                assert ovr is not None  # one-vs-rest columns exist only with their metrics
                v = ovr[i].shown(key[4:])
            else:
                v = static[i].shown(key)
            values.setdefault(key, []).append(np.asarray(v, dtype=np.float64))
    n = static[0].values["example_count"]
    if kind == "regression":
        return values, n, static[0].shown("mean_label")
    return values, n, (ovr[0].shown("base_rate") if ovr else None)


def sort_options(kind: str, names: list[str]) -> list[tuple[str, str]]:
    out = [("slice", "slice order"), ("name", "slice name A→Z"), ("n", "rows (n)")]
    if kind == "binary":
        out.append(("base_rate", "base rate"))
    for key, header, _ in COLUMNS[kind]:
        for i, name in enumerate(names):
            out.append((f"{key}@{i}", f"{header} · {name}" if len(names) > 1 else header))
        if len(names) == 2:
            out.append((f"{key}@d", f"Δ {header}"))
    return out


def sorted_slices(
    slices: SliceState, key: str, reverse: bool, values: Values, n: np.ndarray, base: np.ndarray | None
) -> list[int]:
    """The slice codes in the order ``key`` sorts them (missing values last)."""
    K = slices.n_slices
    slicing = slices.slicing
    assert slicing is not None  # slices are sorted only once there are slices
    if key in ("slice", "name"):
        order = list(range(K)) if key == "slice" else sorted(range(K), key=lambda k: slicing.name(k).lower())
        return order[::-1] if reverse else order
    if key == "n":
        col = n
    elif key == "base_rate":
        col = base if base is not None else np.zeros(K)
    else:
        name, _, which = key.partition("@")
        if name not in values:
            return list(range(K))
        arrs = values[name]
        col = arrs[1] - arrs[0] if which == "d" else arrs[int(which)]
    col = np.asarray(col, dtype=np.float64)
    nan = np.isnan(col)
    finite = [k for k in range(K) if not nan[k]]
    finite.sort(key=lambda k: col[k], reverse=reverse)
    return finite + [k for k in range(K) if nan[k]]


def table_columns(
    kind: str, slices: SliceState, names: list[str], shown: list[int], base: bool, interval_header: str | None = None
) -> list[tuple[str, str]]:
    """The columns; with ``interval_header`` (intervals on) each metric's model column is followed by its
    interval's (key ``ci:<metric>@<model>``)."""
    slicing = slices.slicing
    assert slicing is not None  # the columns are built once there are slices
    columns = [(" × ".join(sorted(slicing.features)), "slice"), ("n", "n")]
    if base:
        columns.append((BASE_HEADER[kind], "base"))
    for key, header, cell_kind in COLUMNS[kind]:
        for i in shown:
            columns.append((f"{header}·{short(names[i])}" if len(names) == 2 else header, f"{key}@{i}"))
            if interval_header is not None and cell_kind == "num":
                columns.append((interval_header, f"ci:{key}@{i}"))
        if len(shown) == 2:
            columns.append((f"Δ{header}", f"{key}@d"))
    return columns


def table_rows(
    kind: str,
    slices: SliceState,
    order: list[int],
    shown: list[int],
    values: Values,
    n: np.ndarray,
    base,
    name_width: int = 10_000,
    intervals: Callable[[str, int, int], str] | None = None,
) -> list[list[Text]]:
    """The cells, slices in ``order``: names in at most ``name_width`` cells (shortened, never a number);
    ``intervals(metric, model, slice)``: the text of each interval cell (intervals on)."""
    slicing = slices.slicing
    assert slicing is not None  # the rows are built once there are slices
    rows: list[list[Text]] = []
    decimals = cost_decimals(values.get("cost", []))
    for k in order:
        small = n[k] < SMALL_SLICE
        cells = [
            Text(fit_parts(slicing.labels[k], name_width)),
            Text(f"{int(n[k]):,}" + ("*" if small else ""), justify="right", style="yellow" if small else ""),
        ]
        if base is not None:
            cells.append(Text(num(base[k]), justify="right"))
        for key, _header, cell_kind in COLUMNS[kind]:
            vals = [values[key][i][k] for i in shown]
            for i, v in zip(shown, vals, strict=True):
                text = thr(v) if cell_kind == "thr" else (cost_text(v, decimals) if cell_kind == "cost" else num(v))
                cells.append(Text(text, justify="right"))
                if intervals is not None and cell_kind == "num":
                    cells.append(Text(intervals(key, i, k), justify="right", style="dim"))
            if len(shown) == 2:
                diff = vals[1] - vals[0]
                d = cost_text(diff, decimals, sign=True) if cell_kind == "cost" else signed(diff)
                cells.append(Text(d, justify="right", style="dim"))
        rows.append(cells)
    return rows


def cost_decimals(columns: list[np.ndarray]) -> int:
    """One format for every cost cell of the table: whole numbers while every cost is one (a whole cost ratio),
    else two decimals for all (never ``15`` beside ``17.50``)."""
    finite = [a[np.isfinite(a)] for a in columns]
    return 0 if all(np.all(a == np.round(a)) for a in finite) else 2


def cost_text(value: float, decimals: int, sign: bool = False) -> str:
    if not np.isfinite(value):
        return UNDEFINED
    text = f"{value:{'+' if sign else ''},.{decimals}f}"
    return text.replace("-", "−") if sign else text


__all__ = [
    "COLUMNS",
    "cost_decimals",
    "cost_text",
    "binary_values",
    "slice_counts",
    "slice_notes",
    "sort_options",
    "sorted_slices",
    "static_values",
    "table_columns",
    "table_rows",
]
