"""How far apart are two datapoints: the What-If Tool's distance, and a fast scan of it over the loaded rows.

Distance, as the What-If Tool defines it (``getDist``), summed over the
features it counts — by default the models' inputs (``distance_features``:
a column no model reads cannot make a neighbour a counterfactual); the label
and ID-like text columns (every value distinct) never count:

- numeric feature: ``|a - b| / std``, ``std`` the sample standard deviation
  (n-1) of the feature over the loaded data; a feature with std 0 (or fewer
  than two values) contributes 0;
- categorical feature: 0 when equal, else ``Σ_k p_k²`` — the chance that two
  random datapoints share a value (p_k = share of category k among the
  non-missing values), so a mismatch on a rare-valued, evenly spread feature
  costs little and a mismatch on a 50/50 feature costs 0.5;
- a missing value on either side: 1, whatever the feature.

L1 = Σ term; L2 = sqrt(Σ term²). The What-If Tool shows Σ term² without the
square root; the ranking is the same, and we show the true Euclidean number.

Speed: the loaded rows are encoded once (cached on the session): a float32
matrix of numeric features already divided by their std (column-major, NaN =
missing) and an int matrix of category codes (missing = one extra code). A
search is then one pass per feature over a contiguous column — ``|x - c|``
accumulated in place, categories by a lookup table ``lut[codes]`` — plus an
argmin; near-ties of that float32 pass are re-ranked exactly in float64.
Statistics come from the loaded data and are not recomputed after edits.
Every feature is encoded once; the space of a choice of features is a cut of
those columns (:meth:`DistanceSpace.subset`), so changing the choice is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.core.values import is_missing, py
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif.distance_features import model_inputs

Metric = Literal["L1", "L2"]
Cancelled = Callable[[], bool]
SPACE_KEY = ("counterfactual.space",)


@dataclass(frozen=True)
class DistanceSpace:
    """The loaded rows encoded for distance scans (see the module docstring)."""

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    excluded: tuple[str, ...]
    num: np.ndarray  # float32 (n, p_num), Fortran order, value / std (0 when std is 0), NaN = missing
    cat: np.ndarray  # int (n, p_cat), Fortran order, category code, len(categories[j]) = missing
    scale: np.ndarray  # float64 (p_num,): 1/std, or 0
    std: np.ndarray  # float64 (p_num,)
    categories: tuple[tuple[Any, ...], ...]
    cat_cost: np.ndarray  # float64 (p_cat,): Σ p²
    missing_rows: tuple[np.ndarray, ...]  # per numeric column, rows where it is missing

    @property
    def n_rows(self) -> int:
        return self.num.shape[0] if self.num.size or not self.cat.size else self.cat.shape[0]

    @property
    def features(self) -> tuple[str, ...]:
        return self.numeric + self.categorical

    def subset(self, features: Sequence[str]) -> DistanceSpace:
        """The space over ``features`` only: the same encoding and statistics, a cut of the columns."""
        keep = set(features)
        ni = [j for j, f in enumerate(self.numeric) if f in keep]
        ci = [j for j, f in enumerate(self.categorical) if f in keep]
        excluded = tuple(f for f in self.excluded if f in keep)
        if len(ni) == len(self.numeric) and len(ci) == len(self.categorical):
            return replace(self, excluded=excluded)  # every encoded column: share the arrays
        return DistanceSpace(
            tuple(self.numeric[j] for j in ni),
            tuple(self.categorical[j] for j in ci),
            excluded,
            np.asfortranarray(self.num[:, ni]),
            np.asfortranarray(self.cat[:, ci]),
            self.scale[ni],
            self.std[ni],
            tuple(self.categories[j] for j in ci),
            self.cat_cost[ci],
            tuple(self.missing_rows[j] for j in ni),
        )


def id_like(series: pd.Series) -> bool:
    """A text column whose every value is distinct (ids, free text): it says nothing about similarity."""
    return not is_numeric(series) and len(series) > 1 and series.nunique(dropna=True) == len(series)


def _scaled_numerics(
    frame: pd.DataFrame, numeric: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """(float32 values / std, 1/std or 0, std, missing rows) per numeric feature (see the module docstring)."""
    n = len(frame)
    num = np.empty((n, len(numeric)), dtype=np.float32, order="F")
    std = np.zeros(len(numeric))
    scale = np.zeros(len(numeric))
    missing_rows = []
    for j, f in enumerate(numeric):
        v = frame[f].to_numpy(dtype=np.float64, na_value=np.nan)
        miss = np.isnan(v)
        k = int(n - miss.sum())
        present = v[~miss]
        # equal values are spread 0 exactly (np.std of [5.76] * 3 is 1e-15, whose inverse scale would blow up)
        sd = float(np.std(present, ddof=1)) if k > 1 and np.ptp(present) > 0 else 0.0
        std[j] = sd
        scale[j] = 1.0 / sd if sd > 0 and np.isfinite(sd) else 0.0
        num[:, j] = v * scale[j] if scale[j] else np.where(miss, np.nan, 0.0)
        missing_rows.append(np.flatnonzero(miss))
    return num, scale, std, missing_rows


def build_space(frame: pd.DataFrame, features: Sequence[str]) -> DistanceSpace:
    """Encode ``frame[features]`` once: scaled float32 numerics, integer category codes, Σp² per category."""
    numeric, categorical, excluded = [], [], []
    for f in features:
        s = frame[f]
        if is_numeric(s):
            numeric.append(f)
        elif id_like(s):
            excluded.append(f)
        else:
            categorical.append(f)
    n = len(frame)
    num, scale, std, missing_rows = _scaled_numerics(frame, numeric)
    cats, costs = [], []
    encoded = [_codes(frame[f]) for f in categorical]
    width = max([1] + [len(u) + 1 for _, u in encoded])
    code_type = np.int16 if width < 2**15 else np.int32
    cat = np.empty((n, len(categorical)), dtype=code_type, order="F")
    for j, (codes, uniques) in enumerate(encoded):
        k = len(uniques)
        codes = np.where(codes < 0, k, codes)
        cat[:, j] = codes
        counts = np.bincount(codes, minlength=k + 1)[:k].astype(np.float64)
        total = counts.sum()
        costs.append(float(np.sum((counts / total) ** 2)) if total else 0.0)
        cats.append(tuple(py(u) for u in uniques))
    return DistanceSpace(
        tuple(numeric),
        tuple(categorical),
        tuple(excluded),
        num,
        cat,
        scale,
        std,
        tuple(cats),
        np.array(costs, dtype=np.float64),
        tuple(missing_rows),
    )


def _codes(series: pd.Series) -> tuple[np.ndarray, Sequence[Any]]:
    """Integer codes (-1 = missing) and the values they stand for; a categorical's own codes when it has them."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return np.asarray(series.cat.codes), list(series.cat.categories)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, list(uniques)


