"""``D`` on the slice table: the highlighted slice's detail dialog, built from the slice table's own indexes at
the thresholds the decisions give that slice (per-slice ones included)."""

from __future__ import annotations

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.slice_detail import slice_detail
from wit_tui.engine.session.session import Session
from wit_tui.tui.dialogs.slice_detail import SliceDetailScreen
from wit_tui.tui.views.performance.common import PerfState, effective


def slice_detail_screen(session: Session, state: PerfState, decisions: Decisions, k: int) -> SliceDetailScreen:
    """The dialog of slice ``k`` of the slicing shown (a binary task with ground truth and a slice table)."""
    slices, truth = state.slices, decisions.truth
    sidx, slicing = slices.sidx, slices.slicing
    assert sidx is not None and slicing is not None and truth is not None, "D applies to a binary slice table"
    names = session.model_names
    thresholds = [effective(decisions, slices, i) for i in range(len(names))]
    models = slice_detail(sidx, k, thresholds, session.probabilities)
    per_slice = decisions.slice_thresholds(slices.key) is not None
    labels = (str(truth.negative), str(truth.positive))
    return SliceDetailScreen(slicing.name(k), names, models, labels, per_slice)


__all__ = ["slice_detail_screen"]
