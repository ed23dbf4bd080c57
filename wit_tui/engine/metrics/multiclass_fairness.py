"""How differently does a multi-class model treat groups, class by class: Fairlearn's definitions applied to one
class against the rest.

For class ``c`` the labels are ``y_true == c`` and the predictions ``y_pred == c`` (the model's argmax), and the
class's score is its probability column. Per group (a slice) that gives a binary confusion matrix, so every rate,
difference and ratio is exactly Fairlearn's ``MetricFrame`` on those one-vs-rest labels
(:func:`~wit_tui.engine.metrics.fairness.fairness_summary`), and the ROC AUC by group is sklearn's
``roc_auc_score`` of the class's score. Intervals sit beside each number: Wilson for the rates, DeLong for the
AUC, a bootstrap of every gap between groups (rows of all groups resampled together).

"The largest over classes" of a gap is the one a reviewer asks about first: the largest difference, or the
smallest (worst) ratio, and which class it belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.tasks import match_class
from wit_tui.engine.metrics.fairness import NAMED_GAPS, FairnessSummary, Method, MetricFrame, fairness_summary
from wit_tui.engine.metrics.intervals import Interval
from wit_tui.engine.metrics.slice_intervals import (
    DEFAULT_INTERVALS,
    IntervalOptions,
    Intervals,
    gap_intervals,
    ovr_intervals,
)
from wit_tui.engine.metrics.slice_metrics import ovr_slice_metrics
from wit_tui.engine.metrics.undefined import Metric, Undefined

#: the one-vs-rest rates by group (functions of the confusion counts) and, with class scores, the AUC
OVR_RATES = ("selection_rate", "recall", "precision", "fpr")
OVR_METRICS = (*OVR_RATES, "auc")
#: every gap a class has: the named ones and each metric's difference and ratio between groups
OVR_GAPS = (*NAMED_GAPS, *(f"{m}_{agg}" for m in OVR_METRICS for agg in ("difference", "ratio")))


def ovr_gap_metrics(name: str) -> tuple[tuple[str, ...], str] | None:
    """``(metrics, "difference"|"ratio")`` of a one-vs-rest gap name, or None when it is not one."""
    if name in NAMED_GAPS:
        return NAMED_GAPS[name]
    for agg in ("difference", "ratio"):
        metric = name.removesuffix(f"_{agg}")
        if metric != name and metric in OVR_METRICS:
            return (metric,), agg
    return None


def one_vs_rest_gap(where: str, name: str, cls: str | None, kind: str, classes: Sequence[Any]) -> bool:
    """Whether gap ``name`` is read one class against the rest (a multi-class task). Its ``cls`` must be one of
    the model's ``classes`` and goes with multi-class one-vs-rest gaps only: a binary gap is already of the
    positive class (WitError otherwise, ``where`` naming the config entry)."""
    ovr = kind == "multiclass" and ovr_gap_metrics(name) is not None
    if cls is None:
        return ovr
    if kind != "multiclass":
        hint = "Leave class out: a binary gap is already of the positive class (--positive picks it)."
        raise WitError(
            f"{where}: class applies to multi-class models, but the models are {kind}.",
            hint if kind == "binary" else "Leave class out.",
        )
    if not ovr:
        raise WitError(
            f"{where}: class applies to one-vs-rest gaps, and {name} is not one.",
            f"Use demographic_parity_*, equal_opportunity_*, equalized_odds_* or <metric>_difference / _ratio of "
            f"{', '.join(OVR_METRICS)}.",
        )
    if classes and match_class(cls, classes) is None:
        raise WitError(
            f"{where}: class {cls!r} is not one of the model's classes.", f"Classes: {', '.join(map(str, classes))}."
        )
    return True


@dataclass(frozen=True)
class ClassFairness:
    """One class against the rest: each metric's MetricFrame by group, the gaps, and their intervals."""

    cls: str
    groups: tuple[str, ...]
    sizes: tuple[int, ...]
    #: the one-vs-rest confusion counts per group (rows ``tn, fp, fn, tp``)
    confusion: np.ndarray
    frames: dict[str, MetricFrame]
    gaps: dict[str, float]
    #: why a gap is undefined (a metric it is taken over is undefined on a group); gaps absent are defined
    undefined: dict[str, str] = field(default_factory=dict)
    group_intervals: dict[str, Intervals] = field(default_factory=dict)
    overall_intervals: dict[str, Interval] = field(default_factory=dict)
    gap_intervals: dict[str, Interval] = field(default_factory=dict)

    def gap(self, name: str) -> Metric:
        """The gap as a screen shows it: the number, or undefined with the reason."""
        why = self.undefined.get(name, "")
        return Undefined(why) if why else float(self.gaps[name])


@dataclass(frozen=True)
class Largest:
    """A gap's worst value over the classes (the largest difference, the smallest ratio) and its class; ``value``
    is NaN when no class has it; ``undefined`` names the classes where it is undefined (left out of the max)."""

    name: str
    value: float
    cls: str
    undefined: tuple[str, ...] = ()


@dataclass(frozen=True)
class MulticlassFairness:
    """Every class's :class:`ClassFairness` over the same groups."""

    classes: tuple[str, ...]
    groups: tuple[str, ...]
    per_class: tuple[ClassFairness, ...]
    method: Method = "between_groups"

    def of(self, cls: Any) -> ClassFairness:
        return self.per_class[self.classes.index(str(cls))]

    def largest(self, name: str) -> Largest:
        """The worst of gap ``name`` over the classes: the largest difference or the smallest ratio."""
        parsed = ovr_gap_metrics(name)
        if parsed is None:
            raise ValueError(f"{name!r} is not a one-vs-rest gap; use one of {', '.join(OVR_GAPS)}")
        ratio = parsed[1] == "ratio"
        best: tuple[float, str] | None = None
        undefined = []
        for cf in self.per_class:
            v = cf.gap(name)
            if isinstance(v, Undefined) or np.isnan(v):
                undefined.append(cf.cls)
            elif best is None or (v < best[0] if ratio else v > best[0]):
                best = (float(v), cf.cls)
        value, cls = best if best is not None else (float("nan"), "")
        return Largest(name, value, cls, tuple(undefined))


