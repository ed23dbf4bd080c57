"""Where does the model fail: every single-feature slice (and, on request, every two-feature cross) ranked by how
much worse the model does on it than on the rest of the rows, with a confidence interval and a test.

The What-If Tool's users asked for this (PAIR-code/what-if-tool#86); it never came.

**Slices.** Each feature is sliced exactly as everywhere else
(:func:`~wit_tui.engine.slicing.feature_slices`: categories, one slice per
value of a numeric feature with few values, quantile buckets by default or
equal-width ones on request, missing values in their own slice). A feature
giving more than ``MAX_SLICES`` slices (an identifier) is skipped with a note.
Crosses take every pair of features.

**How much worse.** Every metric is turned into a per-row "bad" outcome whose
mean is the metric, or its complement, so "worse" is always "a larger mean":

- proportions (two-proportion tests): ``accuracy`` (error = wrong prediction,
  over all rows), ``precision`` (false positive, over predicted positives),
  ``recall`` and ``fnr`` (false negative, over positive labels), ``fpr`` (false
  positive, over negative labels);
- means (Welch tests): ``log_loss`` (per-row log loss), ``brier_score``
  (per-row squared error of the probability), ``mae`` (absolute error),
  ``mse`` (squared error).

``worse_by`` = the slice's bad mean − the rest's (positive = worse), in the
metric's own units (e.g. 0.12 = twelve points less accurate than the rest).

**Interval and test.** Proportions: Newcombe's hybrid score interval for a
difference of proportions (from two Wilson intervals; Newcombe 1998, method
10) and a one-sided two-proportion z-test with the pooled proportion.
Means: the Welch interval and one-sided Welch t-test (``scipy.stats.t``).
Many slices are tested at once, so the intervals are *simultaneous*:
Bonferroni, level ``1 − alpha / m`` for ``m`` slices tested (default
``alpha = 0.05``), and the p-values are reported with Benjamini–Hochberg
q-values. Slices are **ranked by the lower end of the interval**: "at least
this much worse, with 95% confidence over all slices at once" — so a small
slice with a wild estimate does not outrank a large, surely-bad one. Slices
with fewer than 30 labelled rows are flagged as unreliable (``small``) and
listed after all the others (ranked the same way among themselves): three
wrong predictions out of three are worth a look, not the top of the list.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import IsCancelled, Progress, check_cancelled
from wit_tui.engine.slicing import DEFAULT_BUCKETS, MAX_SLICES, FeatureSlices, feature_slices, slice_name

#: metric -> ("proportion" | "mean", what a bad row is)
WORST_METRICS: dict[str, tuple[str, str]] = {
    "accuracy": ("proportion", "error rate (wrong predictions / rows)"),
    "precision": ("proportion", "false discovery rate (FP / predicted positives)"),
    "recall": ("proportion", "miss rate (FN / positive labels)"),
    "fnr": ("proportion", "false negative rate (FN / positive labels)"),
    "fpr": ("proportion", "false positive rate (FP / negative labels)"),
    "log_loss": ("mean", "per-row log loss"),
    "brier_score": ("mean", "per-row squared error of the probability"),
    "mae": ("mean", "absolute error |prediction − label|"),
    "mse": ("mean", "squared error (prediction − label)²"),
}
TASK_WORST_METRICS = {
    "binary": ("accuracy", "precision", "recall", "fpr", "fnr", "log_loss", "brier_score"),
    "multiclass": ("accuracy", "log_loss"),
    "regression": ("mae", "mse"),
}
#: the value shown for the metric is 1 − the bad rate for these (a "higher is better" metric)
COMPLEMENT = {"accuracy", "precision", "recall"}
SMALL_SLICE = 30
MAX_CROSS_CELLS = 100_000


@dataclass(frozen=True)
class Outcomes:
    """One model's per-row outcomes for a metric: rows counted (``counted``) and how bad each row is (``bad``)."""

    metric: str
    counted: np.ndarray
    bad: np.ndarray

    @property
    def kind(self) -> str:
        return WORST_METRICS[self.metric][0]

    def value(self, bad_mean: np.ndarray | float) -> np.ndarray | float:
        """The metric from the mean bad outcome (accuracy = 1 − error rate, …)."""
        return 1.0 - bad_mean if self.metric in COMPLEMENT else bad_mean


