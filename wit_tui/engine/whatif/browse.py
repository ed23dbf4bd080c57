"""Which datapoints does the table show, in what order: sort keys, quick filters, views and pages.

A million rows are never materialised as display rows. A *view* is ``None``
(every id in id order) or an int64 array of datapoint ids; the table asks for
one page of it at a time (:func:`page`), so moving a page costs the same at row
999,000 as at row 0. Sorting uses one ``np.argsort`` per column, cached on the
session; a sorted, filtered view is that order indexed by a boolean mask. Edited
and added points take their current values and scores when a view is built
(they are placed in the sorted order with ``searchsorted``); a view is not
rebuilt behind the user's back when a value changes, so rows never jump while
being edited — re-apply the sort or filter to re-place them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from wit_tui.engine.core.columns import frame_like, is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.scoring import labels_from
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif.filter_parser import parse_filter
from wit_tui.engine.whatif.filtering import filter_mask

QuickFilter = Literal["misclassified", "false_positives", "false_negatives", "edited"]


def sort_keys(values: Any) -> np.ndarray:
    """Float keys that sort like the values: numbers as they are, text by its string order; NaN = missing (last)."""
    series = (
        values
        if isinstance(values, pd.Series)
        else pd.Series(
            np.asarray(values, dtype=object)
            if not isinstance(values, np.ndarray) or values.dtype.kind not in "iufb"
            else values
        )
    )
    if is_numeric(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    rank = np.argsort(np.argsort(np.array([str(u) for u in uniques], dtype=object), kind="stable"), kind="stable")
    keys = np.full(len(codes), np.nan)
    ok = codes >= 0
    keys[ok] = rank[codes[ok]]
    return keys


def _key_of(values: Sequence[Any], base: Any) -> np.ndarray:
    """Keys for a few values on the same scale as :func:`sort_keys` of the column ``base``.

    A text value the column does not hold sorts between its neighbours (rank - 0.5).
    """
    base_series = base if isinstance(base, pd.Series) else pd.Series(base)
    if is_numeric(base_series):
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    existing = np.array(sorted({str(u) for u in pd.unique(base_series.dropna())}), dtype=object)
    out = []
    for v in values:
        if v is None:
            out.append(np.nan)
            continue
        s = str(v)
        k = int(np.searchsorted(existing, s))
        out.append(float(k) if k < len(existing) and existing[k] == s else k - 0.5)
    return np.array(out, dtype=np.float64)


@dataclass(frozen=True)
class SortSpec:
    """A column to sort by: ``key`` names it for the cache, ``values`` gives the base column's values."""

    key: str
    label: str
    descending: bool = False


def column_values(session: Session, key: str) -> Any:
    """The base values of a table column key: ``id``, ``truth``, ``pred:i``, ``score:i``, ``proba:i:k`` (model
    ``i``'s probability of class ``k``) or ``f:name``."""
    if key == "id":
        return np.arange(session.n_rows, dtype=np.float64)
    if key == "truth":
        if session.y is None:
            raise WitError("There is no label column to sort by.", "Pass --label.")
        return session.y if session.task.kind != "regression" else session.y.astype(np.float64)
    kind, _, rest = key.partition(":")
    if kind in ("pred", "score"):
        sc = session.scores(int(rest))
        return sc.score if kind == "score" or session.task.kind == "regression" else sc.label
    if kind == "proba":
        m, _, k = rest.partition(":")
        proba = session.scores(int(m)).proba
        if proba is None:
            raise WitError("This model gives no class probabilities.", "Sort by its score instead.")
        return proba[:, int(k)]
    if kind == "f":
        return session.data[rest]
    raise WitError(f"Unknown column {key!r}.", "Pick a column from the list.")


def point_value(session: Session, key: str, i: int, thresholds: Sequence[float] | None = None) -> Any:
    """The current value of column ``key`` for one datapoint (edits and added points included)."""
    if key == "id":
        return float(i)
    if key == "truth":
        return session.truth(i)
    kind, _, rest = key.partition(":")
    if kind == "proba":
        m_text, _, k = rest.partition(":")
        proba = session.point_scores(i)[int(m_text)].proba
        return float("nan") if proba is None else float(proba[0][int(k)])
    if kind in ("pred", "score"):
        m = int(rest)
        sc = session.point_scores(i)[m]
        if kind == "score" or session.task.kind == "regression":
            return float(sc.score[0])
        t = None if thresholds is None else thresholds[m]
        return labels_from(sc.score, sc.proba, session.tasks[m], t)[0]
    return session.row(i)[rest]


def base_order(session: Session, key: str) -> np.ndarray:
    """Ascending stable order of the loaded rows by column ``key`` (missing last), computed once per column."""
    return _ordered(session, key)[0]


