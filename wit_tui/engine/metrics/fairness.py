"""How differently does the model treat groups: Fairlearn's MetricFrame summaries and fairness gaps.

:class:`MetricFrame` holds one metric ``by_group`` and ``overall`` and
aggregates them exactly as ``fairlearn.metrics.MetricFrame`` does (pandas
semantics: NaN groups are skipped by min / max):

- ``difference("between_groups")`` = ``group_max - group_min``;
  ``difference("to_overall")`` = ``max_g |v_g - overall|``;
- ``ratio("between_groups")`` = ``group_min / group_max`` (0/0 is NaN);
  ``ratio("to_overall")`` = ``min_g r_g`` with ``r_g = v_g / overall``, replaced
  by ``1 / r_g`` when above 1.

``demographic_parity_difference`` / ``_ratio`` are the selection rate's
difference / ratio, ``equalized_odds_difference`` the larger of the TPR and FPR
differences (``agg="worst_case"``), ``equalized_odds_ratio`` the smaller of the
two ratios; ``equal_opportunity_*`` use the TPR only. Per-group rates come from
the engine's :class:`~wit_tui.engine.metrics.binary.BinaryMetrics` (sklearn's
``zero_division=0`` convention, as Fairlearn's rate functions), so the numbers
equal Fairlearn's. Where a rate is undefined on a group (precision with nobody predicted positive there),
the summary's :meth:`MetricFrame.summary` and :meth:`FairnessSummary.gap` say so instead of aggregating the
substituted 0: a gap over an undefined group value is itself undefined, as in :func:`gap`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from wit_tui.engine.metrics.binary import BinaryMetrics
from wit_tui.engine.metrics.slice_index import SliceMetrics
from wit_tui.engine.metrics.undefined import Metric, Undefined, metric

Method = Literal["between_groups", "to_overall"]
METHODS = ("between_groups", "to_overall")

#: Named fairness gaps: name -> (underlying metrics, aggregate). Any ``<metric>_difference`` / ``_ratio`` works too.
NAMED_GAPS: dict[str, tuple[tuple[str, ...], str]] = {
    "demographic_parity_difference": (("selection_rate",), "difference"),
    "demographic_parity_ratio": (("selection_rate",), "ratio"),
    "equalized_odds_difference": (("recall", "fpr"), "difference"),
    "equalized_odds_ratio": (("recall", "fpr"), "ratio"),
    "equal_opportunity_difference": (("recall",), "difference"),
    "equal_opportunity_ratio": (("recall",), "ratio"),
}


@dataclass(frozen=True)
class MetricFrame:
    """One metric by group and overall, aggregated as Fairlearn's ``MetricFrame``."""

    metric: str
    overall: float
    by_group: dict[str, float] = field(default_factory=dict)
    #: why the metric is undefined on a group (groups absent are defined), and overall ('' when defined)
    undefined: dict[str, str] = field(default_factory=dict)
    overall_undefined: str = ""

    def summary(self, what: str) -> Metric:
        """One aggregate as a screen shows it — ``overall``, ``min``, ``max``, ``difference``, ``ratio``,
        ``difference_to_overall`` or ``ratio_to_overall`` — undefined when a value it is taken over is."""
        if what == "overall":
            return metric(self.overall, self.overall_undefined)
        to_overall = what.endswith("_to_overall")
        if to_overall and self.overall_undefined:
            return Undefined(f"overall: {self.overall_undefined}")
        for group, why in self.undefined.items():
            if why:
                return Undefined(f"on {group}: {why}")
        method: Method = "to_overall" if to_overall else "between_groups"
        value = {
            "min": self.group_min,
            "max": self.group_max,
            "difference": lambda: self.difference(method),
            "difference_to_overall": lambda: self.difference(method),
            "ratio": lambda: self.ratio(method),
            "ratio_to_overall": lambda: self.ratio(method),
        }[what]()
        if np.isnan(value):
            return Undefined("0/0: the largest value is 0" if what.startswith("ratio") else "no group has a value")
        return float(value)

    def _values(self) -> np.ndarray:
        return np.array(list(self.by_group.values()), dtype=np.float64)

    def group_min(self) -> float:
        v = self._values()
        v = v[~np.isnan(v)]
        return float(v.min()) if len(v) else float("nan")

    def group_max(self) -> float:
        v = self._values()
        v = v[~np.isnan(v)]
        return float(v.max()) if len(v) else float("nan")

    def difference(self, method: Method = "between_groups") -> float:
        if method == "between_groups":
            return self.group_max() - self.group_min()
        if method == "to_overall":
            d = np.abs(self._values() - self.overall)
            d = d[~np.isnan(d)]
            return float(d.max()) if len(d) else float("nan")
        raise ValueError(f"Unrecognised method {method!r}; use one of {METHODS}")

    def ratio(self, method: Method = "between_groups") -> float:
        if method == "between_groups":
            lo, hi = self.group_min(), self.group_max()
            with np.errstate(divide="ignore", invalid="ignore"):
                return float(np.float64(lo) / np.float64(hi))
        if method == "to_overall":
            with np.errstate(divide="ignore", invalid="ignore"):
                r = self._values() / np.float64(self.overall)
                r = np.where(r > 1, 1 / r, r)
            r = r[~np.isnan(r)]
            return float(r.min()) if len(r) else float("nan")
        raise ValueError(f"Unrecognised method {method!r}; use one of {METHODS}")


