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
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.analysis.ground_truth import GroundTruth
from wit_tui.engine.analysis.slice_outcomes import TASK_WORST_METRICS, WORST_METRICS, Outcomes, session_outcomes
from wit_tui.engine.analysis.slice_tests import benjamini_hochberg, proportion_tests, welch_tests
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import IsCancelled, Progress, check_cancelled
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import DEFAULT_BUCKETS, MAX_SLICES, FeatureSlices, feature_slices, slice_name

SMALL_SLICE = 30
MAX_CROSS_CELLS = 100_000


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


@dataclass(frozen=True)
class _Stats:
    """Per cell: rows, and per model the counted rows and the sums of the bad outcome and of its square."""

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


@dataclass(frozen=True)
class _Cells:
    """Every non-empty slice of every feature (and cross): its key, labels and sums; notes on what was skipped."""

    keys: list[tuple]
    labels: list[tuple[str, ...]]
    stats: _Stats | None
    notes: list[str]


@dataclass(frozen=True)
class _Tested:
    """Each cell tested against the rest of the rows for the ranking model."""

    testable: np.ndarray
    n_tested: int
    worse_by: np.ndarray
    low: np.ndarray
    high: np.ndarray
    p: np.ndarray
    q: np.ndarray
    test: str


def _jobs(n_parts: int, crosses: bool) -> list[tuple[int, ...]]:
    """Each feature alone, then (with ``crosses``) every pair."""
    singles: list[tuple[int, ...]] = [(a,) for a in range(n_parts)]
    pairs = [(a, b) for a in range(n_parts) for b in range(a + 1, n_parts)] if crosses else []
    return singles + pairs


def _too_many_cells(parts: Sequence[FeatureSlices], job: tuple[int, ...]) -> str | None:
    """A note when a cross has more combinations than are worth counting."""
    if len(job) == 1:
        return None
    pa, pb = parts[job[0]], parts[job[1]]
    n_cells = pa.n_slices * pb.n_slices
    return f"{pa.feature} × {pb.feature}: {n_cells:,} combinations, not crossed" if n_cells > MAX_CROSS_CELLS else None


