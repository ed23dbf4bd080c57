"""For whom: split the rows into slices by one feature, or the cross of two (or more).

Every slicing is a vector of integer codes, one per row (``-1`` = not in any
slice), so per-slice counts are one ``np.bincount`` and per-slice metrics one
stable sort by code. The same rules apply wherever slices appear (report,
validation, fairness):

- **categorical** features (strings, categories, booleans): one slice per value
  present in the data, in category order (pandas categoricals) or sorted order;
- **numeric** features with at most ``buckets`` distinct values: one slice per
  value (a 0/1 column gives two slices, not one bucket); so are **count-like**
  ones (whole numbers, at most 20 distinct values, quantile edges that tie:
  ``juv_fel_count``), and a column whose ties leave one quantile bucket
  (``capital_gain``) is split around the tied value (``0``, ``(0, 99999]``):
  ``buckets`` has the rules;
- other **numeric** features: ``buckets`` quantile buckets (default 4), exactly
  ``pd.qcut(x, q=buckets, duplicates="drop")``: the edges are
  ``np.quantile(x, linspace(0, 1, buckets + 1))`` (linear interpolation) over
  the column's non-missing values, repeated edges are dropped (so heavy ties
  give fewer buckets), and a value ``v`` falls in bucket ``i`` when
  ``edges[i] < v <= edges[i+1]`` (the first bucket also includes its lower
  edge), i.e. ``np.digitize(v, edges[1:-1], right=True)`` (numpy's and
  pandas' linear interpolation may differ in an edge's last bit; the buckets
  are tested equal to pd.qcut's on the Adult data). Labels are written
  as intervals: ``[17, 28]``, ``(28, 37]``, … with the edges to 6 significant
  digits (more if two edges would look alike; the exact edges are kept in
  ``edges`` and the report's JSON);
- on request (``equal_width=True``), **equal-width** buckets instead: the
  edges are ``np.linspace(min, max, buckets + 1)`` and the codes exactly
  ``pd.cut(x, bins=buckets)``'s (pandas widens the first edge by 0.1% for its
  label only); the same interval labels, and a bucket no value falls in is
  simply not a slice. The What-If Tool always used equal width (2 buckets);
  quantiles are our default because equal width on a skewed feature puts
  nearly everyone in one bucket;
- **missing** values (NaN / None / NA) form their own slice, ``(missing)``,
  listed last, whatever the feature's kind.

Edges are computed over the whole column, never per sub-slice, so the buckets
of ``age`` are the same on every slice and in every command.

A slice key is a tuple of ``(feature, value)`` pairs sorted by feature name, as
in TFMA; its string form is TFMA's too: ``Overall``, ``sex:Female``,
``race_X_sex:White_X_Female``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.buckets import (
    bucket_labels,
    check_buckets,
    equal_width_edges,
    format_edge,
    numeric_cut,
    quantile_edges,
)
from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.values import py

DEFAULT_BUCKETS = 4
MAX_SLICES = 1000  # a slicing with more slices is almost surely an ID column: refuse it with a clear message
MISSING_LABEL = "(missing)"
OVERALL = "Overall"

SliceKey = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class FeatureSlices:
    """One feature's slices: ``codes[row]`` indexes ``labels`` / ``values``.

    ``kind`` is ``"categorical"``, ``"discrete"`` (a numeric feature with few
    values, one slice each), ``"quantile"``, ``"equal_width"`` or ``"edges"``
    (numeric buckets, ``edges`` set), ``"tie"`` (split around a tied value),
    ``"predicate"`` (a filter expression's rows and the rest) or ``"value"``.
    ``values[k]`` is the slice's value for slice keys: the category, the
    number, the bucket's label, or None for the missing slice.
    """

    feature: str
    kind: str
    codes: np.ndarray
    labels: tuple[str, ...]
    values: tuple[Any, ...]
    counts: np.ndarray
    edges: np.ndarray | None = None

    @property
    def n_slices(self) -> int:
        return len(self.labels)


def _with_missing(codes: np.ndarray, missing: np.ndarray, labels: list[str], values: list[Any]) -> tuple:
    if missing.any():
        codes = codes.copy()
        codes[missing] = len(labels)
        labels = [*labels, MISSING_LABEL]
        values = [*values, None]
    return codes, tuple(labels), tuple(values)


def feature_slices(
    series: pd.Series, buckets: int = DEFAULT_BUCKETS, name: str | None = None, *, equal_width: bool = False
) -> FeatureSlices:
    """Encode one column as slice codes (see the module docstring for the rules)."""
    if buckets < 1:
        raise WitError(f"The number of buckets must be at least 1, not {buckets}.", "Pass --buckets 2 or more.")
    name = str(series.name if name is None else name)
    n = len(series)
    if is_numeric(series):
        x = series.to_numpy(dtype=np.float64, na_value=np.nan)
        missing = np.isnan(x)
        cut = numeric_cut(x, buckets, equal_width=equal_width)
        codes = np.zeros(n, dtype=np.int64)
        codes[~missing] = cut.codes
        codes, labels, values = _with_missing(codes, missing, list(cut.labels), list(cut.values))
        kind, edges = cut.kind, cut.edges
    else:
        missing = np.asarray(series.isna().to_numpy(), dtype=bool)
        if isinstance(series.dtype, pd.CategoricalDtype):
            cat_codes = series.cat.codes.to_numpy().astype(np.int64)
            present = np.unique(cat_codes[~missing])
            remap = np.full(len(series.cat.categories), -1, dtype=np.int64)
            remap[present] = np.arange(len(present))
            codes = np.where(missing, 0, remap[np.where(missing, 0, cat_codes)])
            uniques = [py(series.cat.categories[k]) for k in present]
        else:
            try:
                fcodes, uniq = pd.factorize(series, sort=True, use_na_sentinel=True)
            except TypeError:  # values of mixed types that do not sort
                fcodes, uniq = pd.factorize(series, sort=False, use_na_sentinel=True)
            codes = np.where(fcodes < 0, 0, fcodes).astype(np.int64)
            uniques = [py(u) for u in uniq]
        codes, labels, values = _with_missing(codes, missing, [str(u) for u in uniques], uniques)
        kind, edges = "categorical", None
    counts = np.bincount(codes, minlength=len(labels)) if n else np.zeros(len(labels), np.int64)
    return FeatureSlices(name, kind, codes, tuple(labels), tuple(values), counts, edges)


@dataclass(frozen=True)
class Slicing:
    """Rows split into slices: ``codes[row]`` in ``[0, n_slices)``, or ``-1`` for rows left out.

    ``keys[k]`` is slice ``k``'s TFMA slice key (``(feature, value)`` pairs
    sorted by feature); ``labels[k]`` the display label of each feature in the
    same order; ``counts[k]`` its number of rows (``np.bincount``). Slices
    with no rows are not listed. ``edges`` holds the bucket edges of each
    quantile-bucketed feature.
    """

    features: tuple[str, ...]
    codes: np.ndarray
    keys: tuple[SliceKey, ...]
    labels: tuple[tuple[str, ...], ...]
    counts: np.ndarray
    edges: dict[str, tuple[float, ...]]
    kinds: dict[str, str]

    @property
    def n_slices(self) -> int:
        return len(self.keys)

    def name(self, k: int) -> str:
        return slice_name(self.keys[k], self.labels[k])

    def rows(self, k: int) -> np.ndarray:
        return np.flatnonzero(self.codes == k)


def slice_name(key: SliceKey, labels: Sequence[str] | None = None) -> str:
    """TFMA's string form of a slice key: ``Overall``, ``sex:Female``, ``race_X_sex:White_X_Female``."""
    if not key:
        return OVERALL
    labels = labels if labels is not None else [MISSING_LABEL if v is None else str(v) for _, v in key]
    return "_X_".join(f for f, _ in key) + ":" + "_X_".join(labels)