def distance_space(session: Session, features: Sequence[str] | None = None) -> DistanceSpace:
    """The session's loaded rows encoded for a distance over ``features`` (default: the models' inputs, see
    ``distance_features``; given ones are checked there). Every feature is encoded once (cached): the slow part,
    run it in a worker."""
    full = session.memo.get(SPACE_KEY, lambda: build_space(session.data, session.features))
    chosen = tuple(model_inputs(session) if features is None else features)
    return session.memo.get((SPACE_KEY[0], chosen), lambda: full.subset(chosen))


def space_ready(session: Session) -> bool:
    """Whether the encoding behind :func:`distance_space` is already built (so a caller can say it is about to
    take a while)."""
    return SPACE_KEY in session.memo


@dataclass(frozen=True)
class Encoded:
    """One point in the space: scaled numerics (NaN = missing) and category codes (-1 missing, -2 unseen)."""

    num: np.ndarray
    cat: np.ndarray


def encode(space: DistanceSpace, values: Mapping[str, Any]) -> Encoded:
    num = np.array(
        [
            np.nan if is_missing(values.get(f)) else float(values[f]) * space.scale[j]
            for j, f in enumerate(space.numeric)
        ],
        dtype=np.float64,
    )
    cat = np.empty(len(space.categorical), dtype=np.int64)
    for j, f in enumerate(space.categorical):
        v = values.get(f)
        if is_missing(v):
            cat[j] = -1
        else:
            try:
                cat[j] = space.categories[j].index(v)
            except ValueError:
                matches = [k for k, c in enumerate(space.categories[j]) if str(c) == str(v)]
                cat[j] = matches[0] if matches else -2
    return Encoded(num, cat)


