"""The report's multi-class fairness section: for each class against the rest, Fairlearn's MetricFrame by group
(selection rate, recall, precision, FPR, AUC), every gap between groups, and the largest gap over the classes with
its class — each number with its interval beside it in a parallel ``intervals`` map.

The groups are the slices of the report's ``--slice`` over the labelled rows. Multi-class tasks only; without
``--slice`` (or for another task) the section is ``null``.
"""

from __future__ import annotations

from typing import Any

from wit_tui.engine.analysis.multiclass_groups import session_multiclass_fairness
from wit_tui.engine.metrics.multiclass_fairness import OVR_GAPS, ClassFairness, MulticlassFairness
from wit_tui.engine.metrics.slice_intervals import DEFAULT_INTERVALS, IntervalOptions
from wit_tui.engine.metrics.undefined import Undefined
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import Slicing


def _class_dict(cf: ClassFairness, slicing: Slicing) -> dict[str, Any]:
    groups = []
    for k, g in enumerate(cf.groups):
        metrics = {m: (None if g in f.undefined else f.by_group[g]) for m, f in cf.frames.items()}
        groups.append(
            {
                "slice": g,
                "slice_key": dict(slicing.keys[k]),
                "rows": cf.sizes[k],
                "metrics": metrics,
                "undefined": {m: f.undefined[g] for m, f in cf.frames.items() if g in f.undefined},
                "intervals": {m: iv.at(k).to_dict() for m, iv in cf.group_intervals.items()},
            }
        )
    gaps = {}
    for name in OVR_GAPS:
        if name in cf.gaps:
            v = cf.gap(name)
            gaps[name] = None if isinstance(v, Undefined) else v
    return {
        "class": cf.cls,
        "overall": {m: (None if f.overall_undefined else f.overall) for m, f in cf.frames.items()},
        "overall_intervals": {m: iv.to_dict() for m, iv in cf.overall_intervals.items()},
        "groups": groups,
        "gaps": gaps,
        "undefined": dict(cf.undefined),
        "intervals": {g: iv.to_dict() for g, iv in cf.gap_intervals.items()},
    }


def _largest(mf: MulticlassFairness) -> dict[str, Any]:
    out = {}
    for name in OVR_GAPS:
        if all(name in cf.gaps for cf in mf.per_class):
            top = mf.largest(name)
            out[name] = {
                "value": top.value if top.cls else None,
                "class": top.cls or None,
                "undefined_for": list(top.undefined),
            }
    return out


def multiclass_fairness_section(
    session: Session, slicing: Slicing | None, options: IntervalOptions = DEFAULT_INTERVALS
) -> dict[str, Any] | None:
    """Every model's one-vs-rest fairness over the report's slices (None: not a multi-class task, no slicing or
    no label)."""
    if slicing is None or session.task.kind != "multiclass" or not session.has_label:
        return None
    models = []
    for i, model in enumerate(session.models):
        mf = session_multiclass_fairness(session, i, slicing, options=options)
        models.append(
            {
                "model": model.name,
                "classes": [_class_dict(cf, slicing) for cf in mf.per_class],
                "largest_over_classes": _largest(mf),
            }
        )
    return {"features": list(slicing.features), "method": "between_groups", "models": models}


__all__ = ["multiclass_fairness_section"]
