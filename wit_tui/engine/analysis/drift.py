"""Has the data moved: per-feature drift between a reference dataset and the current one, and of each model's output.

Every feature gets the Population Stability Index and the Jensen–Shannon
distance over the same bins, plus a two-sample test: Kolmogorov–Smirnov for a
numeric feature, chi-square for a categorical one. Statistics come from scipy
(``scipy.stats.ks_2samp``, ``scipy.stats.chi2_contingency``,
``scipy.spatial.distance.jensenshannon``); this module only builds the bins.

**Bins.** A numeric feature is cut at the reference's deciles
(``np.quantile`` of its finite values at 0.1 … 0.9, linear interpolation);
repeated cut points are merged, so a feature with heavy ties gets fewer bins,
and the outer bins are open-ended, so current values beyond the reference's
range still count. A bin is ``(cᵢ₋₁, cᵢ]``. A categorical feature has one bin per
value seen on either side (compared as text, so a category read from CSV
matches the same category of a Parquet file). Missing values form one more
bin whenever either side has any: a jump in missingness is drift too.

**PSI** and the **Jensen–Shannon distance** over those bins are defined in
``distribution_distance``.

**Kolmogorov–Smirnov**: ``ks_2samp`` (two-sided, scipy's default method) on
each side's non-missing values: the largest gap between the two empirical
CDFs and its p-value.

**Chi-square**: ``chi2_contingency`` on the 2 × k table of counts (reference
and current rows × the bins above). It is the test of *homogeneity* — are
both samples drawn from one distribution — which is the drift question. The
alternative, ``chisquare(current, f_exp=reference shares × n)``, is a
goodness-of-fit test that treats the reference shares as exact, ignoring the
reference's own sampling noise, and is undefined when a category is new in
the current data (an expected count of zero); ``chi2_contingency`` handles
both. scipy's defaults apply (Yates' continuity correction only for a 2 × 2
table). With many rows any tiny change is "significant": read the p-value
with PSI and the JS distance, which measure how large the change is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.analysis.distribution_distance import decile_cuts, js_distance, psi, psi_band
from wit_tui.engine.analysis.split_histograms import SplitHistogram, split_histogram
from wit_tui.engine.analysis.stats import category_counts, histogram, is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import IsCancelled, Progress, check_cancelled
from wit_tui.engine.data.loading import load_data
from wit_tui.engine.slicing import value_mask

MISSING_BIN = "(missing)"


@dataclass(frozen=True)
class FeatureDrift:
    """Drift of one column (or one model's output) from the reference to the current data."""

    name: str
    kind: str  # "numeric" | "categorical"
    n_reference: int
    n_current: int
    psi: float
    band: str  # "stable" | "moderate" | "significant" | "" (not computable)
    js_distance: float
    ks_statistic: float = float("nan")
    ks_pvalue: float = float("nan")
    chi2: float = float("nan")
    chi2_pvalue: float = float("nan")
    chi2_dof: int = 0
    bins: tuple[str, ...] = ()
    reference_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), compare=False)
    current_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), compare=False)
    note: str = ""

    @property
    def test(self) -> str:
        return "KS" if self.kind == "numeric" else "χ²"

    @property
    def statistic(self) -> float:
        return self.ks_statistic if self.kind == "numeric" else self.chi2

    @property
    def pvalue(self) -> float:
        return self.ks_pvalue if self.kind == "numeric" else self.chi2_pvalue


@dataclass(frozen=True)
class DriftReport:
    """Drift of every compared feature and of each model's output, and what could not be compared."""

    reference: str
    current: str
    n_reference: int
    n_current: int
    features: tuple[FeatureDrift, ...]
    predictions: tuple[FeatureDrift, ...] = ()
    missing_in_reference: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def by_name(self) -> dict[str, FeatureDrift]:
        return {d.name: d for d in (*self.features, *self.predictions)}


# -- bins ---------------------------------------------------------------------
def _interval_labels(cuts: np.ndarray) -> tuple[str, ...]:
    if len(cuts) == 0:
        return ("all",)
    edges = [f"{c:.4g}" for c in cuts]
    return (f"≤ {edges[0]}", *(f"({a}, {b}]" for a, b in zip(edges[:-1], edges[1:], strict=True)), f"> {edges[-1]}")


