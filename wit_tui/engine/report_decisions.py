"""The report's "decisions used": which decisions file set the thresholds, and what each model was decided at.

So a reader of a CI report knows the numbers are the screen's: the file, its strategy, cost ratio and
tolerance, each model's threshold and per-slice thresholds (by slice name, with the slicing and its bucket
edges), and what applying the file noted (a slice the data lacks, a model file of other bytes).
"""

from __future__ import annotations

from typing import Any

from wit_tui.engine.decisions_rows import AppliedDecisions


def decisions_section(applied: AppliedDecisions | None) -> dict[str, Any] | None:
    """The section's JSON-ready dict; None without ``--decisions``."""
    if applied is None:
        return None
    f = applied.file
    names = [] if applied.slicing is None else [applied.slicing.name(k) for k in range(applied.slicing.n_slices)]
    models = []
    for name, t, per in zip(applied.names, applied.thresholds, applied.slice_thresholds, strict=True):
        stored = f.model(name)
        models.append(
            {
                "name": name,
                "threshold": t,
                "slice_thresholds": None if per is None else dict(zip(names, (float(v) for v in per), strict=True)),
                "file_hash": None if stored is None else stored.file_hash,
            }
        )
    return {
        "source": f.source,
        "schema_version": 1,
        "strategy": f.strategy,
        "strategy_title": f.strategy_title,
        "cost_ratio": f.cost_ratio,
        "tolerance": f.tolerance,
        "label": f.label,
        "positive_class": f.positive_class,
        "slicing": None if f.slicing is None else f.slicing.to_dict(),
        "models": models,
        "notes": list(applied.notes),
    }


__all__ = ["decisions_section"]
