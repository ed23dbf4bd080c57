"""The report's worst slices: the performance screen's ranking (every single-feature slice against the rest of
the rows, by the lower end of its simultaneous interval), its top ``N`` for each model.

The metric is the task's first worst-slice metric (accuracy for classifiers, MAE for regression), each model at
its own threshold; slices are cut with the report's ``--buckets``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.slice_outcomes import TASK_WORST_METRICS
from wit_tui.engine.analysis.worst_slices import SliceFinding, session_worst_slices
from wit_tui.engine.session.session import Session

#: how many worst slices the report lists per model
WORST_TOP = 10


def finding_dict(f: SliceFinding, model_names: Sequence[str]) -> dict[str, Any]:
    """One ranked slice, JSON-ready: every model's value on it, and the ranking model's comparison with the rest."""
    return {
        "slice": f.slice,
        "slice_key": dict(f.key),
        "labels": list(f.labels),
        "rows": f.n_rows,
        "n": f.n,
        "values": dict(zip(model_names, f.values, strict=True)),
        "rest": f.rest,
        "worse_by": f.worse_by,
        "worse_by_interval": {"low": f.ci_low, "high": f.ci_high},
        "p_value": f.p_value,
        "q_value": f.q_value,
        "small": f.small,
    }


def worst_slices_section(
    session: Session, thresholds: Sequence[float | None], buckets: int, top: int = WORST_TOP
) -> dict[str, Any] | None:
    """The section's JSON-ready dict, or None without a label (or with ``top`` 0)."""
    if not session.has_label or top <= 0:
        return None
    metric = TASK_WORST_METRICS[session.task.kind][0]
    truth = ground_truth(session)
    given = list(thresholds) if session.task.kind == "binary" else None
    names = list(session.model_names)
    models, first = [], None
    for i, name in enumerate(names):
        ranking = session_worst_slices(session, truth, metric, thresholds=given, model=i, buckets=buckets)
        first = first or ranking
        models.append({"name": name, "slices": [finding_dict(f, names) for f in ranking.top(top)]})
    assert first is not None, "a session has at least one model"
    return {
        "metric": metric,
        "bad": first.bad,
        "top": top,
        "confidence": first.confidence,
        "test": first.test,
        "n_tested": first.n_tested,
        "buckets": buckets,
        "skipped": list(first.skipped),
        "models": models,
    }


__all__ = ["WORST_TOP", "finding_dict", "worst_slices_section"]