# -- one column ---------------------------------------------------------------
def numeric_drift(reference: np.ndarray, current: np.ndarray, name: str) -> FeatureDrift:
    """PSI and JS over the reference's decile bins (+ a missing bin), and ``ks_2samp`` on the non-missing values."""
    # deferred: scipy is heavy, only needed once drift is computed
    from scipy.stats import ks_2samp

    ref = np.sort(np.asarray(reference, dtype=np.float64))  # NaN last
    cur = np.sort(np.asarray(current, dtype=np.float64))
    if len(ref) == 0 or len(cur) == 0:
        return FeatureDrift(name, "numeric", len(ref), len(cur), float("nan"), "", float("nan"), note="no rows")
    n_ref_ok = int(np.searchsorted(ref, np.nan, side="left"))
    n_cur_ok = int(np.searchsorted(cur, np.nan, side="left"))
    ref_ok, cur_ok = ref[:n_ref_ok], cur[:n_cur_ok]
    cuts = decile_cuts(ref_ok)
    labels = _interval_labels(cuts)

    def counts(sorted_ok: np.ndarray, n: int) -> tuple[np.ndarray, int]:
        pos = np.searchsorted(sorted_ok, cuts, side="right")
        return np.diff(np.r_[0, pos, len(sorted_ok)]).astype(np.int64), n - len(sorted_ok)

    r_counts, r_missing = counts(ref_ok, len(ref))
    c_counts, c_missing = counts(cur_ok, len(cur))
    if r_missing or c_missing:
        r_counts, c_counts = np.r_[r_counts, r_missing], np.r_[c_counts, c_missing]
        labels = (*labels, MISSING_BIN)
    note = ""
    if n_ref_ok == 0 or n_cur_ok == 0:
        side = "reference" if n_ref_ok == 0 else "current data"
        note = f"all missing in the {side}"
        ks_stat = ks_p = float("nan")
    else:
        ks = ks_2samp(ref_ok, cur_ok)
        ks_stat, ks_p = float(ks.statistic), float(ks.pvalue)
        if ref_ok[0] == ref_ok[-1]:
            note = "a single value in the reference"
    value = psi(r_counts, c_counts)
    return FeatureDrift(
        name,
        "numeric",
        len(ref),
        len(cur),
        value,
        psi_band(value),
        js_distance(r_counts, c_counts),
        ks_statistic=ks_stat,
        ks_pvalue=ks_p,
        bins=labels,
        reference_counts=r_counts,
        current_counts=c_counts,
        note=note,
    )


def _text_counts(series: pd.Series) -> tuple[dict[str, int], int]:
    counts, uniques, missing = category_counts(series)
    out: dict[str, int] = {}
    for u, k in zip(uniques, counts.tolist(), strict=True):
        if k:
            key = str(u)
            out[key] = out.get(key, 0) + int(k)
    return out, missing


def categorical_drift(reference: pd.Series, current: pd.Series, name: str) -> FeatureDrift:
    """PSI, JS and ``chi2_contingency`` over one bin per value seen on either side (+ a missing bin)."""
    # deferred: scipy is heavy, only needed once drift is computed
    from scipy.stats import chi2_contingency

    r_map, r_missing = _text_counts(reference)
    c_map, c_missing = _text_counts(current)
    keys = sorted(r_map, key=lambda k: -r_map[k]) + sorted(
        (k for k in c_map if k not in r_map), key=lambda k: -c_map[k]
    )
    r_counts = np.array([r_map.get(k, 0) for k in keys], dtype=np.int64)
    c_counts = np.array([c_map.get(k, 0) for k in keys], dtype=np.int64)
    labels = tuple(keys)
    if r_missing or c_missing:
        r_counts, c_counts = np.r_[r_counts, r_missing], np.r_[c_counts, c_missing]
        labels = (*labels, MISSING_BIN)
    n_ref, n_cur = len(reference), len(current)
    if n_ref == 0 or n_cur == 0:
        return FeatureDrift(name, "categorical", n_ref, n_cur, float("nan"), "", float("nan"), note="no rows")
    note = ""
    if not r_map or not c_map:
        note = f"all missing in the {'reference' if not r_map else 'current data'}"
    elif len(r_map) == 1:
        note = "a single value in the reference"
    new = [k for k in c_map if k not in r_map]
    if new:
        note = (note + "; " if note else "") + f"{len(new)} value(s) new in the current data"
    chi = chi2_contingency(np.vstack([r_counts, c_counts]))
    value = psi(r_counts, c_counts)
    return FeatureDrift(
        name,
        "categorical",
        n_ref,
        n_cur,
        value,
        psi_band(value),
        js_distance(r_counts, c_counts),
        chi2=float(chi.statistic),
        chi2_pvalue=float(chi.pvalue),
        chi2_dof=int(chi.dof),
        bins=labels,
        reference_counts=r_counts,
        current_counts=c_counts,
        note=note,
    )


def column_drift(reference: pd.Series, current: pd.Series, name: str | None = None) -> FeatureDrift:
    """Drift of one column: numeric when both sides are numeric, otherwise compared as categories (text)."""
    name = str(reference.name if name is None else name)
    if is_numeric(reference) and is_numeric(current):
        return numeric_drift(
            reference.to_numpy(dtype=np.float64, na_value=np.nan),
            current.to_numpy(dtype=np.float64, na_value=np.nan),
            name,
        )
    d = categorical_drift(reference, current, name)
    if is_numeric(reference) != is_numeric(current):
        kinds = (
            "numeric in the reference, text in the current data"
            if is_numeric(reference)
            else "text in the reference, numeric in the current data"
        )
        d = FeatureDrift(**{**d.__dict__, "note": (d.note + "; " if d.note else "") + f"{kinds}: compared as text"})
    return d