def _cell_codes(parts: Sequence[FeatureSlices], job: tuple[int, ...]) -> tuple[np.ndarray, int, list[tuple[int, ...]]]:
    """Each row's cell, the number of cells, and each cell's slice index in every member feature."""
    if len(job) == 1:
        fs = parts[job[0]]
        return fs.codes, fs.n_slices, [(k,) for k in range(fs.n_slices)]
    pa, pb = parts[job[0]], parts[job[1]]
    n_cells = pa.n_slices * pb.n_slices
    return pa.codes * pb.n_slices + pb.codes, n_cells, [(k // pb.n_slices, k % pb.n_slices) for k in range(n_cells)]


def _collect_cells(
    parts: Sequence[FeatureSlices],
    outcomes: Sequence[Outcomes],
    crosses: bool,
    progress: Progress | None,
    is_cancelled: IsCancelled | None,
    skipped: Sequence[str],
) -> _Cells:
    jobs = _jobs(len(parts), crosses)
    keys: list[tuple] = []
    labels: list[tuple[str, ...]] = []
    chunks: list[_Stats] = []
    notes = list(skipped)
    for step, job in enumerate(jobs):
        check_cancelled(is_cancelled)
        note = _too_many_cells(parts, job)
        if note is not None:
            notes.append(note)
            continue
        codes, n_cells, decode = _cell_codes(parts, job)
        st = _stats(codes, n_cells, outcomes)
        present = np.flatnonzero(st.n_rows > 0)
        members = [parts[j] for j in job]
        order = sorted(range(len(members)), key=lambda j: members[j].feature)
        for cell in present:
            idx = decode[cell]
            keys.append(tuple((members[j].feature, members[j].values[idx[j]]) for j in order))
            labels.append(tuple(members[j].labels[idx[j]] for j in order))
        chunks.append(_Stats(st.n_rows[present], st.n[:, present], st.s[:, present], st.ss[:, present]))
        if progress:
            progress(step + 1, len(jobs))
    if not chunks:
        return _Cells(keys, labels, None, notes)
    stats = _Stats(
        np.concatenate([c.n_rows for c in chunks]),
        np.hstack([c.n for c in chunks]),
        np.hstack([c.s for c in chunks]),
        np.hstack([c.ss for c in chunks]),
    )
    return _Cells(keys, labels, stats, notes)


def _test_cells(st: _Stats, outcomes: Sequence[Outcomes], m: int, alpha: float) -> _Tested:
    """Each cell against the rest for model ``m``: Bonferroni-simultaneous intervals, one-sided p, BH q."""
    o = outcomes[m]
    totals_n = float(o.counted.sum())
    totals_s = float((o.bad * o.counted).sum())
    totals_ss = float((o.bad * o.bad * o.counted).sum())
    n1, s1, ss1 = st.n[m], st.s[m], st.ss[m]
    n2, s2, ss2 = totals_n - n1, totals_s - s1, totals_ss - ss1
    testable = (n1 > 0) & (n2 > 0)
    n_tested = int(testable.sum())
    alpha_each = alpha / max(n_tested, 1)
    d = np.full(len(n1), np.nan)
    lo, hi, p = d.copy(), d.copy(), np.ones(len(n1))
    if n_tested:
        t = testable
        if o.kind == "proportion":
            d[t], lo[t], hi[t], p[t] = proportion_tests(s1[t], n1[t], s2[t], n2[t], alpha_each)
            test = (
                "two-proportion z-test (one-sided, pooled); Newcombe–Wilson intervals, "
                f"Bonferroni-simultaneous over {n_tested:,} slices"
            )
        else:
            d[t], lo[t], hi[t], p[t] = welch_tests(s1[t], ss1[t], n1[t], s2[t], ss2[t], n2[t], alpha_each)
            test = f"Welch t-test (one-sided); Welch intervals, Bonferroni-simultaneous over {n_tested:,} slices"
    else:
        test = "nothing testable"
    q = np.ones(len(n1))
    q[testable] = benjamini_hochberg(p[testable])
    return _Tested(testable, n_tested, d, lo, hi, p, q, test)


def _findings(cells: _Cells, st: _Stats, tested: _Tested, outcomes: Sequence[Outcomes], m: int) -> list[SliceFinding]:
    """One finding per testable cell, worst first: small slices last, then by the interval's lower end."""
    o = outcomes[m]
    n2 = float(o.counted.sum()) - st.n[m]
    s2 = float((o.bad * o.counted).sum()) - st.s[m]
    with np.errstate(invalid="ignore", divide="ignore"):
        values = [
            np.where(st.n[i] > 0, outcomes[i].value(st.s[i] / np.where(st.n[i] > 0, st.n[i], 1)), np.nan)
            for i in range(len(outcomes))
        ]
        rest = np.where(n2 > 0, o.value(s2 / np.where(n2 > 0, n2, 1)), np.nan)
    findings = [
        SliceFinding(
            slice=slice_name(cells.keys[k], cells.labels[k]),
            key=cells.keys[k],
            labels=cells.labels[k],
            n_rows=int(st.n_rows[k]),
            n=int(st.n[m][k]),
            values=tuple(float(v[k]) for v in values),
            rest=float(rest[k]),
            worse_by=float(tested.worse_by[k]),
            ci_low=float(tested.low[k]),
            ci_high=float(tested.high[k]),
            p_value=float(tested.p[k]),
            q_value=float(tested.q[k]),
            small=bool(st.n_rows[k] < SMALL_SLICE),
        )
        for k in np.flatnonzero(tested.testable)
    ]
    findings.sort(key=lambda f: (f.small, -f.ci_low if math.isfinite(f.ci_low) else math.inf, -f.worse_by, f.slice))
    return findings


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
    bad = WORST_METRICS[metric][1]
    cells = _collect_cells(parts, outcomes, crosses, progress, is_cancelled, skipped)
    if cells.stats is None:
        return WorstSlices(metric, model, (), 0, 1 - alpha, "", crosses, tuple(cells.notes), bad)
    tested = _test_cells(cells.stats, outcomes, model, alpha)
    findings = _findings(cells, cells.stats, tested, outcomes, model)
    return WorstSlices(
        metric, model, tuple(findings), tested.n_tested, 1 - alpha, tested.test, crosses, tuple(cells.notes), bad
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
    session: Session,
    truth: GroundTruth,
    metric: str,
    *,
    thresholds: Sequence[Any] | None = None,
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
    task = session.task
    if metric not in TASK_WORST_METRICS[task.kind]:
        raise WitError(
            f"{metric!r} is not a worst-slice metric of a {task.kind} task.",
            f"Pick one of: {', '.join(TASK_WORST_METRICS[task.kind])}.",
        )
    chosen = list(session.features if features is None else features)
    chosen = [f for f in chosen if f != truth.label]
    parts, skipped = feature_parts(session.data, chosen, buckets, equal_width=equal_width, rows=truth.labelled)
    return rank_slices(
        parts,
        session_outcomes(session, truth, metric, thresholds),
        model=model,
        crosses=crosses,
        alpha=alpha,
        progress=progress,
        is_cancelled=is_cancelled,
        skipped=skipped,
    )


__all__ = ["SMALL_SLICE", "SliceFinding", "WorstSlices", "feature_parts", "rank_slices", "session_worst_slices"]