def binary_outcomes(
    metric: str, y_positive: np.ndarray, score: np.ndarray, threshold: float | np.ndarray, probabilities: bool = True
) -> Outcomes:
    """Per-row outcomes of a binary model at ``threshold`` (one for every row, or one per row)."""
    y = np.asarray(y_positive, dtype=bool)
    score = np.asarray(score, dtype=np.float64)
    pred = score >= threshold
    if metric == "accuracy":
        return Outcomes(metric, np.ones(len(y), bool), (pred != y).astype(np.float64))
    if metric == "precision":
        return Outcomes(metric, pred, (~y).astype(np.float64))
    if metric in ("recall", "fnr"):
        return Outcomes(metric, y, (~pred).astype(np.float64))
    if metric == "fpr":
        return Outcomes(metric, ~y, pred.astype(np.float64))
    if metric in ("log_loss", "brier_score"):
        if not probabilities:
            raise WitError(
                f"{metric} needs probabilities, but the scores are decision_function margins.",
                "Pick accuracy, precision, recall, fpr or fnr.",
            )
        p = np.clip(score, np.finfo(np.float64).eps, 1 - np.finfo(np.float64).eps)
        if metric == "log_loss":
            bad = -np.where(y, np.log(p), np.log1p(-p))
        else:
            bad = (score - y) ** 2
        return Outcomes(metric, ~np.isnan(score), np.nan_to_num(bad))
    raise WitError(
        f"{metric!r} is not a metric for worst slices of a binary model.",
        f"Pick one of: {', '.join(TASK_WORST_METRICS['binary'])}.",
    )


def multiclass_outcomes(
    metric: str, y: np.ndarray, pred: np.ndarray, proba: np.ndarray | None, classes: Sequence
) -> Outcomes:
    """Per-row outcomes of a multi-class model (argmax predictions; log loss from the class probabilities)."""
    if metric == "accuracy":
        return Outcomes(
            metric,
            np.ones(len(y), bool),
            (np.asarray(pred, dtype=object) != np.asarray(y, dtype=object)).astype(np.float64),
        )
    if metric == "log_loss":
        if proba is None:
            raise WitError("log_loss needs class probabilities.", "Pick accuracy.")
        lookup = {c: j for j, c in enumerate(classes)}
        col = np.array([lookup.get(v, -1) for v in y], dtype=np.int64)
        known = col >= 0
        p = np.full(len(y), np.nan)
        p[known] = proba[np.flatnonzero(known), col[known]]
        # sklearn's log_loss clips at machine epsilon
        p = np.clip(p, np.finfo(np.float64).eps, 1.0)
        return Outcomes(metric, known, np.nan_to_num(-np.log(p)))
    raise WitError(
        f"{metric!r} is not a metric for worst slices of a multi-class model.",
        f"Pick one of: {', '.join(TASK_WORST_METRICS['multiclass'])}.",
    )


def regression_outcomes(metric: str, y: np.ndarray, pred: np.ndarray) -> Outcomes:
    e = np.asarray(pred, dtype=np.float64) - np.asarray(y, dtype=np.float64)
    ok = ~np.isnan(e)
    if metric == "mae":
        return Outcomes(metric, ok, np.nan_to_num(np.abs(e)))
    if metric == "mse":
        return Outcomes(metric, ok, np.nan_to_num(e * e))
    raise WitError(f"{metric!r} is not a metric for worst slices of a regression model.", "Pick mae or mse.")


@dataclass(frozen=True)
class SliceFinding:
    """One slice against the rest of the rows, for the ranking model, plus every model's value on it."""

    slice: str
    key: tuple
    labels: tuple[str, ...]
    n_rows: int
    n: int
    values: tuple[float, ...]
    rest: float
    worse_by: float
    ci_low: float
    ci_high: float
    p_value: float
    q_value: float
    small: bool

    @property
    def features(self) -> tuple[str, ...]:
        return tuple(f for f, _ in self.key)


@dataclass(frozen=True)
class WorstSlices:
    """Every tested slice, worst first (by the interval's lower end), and how they were tested."""

    metric: str
    model: int
    findings: tuple[SliceFinding, ...]
    n_tested: int
    confidence: float
    test: str
    crosses: bool
    skipped: tuple[str, ...] = ()
    bad: str = ""

    def top(self, n: int) -> tuple[SliceFinding, ...]:
        return self.findings[:n]