def confusion_by_group(y_true: np.ndarray, y_pred: np.ndarray, codes: np.ndarray, n_groups: int) -> list[BinaryMetrics]:
    """Confusion counts of boolean predictions per group (one ``np.bincount``); rows with code -1 are left out."""
    y_true = np.asarray(y_true, dtype=bool)
    y_pred = np.asarray(y_pred, dtype=bool)
    codes = np.asarray(codes, dtype=np.int64)
    keep = codes >= 0
    cells = codes[keep] * 4 + 2 * y_true[keep] + y_pred[keep]
    counts = np.bincount(cells, minlength=4 * n_groups).reshape(n_groups, 4)
    return [BinaryMetrics(float("nan"), tp=int(c[3]), fp=int(c[1]), tn=int(c[0]), fn=int(c[2])) for c in counts]


def _encode(sensitive_features: Any) -> tuple[np.ndarray, list[str]]:
    """Group codes and names of a sensitive feature (an array, a Series, or several as a DataFrame / 2-D array)."""
    if isinstance(sensitive_features, pd.DataFrame) or (np.ndim(sensitive_features) == 2):
        frame = pd.DataFrame(sensitive_features)
        keys = pd.MultiIndex.from_frame(frame.astype(object))
        codes, uniques = pd.factorize(keys, sort=True)
        names = [", ".join(map(str, u)) for u in uniques]
        return codes.astype(np.int64), names
    codes, uniques = pd.factorize(pd.Series(np.asarray(sensitive_features, dtype=object)), sort=True)
    return codes.astype(np.int64), [str(u) for u in uniques]


def binary_metric_frame(metric: str, y_true: np.ndarray, y_pred: np.ndarray, sensitive_features: Any) -> MetricFrame:
    """``MetricFrame(metrics=<metric>, y_true, y_pred, sensitive_features)`` for a rate of boolean predictions:
    ``selection_rate``, ``accuracy``, ``precision``, ``recall`` (TPR), ``fpr``, ``fnr``, ``tnr``, ``f1``."""
    codes, names = _encode(sensitive_features)
    groups = confusion_by_group(y_true, y_pred, codes, len(names))
    whole = confusion_by_group(y_true, y_pred, np.where(codes >= 0, 0, -1), 1)[0]
    return MetricFrame(
        metric,
        float(getattr(whole, metric)),
        {n: float(getattr(g, metric)) for n, g in zip(names, groups, strict=True)},
    )