# -- datasets -----------------------------------------------------------------
def common_columns(
    reference: pd.DataFrame, columns: Sequence[str], what: str = "reference data"
) -> tuple[list[str], list[str]]:
    """(columns the reference has, columns it lacks); a WitError when it has none of them."""
    present = [c for c in columns if c in reference.columns]
    missing = [c for c in columns if c not in reference.columns]
    if not present:
        cols = ", ".join(map(str, list(reference.columns)[:15])) + (" …" if reference.shape[1] > 15 else "")
        raise WitError(
            f"The {what} has none of the feature columns ({', '.join(list(columns)[:8])}"
            f"{' …' if len(columns) > 8 else ''}); its columns are: {cols}.",
            "Give a reference file with the same column names as the data (e.g. the training data).",
        )
    return present, missing


def load_reference(path: str | Path, features: Sequence[str]) -> pd.DataFrame:
    """Read ``--reference`` (CSV or Parquet) and check that it shares feature columns with the data."""
    try:
        frame = load_data(path)
    except WitError as exc:  # load_data speaks of "the data file"; this one is the reference
        message = re.sub(r"\b([Tt])he data (file|path)\b", r"\1he reference \2", exc.message, count=1)
        if message == exc.message:
            raise
        raise WitError(message, exc.hint) from exc
    common_columns(frame, features, f"reference file {Path(path).name}")
    return frame


def split_by_value(frame: pd.DataFrame, column: str, value: Any) -> tuple[np.ndarray, str]:
    """Rows where ``column`` has ``value`` (a category, a number or a bucket label such as ``(28, 37]``) and a
    label for them, via the slicing rules: the reference side of an in-data drift comparison."""
    if column not in frame.columns:
        raise WitError(f"There is no column {column!r} to split by.", "Pick one of the data's columns.")
    mask, _key, label = value_mask(frame[column], value)
    n = int(mask.sum())
    if n == 0 or n == len(frame):
        raise WitError(
            f"{column} = {label} matches {'no' if n == 0 else 'every'} row, so there is nothing to compare.",
            "Pick a value that splits the data in two.",
        )
    return mask, f"{column} = {label}"


def dataset_drift(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    columns: Sequence[str],
    *,
    reference_name: str = "reference",
    current_name: str = "current",
    reference_predictions: dict[str, pd.Series] | None = None,
    current_predictions: dict[str, pd.Series] | None = None,
    notes: Sequence[str] = (),
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> DriftReport:
    """Drift of every column the reference shares with ``columns`` and of each model's output (given as series)."""
    present, missing = common_columns(reference, columns)
    reference_predictions = reference_predictions or {}
    current_predictions = current_predictions or {}
    models = [m for m in current_predictions if m in reference_predictions]
    total = len(present) + len(models)
    out, preds = [], []
    for k, c in enumerate(present):
        check_cancelled(is_cancelled)
        out.append(column_drift(reference[c], current[c], c))
        if progress:
            progress(k + 1, total)
    for k, m in enumerate(models):
        check_cancelled(is_cancelled)
        preds.append(column_drift(reference_predictions[m], current_predictions[m], f"prediction: {m}"))
        if progress:
            progress(len(present) + k + 1, total)
    return DriftReport(
        reference_name,
        current_name,
        len(reference),
        len(current),
        tuple(out),
        tuple(preds),
        tuple(missing),
        tuple(notes),
    )


def compare_histogram(reference: pd.Series, current: pd.Series, bins: int = 20, top: int = 15) -> SplitHistogram:
    """Reference and current counted over the same bars (equal-width bins over both sides' range, or the top
    categories of both together): what the drift panel overlays."""
    both = pd.concat([reference.reset_index(drop=True), current.reset_index(drop=True)], ignore_index=True)
    if is_numeric(reference) != is_numeric(current):
        both = both.astype(str).where(both.notna())
    hist = histogram(both, bins=bins, top=top)
    codes = np.r_[np.zeros(len(reference), np.int64), np.ones(len(current), np.int64)]
    return split_histogram(both, hist, codes, ("reference", "current"))


def prediction_series(score: np.ndarray, label: np.ndarray, kind: str) -> pd.Series:
    """What a model's output drift compares: the score (binary), the prediction (regression) or the class
    (multi-class)."""
    if kind == "multiclass":
        return pd.Series(np.asarray(label, dtype=object).astype(str))
    return pd.Series(np.asarray(score, dtype=np.float64))


__all__ = [
    "DriftReport",
    "FeatureDrift",
    "MISSING_BIN",
    "categorical_drift",
    "column_drift",
    "common_columns",
    "compare_histogram",
    "dataset_drift",
    "load_reference",
    "numeric_drift",
    "prediction_series",
    "split_by_value",
]