def wilson(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of x / n (vectorised); n > 0."""
    x = np.asarray(x, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    p = x / n
    z2 = z * z
    centre = (x + z2 / 2) / (n + z2)
    half = z * np.sqrt(np.maximum(p * (1 - p) / n + z2 / (4 * n * n), 0.0)) / (1 + z2 / n)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def newcombe(x1, n1, x2, n2, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval for p1 − p2 (method 10 of Newcombe 1998)."""
    p1, p2 = np.asarray(x1, float) / n1, np.asarray(x2, float) / n2
    l1, u1 = wilson(x1, n1, z)
    l2, u2 = wilson(x2, n2, z)
    d = p1 - p2
    return d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def _proportion_tests(x1, n1, x2, n2, alpha_each: float):
    from scipy.stats import norm

    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(se > 0, (p1 - p2) / se, 0.0)
    p = norm.sf(z)
    lo, hi = newcombe(x1, n1, x2, n2, float(norm.isf(alpha_each / 2)))
    return p1 - p2, lo, hi, p


def _welch_tests(s1, ss1, n1, s2, ss2, n2, alpha_each: float):
    from scipy.stats import t as student

    m1, m2 = s1 / n1, s2 / n2
    with np.errstate(invalid="ignore", divide="ignore"):
        v1 = np.maximum(ss1 - n1 * m1 * m1, 0.0) / np.maximum(n1 - 1, 1)
        v2 = np.maximum(ss2 - n2 * m2 * m2, 0.0) / np.maximum(n2 - 1, 1)
        a, b = v1 / n1, v2 / n2
        se = np.sqrt(a + b)
        dof = (a + b) ** 2 / (
            np.where(n1 > 1, a * a / np.maximum(n1 - 1, 1), 0) + np.where(n2 > 1, b * b / np.maximum(n2 - 1, 1), 0)
        )
        dof = np.where(np.isfinite(dof) & (dof > 0), dof, 1.0)
        d = m1 - m2
        tstat = np.where(se > 0, d / se, np.where(d > 0, np.inf, 0.0))
    p = student.sf(tstat, dof)
    q = student.isf(alpha_each / 2, dof)
    half = np.where(se > 0, q * se, 0.0)
    # one row in the slice (or in the rest): no variance estimate, an interval that says so
    unknown = (n1 < 2) | (n2 < 2)
    lo = np.where(unknown, -np.inf, d - half)
    hi = np.where(unknown, np.inf, d + half)
    p = np.where(unknown, 1.0, p)
    return d, lo, hi, p


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg q-values (adjusted p-values) of ``p``."""
    p = np.asarray(p, dtype=np.float64)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q, 1.0)
    return out


@dataclass
class _Stats:
    n_rows: np.ndarray
    n: np.ndarray  # per model
    s: np.ndarray
    ss: np.ndarray


def _stats(codes: np.ndarray, n_cells: int, outcomes: Sequence[Outcomes]) -> _Stats:
    n_rows = np.bincount(codes, minlength=n_cells)
    n = np.vstack([np.bincount(codes, weights=o.counted, minlength=n_cells) for o in outcomes])
    s = np.vstack([np.bincount(codes, weights=o.bad * o.counted, minlength=n_cells) for o in outcomes])
    ss = np.vstack([np.bincount(codes, weights=o.bad * o.bad * o.counted, minlength=n_cells) for o in outcomes])
    return _Stats(n_rows, n, s, ss)


def rank_slices(
    parts: Sequence[FeatureSlices],
    outcomes: Sequence[Outcomes],
    *,
    model: int = 0,
    crosses: bool = False,
    alpha: float = 0.05,
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
    skipped: Sequence[str] = (),
) -> WorstSlices:
    """Rank every slice of ``parts`` (and their pairwise crosses) for ``outcomes[model]`` (see the module
    docstring); ``outcomes`` holds every model's outcomes on the same rows, so each finding shows them all."""
    if not outcomes:
        raise WitError("There is no model to rank slices for.", "Load a model.")
    metric = outcomes[0].metric
    kind = outcomes[0].kind
    n_models = len(outcomes)
    totals_n = np.array([o.counted.sum() for o in outcomes], dtype=np.float64)
    totals_s = np.array([(o.bad * o.counted).sum() for o in outcomes])
    totals_ss = np.array([(o.bad * o.bad * o.counted).sum() for o in outcomes])
    pairs = [(a, b) for a in range(len(parts)) for b in range(a + 1, len(parts))] if crosses else []
    jobs = [(a,) for a in range(len(parts))] + pairs
    rows_keys: list[tuple] = []
    rows_labels: list[tuple[str, ...]] = []
    chunks: list[_Stats] = []
    notes = list(skipped)
    for step, job in enumerate(jobs):
        check_cancelled(is_cancelled)
        if len(job) == 1:
            p = parts[job[0]]
            codes, n_cells = p.codes, p.n_slices
            decode = [(k,) for k in range(n_cells)]
        else:
            pa, pb = parts[job[0]], parts[job[1]]
            n_cells = pa.n_slices * pb.n_slices
            if n_cells > MAX_CROSS_CELLS:
                notes.append(f"{pa.feature} × {pb.feature}: {n_cells:,} combinations, not crossed")
                continue
            codes = pa.codes * pb.n_slices + pb.codes
            decode = [(k // pb.n_slices, k % pb.n_slices) for k in range(n_cells)]
        st = _stats(codes, n_cells, outcomes)
        present = np.flatnonzero(st.n_rows > 0)
        members = [parts[j] for j in job]
        for cell in present:
            idx = decode[cell]
            order = sorted(range(len(members)), key=lambda j: members[j].feature)
            rows_keys.append(tuple((members[j].feature, members[j].values[idx[j]]) for j in order))
            rows_labels.append(tuple(members[j].labels[idx[j]] for j in order))
        chunks.append(_Stats(st.n_rows[present], st.n[:, present], st.s[:, present], st.ss[:, present]))
        if progress:
            progress(step + 1, len(jobs))
    if not chunks:
        return WorstSlices(metric, model, (), 0, 1 - alpha, "", crosses, tuple(notes), WORST_METRICS[metric][1])
    n_rows = np.concatenate([c.n_rows for c in chunks])
    n = np.hstack([c.n for c in chunks])
    s = np.hstack([c.s for c in chunks])
    ss = np.hstack([c.ss for c in chunks])
    m = model
    n1, s1, ss1 = n[m], s[m], ss[m]
    n2, s2, ss2 = totals_n[m] - n1, totals_s[m] - s1, totals_ss[m] - ss1
    testable = (n1 > 0) & (n2 > 0)
    n_tested = int(testable.sum())
    alpha_each = alpha / max(n_tested, 1)
    d = np.full(len(n1), np.nan)
    lo, hi, p = d.copy(), d.copy(), np.ones(len(n1))
    if n_tested:
        t = testable
        if kind == "proportion":
            d[t], lo[t], hi[t], p[t] = _proportion_tests(s1[t], n1[t], s2[t], n2[t], alpha_each)
            test = (
                "two-proportion z-test (one-sided, pooled); Newcombe–Wilson intervals, "
                f"Bonferroni-simultaneous over {n_tested:,} slices"
            )
        else:
            d[t], lo[t], hi[t], p[t] = _welch_tests(s1[t], ss1[t], n1[t], s2[t], ss2[t], n2[t], alpha_each)
            test = f"Welch t-test (one-sided); Welch intervals, Bonferroni-simultaneous over {n_tested:,} slices"
    else:
        test = "nothing testable"
    q = np.ones(len(n1))
    q[testable] = benjamini_hochberg(p[testable])
    o = outcomes[m]
    with np.errstate(invalid="ignore", divide="ignore"):
        values = [
            np.where(n[i] > 0, outcomes[i].value(s[i] / np.where(n[i] > 0, n[i], 1)), np.nan) for i in range(n_models)
        ]
        rest = np.where(n2 > 0, o.value(s2 / np.where(n2 > 0, n2, 1)), np.nan)
    findings = []
    for k in np.flatnonzero(testable):
        findings.append(
            SliceFinding(
                slice=slice_name(rows_keys[k], rows_labels[k]),
                key=rows_keys[k],
                labels=rows_labels[k],
                n_rows=int(n_rows[k]),
                n=int(n1[k]),
                values=tuple(float(v[k]) for v in values),
                rest=float(rest[k]),
                worse_by=float(d[k]),
                ci_low=float(lo[k]),
                ci_high=float(hi[k]),
                p_value=float(p[k]),
                q_value=float(q[k]),
                small=bool(n_rows[k] < SMALL_SLICE),
            )
        )
    findings.sort(key=lambda f: (f.small, -f.ci_low if math.isfinite(f.ci_low) else math.inf, -f.worse_by, f.slice))
    return WorstSlices(
        metric, model, tuple(findings), n_tested, 1 - alpha, test, crosses, tuple(notes), WORST_METRICS[metric][1]
    )


def feature_parts(
    frame: pd.DataFrame,
    features: Sequence[str],
    buckets: int = DEFAULT_BUCKETS,
    *,
    equal_width: bool = False,
    rows: np.ndarray | None = None,
) -> tuple[list[FeatureSlices], list[str]]:
    """Each feature's slices (buckets from the whole column, as everywhere), restricted to ``rows`` (a boolean
    mask; default all); identifier-like and single-valued features are skipped, with a note."""
    from dataclasses import replace

    parts, skipped = [], []
    for f in features:
        fs = feature_slices(frame[f], buckets, f, equal_width=equal_width)
        if rows is not None:
            fs = replace(fs, codes=fs.codes[rows])
        if fs.n_slices > MAX_SLICES:
            skipped.append(f"{f}: {fs.n_slices:,} values, looks like an identifier")
            continue
        if fs.n_slices < 2:
            skipped.append(f"{f}: a single slice (one value, or ties merged its buckets)")
            continue
        parts.append(fs)
    return parts, skipped


def session_worst_slices(
    session,
    truth,
    metric: str,
    *,
    thresholds: Sequence[float] | None = None,
    model: int = 0,
    features: Sequence[str] | None = None,
    buckets: int = DEFAULT_BUCKETS,
    equal_width: bool = False,
    crosses: bool = False,
    alpha: float = 0.05,
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> WorstSlices:
    """Worst slices of the session's labelled rows against ``truth`` for every model, ranked for ``model``.

    ``thresholds`` (binary) has one entry per model: a threshold, or an array with one per data row (the
    decisions of per-slice thresholds)."""
    from wit_tui.engine.analysis.ground_truth import model_scores

    task = session.task
    if metric not in TASK_WORST_METRICS[task.kind]:
        raise WitError(
            f"{metric!r} is not a worst-slice metric of a {task.kind} task.",
            f"Pick one of: {', '.join(TASK_WORST_METRICS[task.kind])}.",
        )
    mask = truth.labelled
    features = list(session.features if features is None else features)
    features = [f for f in features if f != truth.label]
    parts, skipped = feature_parts(session.data, features, buckets, equal_width=equal_width, rows=mask)
    outcomes = []
    for i in range(len(session.models)):
        sc = session.scores(i)
        if task.kind == "binary":
            t = task.default_threshold if thresholds is None else thresholds[i]
            if np.ndim(t) == 1:  # one threshold per data row (per-slice thresholds)
                t = np.asarray(t, dtype=np.float64)[mask]
            outcomes.append(
                binary_outcomes(
                    metric,
                    truth.y_positive[mask],
                    model_scores(session, truth, i)[mask],
                    t,
                    task.score_method == "predict_proba",
                )
            )
        elif task.kind == "multiclass":
            proba = sc.proba[mask] if (sc.proba is not None and task.score_method == "predict_proba") else None
            outcomes.append(multiclass_outcomes(metric, truth.y[mask], sc.label[mask], proba, task.classes))
        else:
            outcomes.append(regression_outcomes(metric, truth.y[mask], sc.score[mask]))
    return rank_slices(
        parts,
        outcomes,
        model=model,
        crosses=crosses,
        alpha=alpha,
        progress=progress,
        is_cancelled=is_cancelled,
        skipped=skipped,
    )


__all__ = [
    "COMPLEMENT",
    "Outcomes",
    "SMALL_SLICE",
    "SliceFinding",
    "TASK_WORST_METRICS",
    "WORST_METRICS",
    "WorstSlices",
    "benjamini_hochberg",
    "binary_outcomes",
    "feature_parts",
    "multiclass_outcomes",
    "newcombe",
    "rank_slices",
    "regression_outcomes",
    "session_worst_slices",
    "wilson",
]