def order_ready(session: Session, key: str) -> bool:
    """Whether the order by column ``key`` is already computed (sorting by it again is instant)."""
    return ("browse.order", key) in session.memo


def _ordered(session: Session, key: str) -> tuple[np.ndarray, np.ndarray]:
    """(stable ascending order, sort keys) of the loaded rows by column ``key``, computed once per column."""

    def compute() -> tuple[np.ndarray, np.ndarray]:
        keys = sort_keys(column_values(session, key))
        return np.argsort(keys, kind="stable"), keys

    return session.memo.get(("browse.order", key), compute)


def build_view(
    session: Session,
    sort: SortSpec | None = None,
    mask: np.ndarray | None = None,
    thresholds: Sequence[float] | None = None,
) -> np.ndarray | None:
    """Ids in display order: sorted by ``sort`` (changed points placed by their current value), then masked.

    ``mask`` covers every id (``session.n_total`` entries). ``None`` means all ids in id order.
    """
    n_total = session.n_total
    if mask is not None and len(mask) != n_total:
        raise ValueError(f"mask has {len(mask)} entries for {n_total} datapoints")
    if sort is None or (sort.key == "id"):
        ids = None if mask is None else np.flatnonzero(mask)
        if sort is not None and sort.descending:
            ids = (np.arange(n_total)[::-1] if ids is None else ids[::-1]).copy()
        return ids
    order, keys = _ordered(session, sort.key)
    changed = session.changed_ids()
    if changed:
        changed_arr = np.array(changed, dtype=np.int64)
        edited = changed_arr[changed_arr < session.n_rows]
        if len(edited):
            drop = np.zeros(session.n_rows, dtype=bool)
            drop[edited] = True
            order = order[~drop[order]]
        sorted_keys = keys[order]
        base = column_values(session, sort.key)
        new_keys = _key_of([point_value(session, sort.key, i, thresholds) for i in changed], base)
        pos = np.searchsorted(sorted_keys, new_keys, side="right")
        order = np.insert(order, pos, changed_arr)
        all_keys = np.insert(sorted_keys, pos, new_keys)
    else:
        all_keys = keys[order]
    if sort.descending:
        n_valid = int(np.count_nonzero(~np.isnan(all_keys)))
        order = np.concatenate([order[:n_valid][::-1], order[n_valid:]])
    if mask is not None:
        order = order[mask[order]]
    return order


def quick_filter_mask(
    session: Session, which: QuickFilter, model: int | None, thresholds: Sequence[float] | None = None
) -> np.ndarray:
    """Rows misclassified / false positives / false negatives by ``model`` (None: by any model), or changed rows.

    Binary predictions use ``thresholds`` (default: the task's); rows without a label never match the
    prediction filters. Edited and added points use their current scores.
    """
    n_total = session.n_total
    if which == "edited":
        mask = np.zeros(n_total, dtype=bool)
        mask[session.changed_ids()] = True
        return mask
    task = session.task
    if session.y is None:
        raise WitError("There is no ground truth, so nothing is misclassified.", "Pass --label.")
    if task.kind == "regression":
        raise WitError("Misclassified / false positive filters need a classifier.", "Use / with an expression instead.")
    if which != "misclassified" and task.kind != "binary":
        raise WitError("False positives and negatives need a binary task.", "Use the misclassified filter.")
    models = range(len(session.models)) if model is None else [model]
    labelled = np.asarray(~pd.isna(session.y), dtype=bool)
    mask = np.zeros(session.n_rows, dtype=bool)
    for m in models:
        sc = session.scores(m)
        t = session.tasks[m].default_threshold if thresholds is None else thresholds[m]
        if task.kind == "binary":
            pred_pos = sc.score >= t
            truth_pos = session.y_positive
            hit = {
                "misclassified": pred_pos != truth_pos,
                "false_positives": pred_pos & ~truth_pos,
                "false_negatives": ~pred_pos & truth_pos,
            }[which]
        else:
            hit = sc.label != session.y
        mask |= hit & labelled
    full = np.zeros(n_total, dtype=bool)
    full[: session.n_rows] = mask
    for i in session.changed_ids():
        full[i] = _point_matches(session, i, which, models, thresholds)
    return full


def _point_matches(session: Session, i: int, which: str, models: Any, thresholds: Sequence[float] | None) -> bool:
    truth = session.truth(i)
    if truth is None or (not isinstance(truth, str) and pd.isna(truth)):
        return False
    task = session.task
    for m in models:
        pred = point_value(session, f"pred:{m}", i, thresholds)
        if which == "misclassified" and pred != truth:
            return True
        if which == "false_positives" and pred == task.positive and truth != task.positive:
            return True
        if which == "false_negatives" and pred != task.positive and truth == task.positive:
            return True
    return False