def demographic_parity_difference(y_true, y_pred, *, sensitive_features, method: Method = "between_groups") -> float:
    """Fairlearn's ``demographic_parity_difference``: the selection rate's difference (``y_true`` is unused)."""
    return binary_metric_frame("selection_rate", y_true, y_pred, sensitive_features).difference(method)


def demographic_parity_ratio(y_true, y_pred, *, sensitive_features, method: Method = "between_groups") -> float:
    return binary_metric_frame("selection_rate", y_true, y_pred, sensitive_features).ratio(method)


def equalized_odds_difference(
    y_true,
    y_pred,
    *,
    sensitive_features,
    method: Method = "between_groups",
    agg: Literal["worst_case", "mean"] = "worst_case",
) -> float:
    """The larger (``worst_case``) or the mean of the TPR and FPR differences, as Fairlearn."""
    d = [binary_metric_frame(m, y_true, y_pred, sensitive_features).difference(method) for m in ("recall", "fpr")]
    return _aggregate(d, agg, worst=max)


def equalized_odds_ratio(
    y_true,
    y_pred,
    *,
    sensitive_features,
    method: Method = "between_groups",
    agg: Literal["worst_case", "mean"] = "worst_case",
) -> float:
    """The smaller (``worst_case``) or the mean of the TPR and FPR ratios, as Fairlearn."""
    r = [binary_metric_frame(m, y_true, y_pred, sensitive_features).ratio(method) for m in ("recall", "fpr")]
    return _aggregate(r, agg, worst=min)


def _aggregate(values: list[float], agg: Literal["worst_case", "mean"], worst: Callable[..., float]) -> float:
    return float(worst(values)) if agg == "worst_case" else float(np.mean(values))


# -- the performance screen's summary: every rate by group, at per-group thresholds --------
#: the rates the fairness summary shows, as Fairlearn's MetricFrame would compute them from y_pred
SUMMARY_RATES = ("selection_rate", "recall", "fpr", "fnr", "accuracy", "precision")
SUMMARY_GAPS = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
)


@dataclass(frozen=True)
class FairnessSummary:
    """Fairlearn's MetricFrame of each rate in :data:`SUMMARY_RATES` by group (the slices) and overall, and the
    named gaps (``between_groups``), for the decisions actually made (each group at its own threshold)."""

    groups: tuple[str, ...]
    frames: dict[str, MetricFrame]
    gaps: dict[str, float]
    #: why a gap is undefined (a rate it is taken over is undefined on a group); gaps absent are defined
    undefined: dict[str, str] = field(default_factory=dict)

    def frame(self, metric: str) -> MetricFrame:
        return self.frames[metric]

    def gap(self, name: str) -> Metric:
        """The gap ``name`` as a screen shows it: the number, or undefined with the reason."""
        return metric(self.gaps[name], self.undefined.get(name, ""))


def fairness_summary(confusion: np.ndarray, groups: Sequence[str]) -> FairnessSummary:
    """The summary from per-group confusion counts (rows ``tn, fp, fn, tp``, as ``SliceIndex.counts_at``).

    Equal to ``MetricFrame(metrics=..., y_true, y_pred, sensitive_features)`` with ``y_pred`` the per-row
    decisions (score >= the row's group threshold) and the groups as sensitive feature.
    """
    confusion = np.asarray(confusion, dtype=np.int64).reshape(-1, 4)
    per_group = [BinaryMetrics(float("nan"), tp=int(c[3]), fp=int(c[1]), tn=int(c[0]), fn=int(c[2])) for c in confusion]
    tn, fp, fn, tp = (int(v) for v in confusion.sum(axis=0))
    whole = BinaryMetrics(float("nan"), tp=tp, fp=fp, tn=tn, fn=fn)
    names = [str(g) for g in groups]
    frames = {
        m: MetricFrame(
            m,
            float(getattr(whole, m)),
            {n: float(getattr(g, m)) for n, g in zip(names, per_group, strict=True)},
            {n: g.reason(m) for n, g in zip(names, per_group, strict=True) if g.reason(m)},
            whole.reason(m),
        )
        for m in SUMMARY_RATES
    }
    gaps, undefined = {}, {}
    for name in SUMMARY_GAPS:
        metrics, agg = NAMED_GAPS[name]
        values = [frames[m].difference() if agg == "difference" else frames[m].ratio() for m in metrics]
        gaps[name] = float(max(values) if agg == "difference" else min(values))
        shown = [frames[m].summary(agg) for m in metrics]
        why = next((f"{m} {v.reason}" for m, v in zip(metrics, shown, strict=True) if isinstance(v, Undefined)), "")
        if why:
            undefined[name] = why
    return FairnessSummary(tuple(names), frames, gaps, undefined)


