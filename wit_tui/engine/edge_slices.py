"""Which bucket a value falls in when the user gives the edges (``0, 1, 3, 10``) instead of a count.

The interval rule is the quantile buckets' (and ``pd.cut(x, bins=edges, right=True, include_lowest=True)``'s):
bucket ``i`` holds ``edges[i] < v <= edges[i+1]``, the first bucket also its lower edge. Where ``pd.cut``
drops a value outside the edges (NaN), we keep it: values below the first edge form the slice ``(-inf, e0)``,
values above the last ``(eN, inf)``, so a slice table always adds up to every row and edges saved on one data
set still place every row of another. Missing values form ``(missing)`` as everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from wit_tui.engine.buckets import bucket_labels, check_buckets, format_edge
from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.slicing import MISSING_LABEL, FeatureSlices

#: the most edges one feature may have (a slicing of more than 1000 slices is refused anyway)
MAX_EDGES = 1001


def check_edges(edges: Iterable[object], feature: str = "") -> tuple[float, ...]:
    """The edges as finite, strictly increasing floats (at least two), or a WitError saying what is wrong."""
    where = f" of {feature}" if feature else ""
    out: list[float] = []
    for e in edges:
        if isinstance(e, bool) or not isinstance(e, (int, float, np.integer, np.floating)):
            raise WitError(f"A bucket edge{where} must be a number, not {e!r}.", "Give edges such as 0, 1, 3, 10.")
        if not math.isfinite(float(e)):
            raise WitError(f"A bucket edge{where} must be finite, not {e!r}.", "Give edges such as 0, 1, 3, 10.")
        out.append(float(e))
    if len(out) < 2:
        raise WitError(
            f"Bucket edges{where} need at least two numbers (one bucket), not {len(out)}.",
            "Give edges such as 0, 1, 3, 10.",
        )
    if len(out) > MAX_EDGES:
        raise WitError(f"{len(out):,} bucket edges{where} are too many.", f"Give at most {MAX_EDGES - 1:,} buckets.")
    bad = [k for k in range(1, len(out)) if not out[k] > out[k - 1]]
    if bad:
        k = bad[0]
        raise WitError(
            f"Bucket edges{where} must increase: {format_edge(out[k - 1])} is followed by {format_edge(out[k])}.",
            "List the edges from smallest to largest, each once, e.g. 0, 1, 3, 10.",
        )
    return tuple(out)


def parse_buckets(text: str) -> int | tuple[float, ...]:
    """What the user typed for ``n``: one whole number is a bucket count, two or more numbers are edges."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    if not parts:
        raise WitError("Give a bucket count or bucket edges.", "E.g. 4 (quartiles) or 0, 1, 3, 10 (edges).")
    if len(parts) == 1:
        try:
            return check_buckets(int(parts[0]))
        except ValueError:
            pass
        raise WitError(
            f"{parts[0]!r} is neither a bucket count nor a list of edges.", "E.g. 4 (quartiles) or 0, 1, 3, 10."
        )
    numbers: list[object] = []
    for p in parts:
        try:
            numbers.append(float(p))
        except ValueError:
            raise WitError(f"Bucket edge {p!r} is not a number.", "Give edges such as 0, 1, 3, 10.") from None
    return check_edges(numbers)


def edge_labels(edges: tuple[float, ...]) -> tuple[str, str, tuple[str, ...]]:
    """The labels of the below slice, the above slice and the buckets between the edges."""
    inner = bucket_labels(np.asarray(edges))
    return f"(-inf, {format_edge(edges[0])})", f"({format_edge(edges[-1])}, inf)", inner


def edge_slices(series: pd.Series, edges: tuple[float, ...], name: str | None = None) -> FeatureSlices:
    """One numeric column in the buckets between ``edges`` (see the module docstring for the rule)."""
    name = str(series.name if name is None else name)
    if not is_numeric(series):
        raise WitError(
            f"Bucket edges apply to numeric features; {name} is not numeric.",
            "Give edges only for numeric features; other features are sliced by value.",
        )
    edges = check_edges(edges, name)
    x = series.to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(x)
    below_label, above_label, inner = edge_labels(edges)
    # slot 0 = below, 1..B = the buckets, B+1 = above, B+2 = missing; empty slots are then dropped
    B = len(inner)
    slot = np.full(len(x), B + 2, dtype=np.int64)
    ok = ~missing
    v = x[ok]
    s = np.digitize(v, np.asarray(edges[1:-1]), right=True) + 1
    s[v < edges[0]] = 0
    s[v > edges[-1]] = B + 1
    slot[ok] = s
    all_labels = [below_label, *inner, above_label, MISSING_LABEL]
    all_values: list[object] = [below_label, *inner, above_label, None]
    counts = np.bincount(slot, minlength=B + 3)
    # the buckets between the edges are always listed (a saved slicing keeps its slices); outer ones when present
    keep = [k for k in range(B + 3) if (1 <= k <= B) or counts[k] > 0]
    remap = np.full(B + 3, -1, dtype=np.int64)
    remap[keep] = np.arange(len(keep))
    codes = remap[slot]
    labels = tuple(all_labels[k] for k in keep)
    values = tuple(all_values[k] for k in keep)
    return FeatureSlices(name, "edges", codes, labels, values, counts[keep].astype(np.int64), np.asarray(edges))


__all__ = ["MAX_EDGES", "check_edges", "edge_labels", "edge_slices", "parse_buckets"]
