"""The report's fairness section: Fairlearn's MetricFrame of every summary rate by group, the differences and
ratios between groups, the named gaps (demographic parity, equalized odds, equal opportunity), each with its
interval (Wilson per group and overall, a bootstrap of the gaps).

The groups are the slices of the report's ``--slice`` (one feature, or the cross of two — as Fairlearn's
``sensitive_features`` given two columns), over the labelled rows, each model at its own threshold. Binary tasks
only; without ``--slice`` there is no section (``null``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wit_tui.engine.analysis.group_fairness import GroupFairness, session_group_fairness
from wit_tui.engine.metrics.fairness import SUMMARY_GAPS, SUMMARY_RATES, MetricFrame
from wit_tui.engine.metrics.row_thresholds import RowThresholds
from wit_tui.engine.metrics.slice_intervals import DEFAULT_INTERVALS, IntervalOptions, Intervals
from wit_tui.engine.metrics.undefined import Undefined
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import Slicing


def _point(frames: dict[str, MetricFrame], what: str) -> tuple[dict[str, float | None], dict[str, str]]:
    """Each rate's aggregate ``what`` (``difference`` / ``ratio``), None where undefined with the reason."""
    values: dict[str, float | None] = {}
    undefined: dict[str, str] = {}
    for rate, frame in frames.items():
        v = frame.summary(what)
        if isinstance(v, Undefined):
            values[rate], undefined[f"{rate}_{what}"] = None, v.reason
        else:
            values[rate] = v
    return values, undefined


def _at(intervals: dict[str, Intervals], k: int) -> dict[str, Any]:
    return {name: iv.at(k).to_dict() for name, iv in intervals.items() if name in SUMMARY_RATES}


def _group_rows(gf: GroupFairness, slicing: Slicing) -> list[dict[str, Any]]:
    names = {slicing.name(k): k for k in range(slicing.n_slices)}
    rows = []
    for g, (group, size) in enumerate(zip(gf.groups, gf.sizes, strict=True)):
        k = names[group]
        metrics = {r: gf.summary.frames[r].by_group[group] for r in SUMMARY_RATES}
        undefined = {r: why for r in SUMMARY_RATES if (why := gf.summary.frames[r].undefined.get(group, ""))}
        rows.append(
            {
                "slice": group,
                "slice_key": dict(slicing.keys[k]),
                "labels": list(slicing.labels[k]),
                "rows": size,
                "metrics": {r: (None if r in undefined else v) for r, v in metrics.items()},
                "undefined": undefined,
                "intervals": _at(gf.group_intervals, g),
            }
        )
    return rows


def model_fairness(name: str, threshold: float | None, gf: GroupFairness, slicing: Slicing) -> dict[str, Any]:
    """One model's part of the section (JSON-ready)."""
    frames = gf.summary.frames
    difference, undefined_d = _point(frames, "difference")
    ratio, undefined_r = _point(frames, "ratio")
    gaps = {g: (None if g in gf.summary.undefined else gf.summary.gaps[g]) for g in SUMMARY_GAPS}
    overall_undefined = {r: frames[r].overall_undefined for r in SUMMARY_RATES if frames[r].overall_undefined}
    return {
        "name": name,
        "threshold": threshold,
        "groups": _group_rows(gf, slicing),
        "overall": {
            "rows": int(sum(gf.sizes)),
            "metrics": {r: (None if r in overall_undefined else frames[r].overall) for r in SUMMARY_RATES},
            "undefined": overall_undefined,
            "intervals": _at(gf.overall_intervals, 0) if gf.overall_intervals else {},
        },
        "difference": difference,
        "ratio": ratio,
        "gaps": gaps,
        "undefined": {**undefined_d, **undefined_r, **gf.summary.undefined},
        "intervals": {k: v.to_dict() for k, v in gf.gap_intervals.items()},
    }


def fairness_section(
    session: Session,
    thresholds: Sequence[float | RowThresholds | None],
    slicing: Slicing | None,
    options: IntervalOptions = DEFAULT_INTERVALS,
) -> dict[str, Any] | None:
    """The section's JSON-ready dict, or None when it does not apply (no ``--slice``, no label, not binary)."""
    if slicing is None or not session.has_label or session.task.kind != "binary":
        return None
    names = [slicing.name(k) for k in range(slicing.n_slices)]
    models = [
        model_fairness(
            m.name,
            None if t is None else float(t),  # per-row thresholds (a decisions file): the model's own is shown
            session_group_fairness(session, i, slicing.codes, names, t, options=options),
            slicing,
        )
        for i, (m, t) in enumerate(zip(session.models, thresholds, strict=True))
    ]
    return {
        "by": list(slicing.features),
        "method": "between_groups",
        "rates": list(SUMMARY_RATES),
        "gap_names": list(SUMMARY_GAPS),
        "level": options.level,
        "resamples": options.resamples,
        "seed": options.seed,
        "models": models,
    }


__all__ = ["fairness_section", "model_fairness"]