# -- gaps over engine slice metrics (validation and the report) ------------


def parse_gap(name: str) -> tuple[tuple[str, ...], str] | None:
    """``(underlying metrics, "difference"|"ratio")`` of a gap name, or None if ``name`` is not a gap."""
    if name in NAMED_GAPS:
        return NAMED_GAPS[name]
    for agg in ("difference", "ratio"):
        suffix = f"_{agg}"
        if name.endswith(suffix) and len(name) > len(suffix):
            return (name[: -len(suffix)],), agg
    return None


def frame_from_slices(metric: str, groups: SliceMetrics, whole: SliceMetrics, names: Sequence[str]) -> MetricFrame:
    """A MetricFrame from per-group engine metrics (``groups``) and the same metric on all rows (``whole``)."""
    return MetricFrame(metric, whole.value(metric, 0), {n: groups.value(metric, k) for k, n in enumerate(names)})


@dataclass(frozen=True)
class Gap:
    """A fairness gap's value, or NaN with the reason it is not computable; ``frames`` are its MetricFrames."""

    name: str
    value: float
    reason: str
    frames: tuple[MetricFrame, ...]


def gap(
    name: str,
    groups: SliceMetrics,
    whole: SliceMetrics,
    names: Sequence[str],
    method: Method = "between_groups",
    by: str = "",
) -> Gap:
    """A named gap (or ``<metric>_difference`` / ``_ratio``) across ``groups``.

    Stricter than Fairlearn for CI: the gap is not computable (NaN, with the
    reason) when there are fewer than two groups, or when the metric is
    ill-defined on a group (Fairlearn would silently use sklearn's 0 or skip
    a NaN group).
    """
    parsed = parse_gap(name)
    if parsed is None:
        raise ValueError(f"{name!r} is not a fairness gap")
    metrics, agg = parsed
    frames = tuple(frame_from_slices(m, groups, whole, names) for m in metrics)
    by_text = f" of {by}" if by else ""
    if len(names) < 2:
        return Gap(name, float("nan"), f"needs at least two groups{by_text}, found {len(names)}", frames)
    for m in metrics:
        for k, g in enumerate(names):
            why = groups.reason(m, k)
            if why:
                return Gap(name, float("nan"), f"{m} is not computable for group {g}: {why}", frames)
    values = [f.difference(method) if agg == "difference" else f.ratio(method) for f in frames]
    value = (max(values) if agg == "difference" else min(values)) if len(values) > 1 else values[0]
    if np.isnan(value):
        why = "the largest group value is 0, so the ratio is 0/0" if agg == "ratio" else "no group has a value"
        return Gap(name, float("nan"), why, frames)
    return Gap(name, float(value), "", frames)


__all__ = [
    "FairnessSummary",
    "Gap",
    "METHODS",
    "MetricFrame",
    "NAMED_GAPS",
    "SUMMARY_GAPS",
    "SUMMARY_RATES",
    "binary_metric_frame",
    "confusion_by_group",
    "fairness_summary",
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "frame_from_slices",
    "gap",
    "parse_gap",
]
