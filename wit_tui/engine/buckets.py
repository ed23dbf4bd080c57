"""How a numeric column is cut into slices: by value, in quantile or equal-width buckets, or around a tie.

The rules (``slicing``'s docstring has the whole picture):

- at most ``buckets`` distinct values: one slice per value;
- **count-like** columns — whole numbers with at most :data:`COUNT_LIKE_VALUES` distinct values whose quantile
  edges tie (fewer buckets than asked, e.g. ``juv_fel_count``: mostly 0, a few small counts): one slice per value
  too, since merging 0 with 1 and 2 hides exactly what such a column is about;
- otherwise ``buckets`` quantile buckets, exactly ``pd.qcut(x, q=buckets, duplicates="drop")``;
- when the ties leave a single quantile bucket although there are many values (``capital_gain``: 0 for 92% of
  people, 100+ other amounts), the tied value becomes a slice of its own and the values below and above it one
  slice each (``0`` and ``(0, 99999]``): one bucket would say nothing and be skipped by the worst-slice search;
- on request, equal-width buckets (``pd.cut(x, bins=buckets)``'s codes); the tie rule above applies to
  quantile buckets only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from wit_tui.engine.core.errors import WitError

#: a whole-number column with at most this many distinct values and tied quantile edges is sliced by value
COUNT_LIKE_VALUES = 20


def format_edge(x: float, digits: int | None = None) -> str:
    """An edge in positional notation: exact and shortest (``digits=None``), or to ``digits`` significant digits."""
    if digits is None:
        return np.format_float_positional(float(x), trim="-")
    return np.format_float_positional(float(x), precision=digits, fractional=False, trim="-")


def bucket_labels(edges: np.ndarray) -> tuple[str, ...]:
    """Interval labels as pandas writes them (the first bucket closed on both ends), with the edges rounded to
    6 significant digits, or more when that is needed to tell two edges apart (the exact edges are in ``edges``)."""
    edges = np.asarray(edges, dtype=np.float64)
    for digits in range(6, 18):
        text = [format_edge(e, digits) for e in edges]
        if len(set(text)) == len(text):
            break
    else:
        text = [format_edge(e) for e in edges]
    out = []
    for i in range(len(edges) - 1):
        left = "[" if i == 0 else "("
        out.append(f"{left}{text[i]}, {text[i + 1]}]")
    return tuple(out)


def quantile_edges(values: np.ndarray, buckets: int) -> np.ndarray:
    """``pd.qcut``'s edges: quantiles at ``linspace(0, 1, buckets + 1)``, repeated edges dropped."""
    finite = values[~np.isnan(values)]
    if len(finite) == 0:
        return np.zeros(0)
    return np.unique(np.quantile(finite, np.linspace(0.0, 1.0, buckets + 1)))


def equal_width_edges(values: np.ndarray, buckets: int) -> np.ndarray:
    """``pd.cut(x, bins=buckets)``'s inner edges: ``linspace(min, max, buckets + 1)`` over the non-missing values."""
    finite = values[~np.isnan(values)]
    if len(finite) == 0:
        return np.zeros(0)
    return np.linspace(finite.min(), finite.max(), buckets + 1)


def check_buckets(buckets: int) -> int:
    """The bucket count as a whole number from 1 to 1000, or a WitError saying so."""
    if isinstance(buckets, bool) or not isinstance(buckets, (int, np.integer)) or not 1 <= buckets <= 1000:
        raise WitError(
            f"The number of buckets must be a whole number from 1 to 1000, not {buckets!r}.",
            "Give e.g. 4 (quartiles) or 10 (deciles).",
        )
    return int(buckets)


def number(v: float) -> int | float:
    """A value as a slice key holds it: a whole number as an int."""
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else float(v)


@dataclass(frozen=True)
class NumericCut:
    """The non-missing values' codes (``codes[k]`` for ``x[~isnan(x)][k]``) and their slices' labels and values."""

    kind: str
    codes: np.ndarray
    labels: tuple[str, ...]
    values: tuple[Any, ...]
    edges: np.ndarray | None = None


def _by_value(finite: np.ndarray, distinct: np.ndarray) -> NumericCut:
    labels = tuple(format_edge(v) for v in distinct)
    return NumericCut("discrete", np.searchsorted(distinct, finite), labels, tuple(number(v) for v in distinct))


def _around_tie(finite: np.ndarray, quantiles: np.ndarray) -> NumericCut:
    """The tied value alone, and the values below and above it (each slice only if it has rows)."""
    tie = quantiles[1] if quantiles[1] == quantiles[0] else quantiles[-2]
    lo, hi = finite.min(), finite.max()
    slot = np.where(finite < tie, 0, np.where(finite == tie, 1, 2))
    names = [f"[{format_edge(lo)}, {format_edge(tie)})", format_edge(tie), f"({format_edge(tie)}, {format_edge(hi)}]"]
    values: list[Any] = [names[0], number(tie), names[2]]
    present = np.flatnonzero(np.bincount(slot, minlength=3))
    remap = np.full(3, -1, dtype=np.int64)
    remap[present] = np.arange(len(present))
    labels = tuple(names[k] for k in present)
    return NumericCut("tie", remap[slot], labels, tuple(values[k] for k in present))


def numeric_cut(x: np.ndarray, buckets: int, *, equal_width: bool = False) -> NumericCut:
    """Cut the non-missing values of ``x`` (float64, NaN = missing) by the module's rules."""
    finite = x[~np.isnan(x)]
    distinct = np.unique(finite)
    if len(distinct) <= buckets:
        return _by_value(finite, distinct)
    if equal_width:
        edges = equal_width_edges(x, buckets)
    else:
        quantiles = np.quantile(finite, np.linspace(0.0, 1.0, buckets + 1))
        edges = np.unique(quantiles)
        if len(edges) - 1 < buckets:
            whole = bool(np.all(distinct == np.round(distinct)))
            if whole and len(distinct) <= COUNT_LIKE_VALUES:
                return _by_value(finite, distinct)
            if len(edges) == 2:
                return _around_tie(finite, quantiles)
    codes = np.digitize(finite, edges[1:-1], right=True)
    labels = bucket_labels(edges)
    return NumericCut("equal_width" if equal_width else "quantile", codes, labels, labels, edges)


__all__ = [
    "COUNT_LIKE_VALUES",
    "NumericCut",
    "bucket_labels",
    "check_buckets",
    "equal_width_edges",
    "format_edge",
    "number",
    "numeric_cut",
    "quantile_edges",
]