def overall(n_rows: int, rows: np.ndarray | None = None) -> Slicing:
    """The single Overall slice (optionally of ``rows`` only, a boolean mask)."""
    codes = np.zeros(n_rows, dtype=np.int64)
    if rows is not None:
        codes[~np.asarray(rows, dtype=bool)] = -1
    count = int((codes == 0).sum())
    if count == 0:
        return Slicing((), codes, (), (), np.zeros(0, np.int64), {}, {})
    return Slicing((), codes, ((),), ((),), np.array([count], np.int64), {}, {})


def check_columns(frame: pd.DataFrame, features: Sequence[str], what: str = "--slice") -> None:
    unknown = [f for f in features if f not in frame.columns]
    if unknown:
        cols = ", ".join(map(str, frame.columns[:30])) + (" …" if len(frame.columns) > 30 else "")
        raise WitError(f"{what} names columns the data lacks: {', '.join(unknown)}.", f"Columns: {cols}.")


def cross(parts: Sequence[FeatureSlices], rows: np.ndarray | None = None) -> Slicing:
    """The cross of one or more features' slices: one slice per combination present in ``rows``."""
    if not parts:
        n = 0 if rows is None else len(rows)
        return overall(n, rows)
    n = len(parts[0].codes)
    combined = np.zeros(n, dtype=np.int64)
    for p in parts:
        combined = combined * p.n_slices + p.codes
    keep = np.ones(n, dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
    present, inverse = np.unique(combined[keep], return_inverse=True)
    codes = np.full(n, -1, dtype=np.int64)
    codes[keep] = inverse
    # decode each present combination back to one code per feature (mixed radix, last feature fastest)
    per_feature = []
    rest = present.copy()
    for p in reversed(parts):
        per_feature.append(rest % p.n_slices)
        rest //= p.n_slices
    per_feature.reverse()
    order = sorted(range(len(parts)), key=lambda j: parts[j].feature)
    keys, labels = [], []
    for k in range(len(present)):
        keys.append(tuple((parts[j].feature, parts[j].values[per_feature[j][k]]) for j in order))
        labels.append(tuple(parts[j].labels[per_feature[j][k]] for j in order))
    counts = np.bincount(inverse, minlength=len(present)).astype(np.int64)
    edges = {p.feature: tuple(float(e) for e in p.edges) for p in parts if p.edges is not None}
    kinds = {p.feature: p.kind for p in parts}
    return Slicing(tuple(p.feature for p in parts), codes, tuple(keys), tuple(labels), counts, edges, kinds)


def slice_by(
    frame: pd.DataFrame,
    features: Sequence[str],
    buckets: int = DEFAULT_BUCKETS,
    rows: np.ndarray | None = None,
    *,
    equal_width: bool = False,
) -> Slicing:
    """Slices of ``frame`` by ``features`` (none = Overall), counting only ``rows`` (a boolean mask) if given;
    numeric features in ``buckets`` quantile buckets, or equal-width ones with ``equal_width=True``."""
    features = list(features)
    if len(set(features)) != len(features):
        raise WitError(f"A feature is listed twice in the slicing {', '.join(features)}.", "Name each feature once.")
    check_columns(frame, features)
    if not features:
        return overall(len(frame), rows)
    return cross([feature_slices(frame[f], buckets, f, equal_width=equal_width) for f in features], rows)


def value_mask(series: pd.Series, value: Any, buckets: int = DEFAULT_BUCKETS) -> tuple[np.ndarray, Any, str]:
    """Rows whose value is ``value`` (TFMA's ``feature_values``): ``(mask, key value, label)``.

    Numeric features match numerically (``"13"``, ``13`` and ``13.0`` are the
    same value) or, given a bucket label such as ``"(28, 37]"``, that bucket's
    rows. Other features match the value's text (TOML's ``true`` matches a
    boolean True). ``"(missing)"`` matches missing values.
    """
    if isinstance(value, str) and value == MISSING_LABEL:
        return np.asarray(series.isna().to_numpy(), dtype=bool), None, MISSING_LABEL
    if is_numeric(series):
        fs = feature_slices(series, buckets)
        if isinstance(value, str) and value in fs.labels and fs.kind in ("quantile", "tie"):
            k = fs.labels.index(value)
            return fs.codes == k, value, value
        try:
            number = float(value)
        except (TypeError, ValueError):
            return np.zeros(len(series), dtype=bool), value, str(value)
        x = series.to_numpy(dtype=np.float64, na_value=np.nan)
        key = int(number) if number.is_integer() and abs(number) < 2**53 else number
        return x == number, key, format_edge(number)
    text = series.astype("string").fillna("\x00<NA>")
    want = str(value)
    mask = np.asarray((text == want).to_numpy(dtype=bool, na_value=False), dtype=bool)
    if not mask.any() and pd.api.types.is_bool_dtype(series.dtype):
        mask = np.asarray((text.str.lower() == want.lower()).to_numpy(dtype=bool, na_value=False), dtype=bool)
    matched = series[mask]
    key = py(matched.iloc[0]) if len(matched) else value
    return mask, key, str(key)


def check_slice_count(slicing: Slicing, what: str) -> None:
    """Refuse a slicing with more than ``MAX_SLICES`` slices (WitError naming ``what``)."""
    if slicing.n_slices > MAX_SLICES:
        raise WitError(
            f"{what} gives {slicing.n_slices:,} slices, more than {MAX_SLICES:,}: "
            f"{', '.join(slicing.features)} looks like an identifier, not a feature to slice by.",
            "Slice by a feature with fewer values (numeric features are cut in --buckets quantile buckets).",
        )


def group_rows(codes: np.ndarray, n_slices: int) -> list[np.ndarray]:
    """Row indices of each slice, from one stable sort by code (rows with code -1 are dropped)."""
    codes = np.asarray(codes, dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes[codes >= 0], minlength=n_slices)
    start = int(np.count_nonzero(codes < 0))
    bounds = start + np.r_[0, np.cumsum(counts)]
    return [order[bounds[k] : bounds[k + 1]] for k in range(n_slices)]


__all__ = [
    "DEFAULT_BUCKETS",
    "FeatureSlices",
    "MAX_SLICES",
    "MISSING_LABEL",
    "OVERALL",
    "SliceKey",
    "Slicing",
    "bucket_labels",
    "check_buckets",
    "check_columns",
    "equal_width_edges",
    "check_slice_count",
    "cross",
    "feature_slices",
    "format_edge",
    "group_rows",
    "overall",
    "quantile_edges",
    "slice_by",
    "slice_name",
    "value_mask",
]
