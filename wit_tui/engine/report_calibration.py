"""The report's calibration section: each model's reliability diagram, ECE, Brier score and log loss, overall
and on each slice of ``--slice`` (binary), or of each class against the rest (multi-class) — the screen's recipe
(:func:`~wit_tui.engine.analysis.model_calibration.models_calibration`)."""

from __future__ import annotations

from typing import Any

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.model_calibration import models_calibration
from wit_tui.engine.metrics.calibration import ECE_BINS, N_BINS
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import Slicing


def calibration_section(session: Session, slicing: Slicing | None) -> dict[str, Any] | None:
    """The section's JSON-ready dict; None without a label or for a regression (no class probabilities)."""
    kind = session.task.kind
    if not session.has_label or kind == "regression":
        return None
    truth = ground_truth(session)
    names = session.model_names
    out: dict[str, Any] = {"ece_bins": ECE_BINS, "n_bins": N_BINS, "strategy": "uniform"}
    if kind == "multiclass":
        per_class = [models_calibration(session, truth, ovr_class=c) for c in range(len(truth.classes))]
        out["models"] = [
            {
                "name": name,
                "classes": [
                    {"class": str(cls), **r.overall[i].to_dict()}
                    for cls, r in zip(truth.classes, per_class, strict=True)
                ],
            }
            for i, name in enumerate(names)
        ]
        return out
    codes, n = (None, 0) if slicing is None else (slicing.codes, slicing.n_slices)
    r = models_calibration(session, truth, codes, n)
    models = []
    for i, name in enumerate(names):
        slices = None
        if slicing is not None and r.slices is not None:
            slices = [
                {
                    "slice": slicing.name(k),
                    "slice_key": dict(slicing.keys[k]),
                    "labels": list(slicing.labels[k]),
                    **r.slices[i][k].to_dict(),
                }
                for k in range(slicing.n_slices)
            ]
        models.append({"name": name, "overall": r.overall[i].to_dict(), "slices": slices})
    out["positive"] = str(truth.positive)
    out["models"] = models
    return out


__all__ = ["calibration_section"]