def expression_mask(session: Session, text: str, thresholds: Sequence[float] | None = None) -> np.ndarray:
    """Rows (every id) matching a filter expression over the columns, ``score_<model>`` and ``pred_<model>``.

    WitError (nothing else) for an expression that does not parse or does not type-check.
    """
    extra_names = {}
    for m, model in enumerate(session.models):
        safe = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in model.name)
        extra_names[f"score_{safe}"] = f"score:{m}"
        extra_names[f"pred_{safe}"] = f"pred:{m}"
    known = list(session.data.columns) + [n for n in extra_names if n not in session.data.columns]
    flt = parse_filter(text, known)

    def source_for(values_of: Any) -> dict[str, Any]:
        out = {}
        for name in flt.columns:
            out[name] = values_of(name)
        return out

    def base_values(name: str) -> Any:
        if name in extra_names and name not in session.data.columns:
            key = extra_names[name]
            m = int(key.split(":")[1])
            sc = session.scores(m)
            if key.startswith("score") or session.task.kind == "regression":
                return sc.score
            t = session.tasks[m].default_threshold if thresholds is None else thresholds[m]
            return pd.Series(labels_from(sc.score, sc.proba, session.tasks[m], t))
        return session.data[name]

    mask = filter_mask(flt, source_for(base_values), session.n_rows)
    changed = session.changed_ids()
    if not changed:
        return mask
    records = [session.record(i) for i in changed]

    def changed_values(name: str) -> Any:
        if name in extra_names and name not in session.data.columns:
            key = extra_names[name]
            vals = [point_value(session, key, i, thresholds) for i in changed]
            return np.array(vals, dtype=np.float64) if key.startswith("score") else pd.Series(vals, dtype=object)
        return frame_like(session.data, {name: [r.get(name) for r in records]})[name]

    small = filter_mask(flt, source_for(changed_values), len(changed))
    full = np.zeros(session.n_total, dtype=bool)
    full[: session.n_rows] = mask
    full[np.array(changed, dtype=np.int64)] = small
    return full


@dataclass(frozen=True)
class Page:
    """One page of the table: ids and, per id, truth, each model's label and score, and feature values."""

    ids: np.ndarray
    truth: list[Any]
    labels: list[list[Any]]
    scores: list[np.ndarray]
    features: dict[str, list[Any]]
    changed: list[bool]


def page(
    session: Session, view: np.ndarray | None, start: int, stop: int, thresholds: Sequence[float] | None = None
) -> Page:
    """Rows ``start .. stop-1`` of a view: only those ids are read, whatever their position."""
    total = session.n_total if view is None else len(view)
    start, stop = max(0, start), min(stop, total)
    ids = np.arange(start, stop, dtype=np.int64) if view is None else np.asarray(view[start:stop], dtype=np.int64)
    base = ids[ids < session.n_rows]
    frame = session.data.iloc[base] if len(base) else None
    feats: dict[str, list[Any]] = {f: [] for f in session.features}
    base_cols = {f: frame[f].tolist() for f in session.features} if frame is not None else {}
    truth: list[Any] = []
    labels: list[list[Any]] = [[] for _ in session.models]
    scores = [np.empty(len(ids)) for _ in session.models]
    changed: list[bool] = []
    task = session.task
    b = 0
    for k, i in enumerate(ids.tolist()):
        is_changed = session.is_changed(i)
        changed.append(is_changed)
        truth.append(session.truth(i) if session.y is not None else None)
        if i < session.n_rows and not is_changed:
            for f in session.features:
                feats[f].append(_clean(base_cols[f][b]))
        else:
            row = session.row(i)
            for f in session.features:
                feats[f].append(row[f])
        if i < session.n_rows:
            b += 1
        for m in range(len(session.models)):
            if is_changed:
                sc = session.point_scores(i)[m]
                s, p = sc.score, sc.proba
            else:
                full = session.scores(m)
                s = full.score[i : i + 1]
                p = None if full.proba is None else full.proba[i : i + 1]
            t = None if thresholds is None else thresholds[m]
            scores[m][k] = s[0]
            labels[m].append(labels_from(s, p, session.tasks[m], t)[0] if task.kind != "regression" else float(s[0]))
    return Page(ids, truth, labels, scores, feats, changed)


def _clean(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


__all__ = [
    "Page",
    "QuickFilter",
    "SortSpec",
    "base_order",
    "build_view",
    "column_values",
    "expression_mask",
    "page",
    "point_value",
    "quick_filter_mask",
    "sort_keys",
]