def _auc_frame(groups: Sequence[str], by_group, whole) -> MetricFrame:
    """The class's AUC by group as a MetricFrame (``by_group`` / ``whole``: one-vs-rest slice metrics)."""
    reasons = {g: why for g, why in zip(groups, by_group.undefined["auc"], strict=True) if why}
    return MetricFrame(
        "auc",
        whole.value("auc", 0),
        {g: by_group.value("auc", k) for k, g in enumerate(groups)},
        reasons,
        whole.reason("auc", 0),
    )


def _gaps(
    frames: dict[str, MetricFrame], summary: FairnessSummary, method: Method
) -> tuple[dict[str, float], dict[str, str]]:
    """Every gap of :data:`OVR_GAPS` over ``frames`` (undefined where a metric is undefined on a group)."""
    gaps: dict[str, float] = {}
    undefined: dict[str, str] = {}
    suffix = "" if method == "between_groups" else "_to_overall"
    for name in OVR_GAPS:
        parsed = ovr_gap_metrics(name)
        assert parsed is not None  # every name of OVR_GAPS parses
        metrics, agg = parsed
        if any(m not in frames for m in metrics):
            continue  # no class scores: no AUC gaps
        shown = [frames[m].summary(agg + suffix) for m in metrics]
        why = next((f"{m} {v.reason}" for m, v in zip(metrics, shown, strict=True) if isinstance(v, Undefined)), "")
        values = [frames[m].difference(method) if agg == "difference" else frames[m].ratio(method) for m in metrics]
        gaps[name] = float(max(values) if agg == "difference" else min(values))
        if why:
            undefined[name] = why
    return gaps, undefined


def class_fairness(
    cls: str,
    y_is_class: np.ndarray,
    pred_is_class: np.ndarray,
    class_score: np.ndarray | None,
    codes: np.ndarray,
    groups: Sequence[str],
    options: IntervalOptions | None = DEFAULT_INTERVALS,
    method: Method = "between_groups",
) -> ClassFairness:
    """One class against the rest by group (``codes``: each row's group, -1 left out); ``options`` None: no
    intervals (the points only)."""
    codes = np.asarray(codes, dtype=np.int64)
    G = len(groups)
    names = [str(g) for g in groups]
    by_group = ovr_slice_metrics(y_is_class, pred_is_class, class_score, codes, G)
    assert by_group.confusion is not None  # one-vs-rest metrics keep their counts
    confusion = np.asarray(by_group.confusion, dtype=np.int64).reshape(G, 4)
    summary = fairness_summary(confusion, names)
    frames = {m: summary.frames[m] for m in OVR_RATES}
    whole_codes = np.where(codes >= 0, 0, -1)
    if class_score is not None:
        whole = ovr_slice_metrics(y_is_class, pred_is_class, class_score, whole_codes, 1)
        frames["auc"] = _auc_frame(names, by_group, whole)
    gaps, undefined = _gaps(frames, summary, method)
    sizes = tuple(int(v) for v in confusion.sum(axis=1))
    if options is None:
        return ClassFairness(cls, tuple(names), sizes, confusion, frames, gaps, undefined)
    per_group = ovr_intervals(y_is_class, pred_is_class, class_score, codes, G, options)
    overall = ovr_intervals(y_is_class, pred_is_class, class_score, whole_codes, 1, options)
    keep = set(OVR_METRICS)
    gap_iv = gap_intervals(confusion, OVR_RATES, options) if method == "between_groups" else {}
    return ClassFairness(
        cls,
        tuple(names),
        sizes,
        confusion,
        frames,
        gaps,
        undefined,
        {m: iv for m, iv in per_group.items() if m in keep},
        {m: iv.at(0) for m, iv in overall.items() if m in keep},
        {g: iv for g, iv in gap_iv.items() if g in gaps},
    )


def multiclass_fairness(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    proba: np.ndarray | None,
    classes: Sequence[Any],
    codes: np.ndarray,
    groups: Sequence[str],
    options: IntervalOptions | None = DEFAULT_INTERVALS,
    method: Method = "between_groups",
) -> MulticlassFairness:
    """Every class of ``classes`` against the rest, by group. ``proba`` (rows × classes, in ``classes`` order)
    gives each class's AUC; without it there is no AUC. Rows with code -1 are left out."""
    y_true = np.asarray(y_true, dtype=object)
    y_pred = np.asarray(y_pred, dtype=object)
    per_class = []
    for j, c in enumerate(classes):
        score = None if proba is None else np.asarray(proba[:, j], dtype=np.float64)
        per_class.append(class_fairness(str(c), y_true == c, y_pred == c, score, codes, groups, options, method))
    return MulticlassFairness(tuple(str(c) for c in classes), tuple(str(g) for g in groups), tuple(per_class), method)


__all__ = [
    "OVR_GAPS",
    "OVR_METRICS",
    "OVR_RATES",
    "ClassFairness",
    "Largest",
    "MulticlassFairness",
    "class_fairness",
    "multiclass_fairness",
    "one_vs_rest_gap",
    "ovr_gap_metrics",
]
