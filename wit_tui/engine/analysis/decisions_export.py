"""What the screen decided, as a decisions file: the app's :class:`Decisions` with names instead of positions.

Per-slice thresholds are stored by slice name (``sex:Female``) and the slicing with the bucket edges the screen
used pinned, so the file means the same rows on other data; each model carries its file's content hash.
"""

from __future__ import annotations

from typing import Any

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.decisions_file import DecisionsFile, ModelDecision
from wit_tui.engine.core.content_hash import content_hash
from wit_tui.engine.slice_spec import SliceSpec
from wit_tui.engine.slicing import Slicing


def model_file_hash(session: Any, i: int) -> str | None:
    """The content hash of the file model ``i`` was loaded from (None: not loaded from a file)."""
    path = getattr(session.models[i], "path", None)
    if path is None:
        return None
    try:
        return content_hash(path)
    except OSError:
        return None


def screen_decisions(
    session: Any, decisions: Decisions, spec: SliceSpec | None, slicing: Slicing | None, slicing_key: Any = None
) -> DecisionsFile:
    """The decisions file of ``decisions``; per-slice thresholds only when they belong to ``slicing`` (named by
    ``slicing_key``, as the screen names it)."""
    per_slice = decisions.slice_thresholds(slicing_key) if slicing is not None else None
    names = [] if slicing is None else [slicing.name(k) for k in range(slicing.n_slices)]
    models = []
    for i, name in enumerate(session.model_names):
        by_slice = {} if per_slice is None else {s: float(t) for s, t in zip(names, per_slice[i], strict=True)}
        models.append(ModelDecision(name, float(decisions.thresholds[i]), by_slice, model_file_hash(session, i)))
    truth = decisions.truth
    stored = None
    if spec is not None and not spec.empty:
        stored = spec.pinned(slicing.edges) if slicing is not None else spec
    return DecisionsFile(
        tuple(models),
        decisions.strategy,
        float(decisions.cost_ratio),
        float(decisions.tolerance),
        None if truth is None else truth.label,
        None if truth is None or truth.positive is None else str(truth.positive),
        stored,
    )


__all__ = ["model_file_hash", "screen_decisions"]