def terms(space: DistanceSpace, a: Encoded, b: Encoded) -> np.ndarray:
    """Per-feature contributions between two encoded points (numeric features first), exact float64."""
    out = np.empty(len(space.numeric) + len(space.categorical))
    p = len(space.numeric)
    for j in range(p):
        x, y = a.num[j], b.num[j]
        out[j] = 1.0 if (np.isnan(x) or np.isnan(y)) else abs(x - y)
    for j in range(len(space.categorical)):
        x, y = a.cat[j], b.cat[j]
        out[p + j] = 1.0 if (x == -1 or y == -1) else (0.0 if x == y and x >= 0 else space.cat_cost[j])
    return out


def combine(term_values: np.ndarray, metric: Metric) -> float:
    return float(term_values.sum()) if metric == "L1" else float(np.sqrt(np.sum(term_values**2)))


def _row_encoded(space: DistanceSpace, r: int) -> Encoded:
    cat = space.cat[r].astype(np.int64)
    for j in range(len(space.categorical)):
        if cat[j] == len(space.categories[j]):
            cat[j] = -1
    return Encoded(space.num[r].astype(np.float64), cat)


def scan(space: DistanceSpace, x: Encoded, metric: Metric = "L1", cancelled: Cancelled | None = None) -> np.ndarray:
    """Distance-like float32 key from ``x`` to every loaded row: Σ term (L1) or Σ term² (L2, no sqrt)."""
    n = space.num.shape[0] if space.num.shape[1] else space.cat.shape[0]
    d = np.zeros(n, dtype=np.float32)
    tmp = np.empty(n, dtype=np.float32)
    for j in range(len(space.numeric)):
        if cancelled is not None and cancelled():
            break
        xj = x.num[j]
        if np.isnan(xj):
            d += 1.0
            continue
        miss = space.missing_rows[j]
        if space.scale[j] == 0:
            if len(miss):
                d[miss] += 1.0
            continue
        np.subtract(space.num[:, j], np.float32(xj), out=tmp)
        np.abs(tmp, out=tmp)
        if metric == "L2":
            np.multiply(tmp, tmp, out=tmp)
        if len(miss):
            tmp[miss] = 1.0
        d += tmp
    for j in range(len(space.categorical)):
        if cancelled is not None and cancelled():
            break
        k = len(space.categories[j])
        lut = np.full(k + 1, space.cat_cost[j], dtype=np.float32)
        lut[k] = 1.0
        if x.cat[j] == -1:
            lut[:] = 1.0
        elif x.cat[j] >= 0:
            lut[x.cat[j]] = 0.0
        if metric == "L2":
            lut *= lut
        np.take(lut, space.cat[:, j], out=tmp)
        d += tmp
    return d


def nearest(
    space: DistanceSpace, x: Encoded, candidates: np.ndarray, metric: Metric = "L1", cancelled: Cancelled | None = None
) -> tuple[int, float] | None:
    """The candidate row (boolean mask over loaded rows) nearest to ``x``: (row, exact distance), lowest row on ties."""
    if not candidates.any():
        return None
    d = scan(space, x, metric, cancelled)
    np.copyto(d, np.float32(np.inf), where=~candidates)
    best = float(d[int(np.argmin(d))])
    # float32 sums can reorder near-ties: re-rank everything within a small margin exactly, in float64
    margin = best * 1e-4 + 1e-5
    close = np.flatnonzero(d <= best + margin)
    exact = [(combine(terms(space, x, _row_encoded(space, int(r))), metric), int(r)) for r in close[:10_000]]
    dist, row = min(exact)
    return row, dist


__all__ = [
    "Cancelled",
    "DistanceSpace",
    "Encoded",
    "Metric",
    "build_space",
    "combine",
    "distance_space",
    "encode",
    "id_like",
    "nearest",
    "scan",
    "space_ready",
    "terms",
]
