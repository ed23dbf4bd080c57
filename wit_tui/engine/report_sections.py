"""Which sections a report has beyond performance and slices, and where a new one plugs in.

A section is one function ``build(context) -> dict | None`` (JSON-ready; None: it does not apply, written as
``null``) listed in :data:`SECTIONS` under its JSON key; the renderers look the same key up in their own table
(``render/report_sections.py``) to draw it. Adding a section (calibration, decisions used, …) is one builder here
and one renderer there — ``build_report`` and the JSON writer need no change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from wit_tui.engine.decisions_rows import AppliedDecisions
from wit_tui.engine.metrics.row_thresholds import RowThresholds
from wit_tui.engine.metrics.slice_intervals import DEFAULT_INTERVALS, IntervalOptions
from wit_tui.engine.report_calibration import calibration_section
from wit_tui.engine.report_decisions import decisions_section
from wit_tui.engine.report_fairness import fairness_section
from wit_tui.engine.report_multiclass import multiclass_fairness_section
from wit_tui.engine.report_worst import WORST_TOP, worst_slices_section
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import DEFAULT_BUCKETS, Slicing


@dataclass(frozen=True)
class ReportContext:
    """What every section builder is given: the session, each model's threshold, the slicing of ``--slice``
    (None without it), the buckets, how intervals are made and how many worst slices to list."""

    session: Session
    thresholds: tuple[float | None, ...]
    slicing: Slicing | None = None
    buckets: int = DEFAULT_BUCKETS
    intervals: IntervalOptions = DEFAULT_INTERVALS
    worst_top: int = WORST_TOP
    #: ``--decisions``: the file applied (its per-slice thresholds decide the fairness groups' rows too)
    decisions: AppliedDecisions | None = None

    def decided(self) -> Sequence[float | RowThresholds | None]:
        """Each model's decision as the metrics take it: per row when the decisions file has per-slice ones."""
        return self.thresholds if self.decisions is None else self.decisions.decisions()


SectionBuilder = Callable[[ReportContext], "dict[str, Any] | None"]


def _fairness(ctx: ReportContext) -> dict[str, Any] | None:
    return fairness_section(ctx.session, ctx.decided(), ctx.slicing, ctx.intervals)


def _multiclass_fairness(ctx: ReportContext) -> dict[str, Any] | None:
    return multiclass_fairness_section(ctx.session, ctx.slicing, ctx.intervals)


def _worst(ctx: ReportContext) -> dict[str, Any] | None:
    return worst_slices_section(ctx.session, ctx.thresholds, ctx.buckets, ctx.worst_top)


def _decisions(ctx: ReportContext) -> dict[str, Any] | None:
    return decisions_section(ctx.decisions)


def _calibration(ctx: ReportContext) -> dict[str, Any] | None:
    return calibration_section(ctx.session, ctx.slicing)


#: the extra sections, in the order the report shows them: (JSON key, builder)
SECTIONS: tuple[tuple[str, SectionBuilder], ...] = (
    ("decisions", _decisions),
    ("fairness", _fairness),
    ("multiclass_fairness", _multiclass_fairness),
    ("worst_slices", _worst),
    ("calibration", _calibration),
)


def build_sections(ctx: ReportContext, sections: Sequence[tuple[str, SectionBuilder]] = SECTIONS) -> dict[str, Any]:
    """Every section's JSON-ready dict (or None), by key, in order."""
    return {key: build(ctx) for key, build in sections}


__all__ = ["SECTIONS", "ReportContext", "SectionBuilder", "build_sections"]
