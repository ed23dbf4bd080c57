"""How sure is each slice's number and each fairness gap: the slice table's interval cells and the fairness
summary's intervals by group, for the decisions made.

Per-slice Wilson and F1 intervals and the gaps' bootstrap come from ``SliceIndex.counts_at`` at each slice's
threshold and one multinomial over every group's cells (drawn once per model and move, shared by the table and
the summary), so all follow a threshold move inline; the slices' AUC intervals (DeLong) are the worker's, once
per slicing.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.metrics.fairness import SUMMARY_RATES, FairnessSummary
from wit_tui.engine.metrics.slice_intervals import SMALL_SLICE_ROWS
from wit_tui.engine.metrics.undefined import Metric
from wit_tui.engine.session.session import Session
from wit_tui.render.intervals import interval_text, level_text
from wit_tui.render.tables import GroupRow, fairness_tables, group_interval_table
from wit_tui.tui.jobs import JobDone, JobFailed
from wit_tui.tui.views.performance.common import GAP_LABELS, RATE_LABELS, SliceState, fit_parts
from wit_tui.tui.views.performance.intervals import (
    ModelIntervals,
    WorkerIntervals,
    cell_text,
    note_text,
    options_of,
    slicing_intervals,
    table_at,
)
from wit_tui.tui.views.performance.slice_rows import COLUMNS, slice_counts

#: the gaps' names where the summary is narrow (the full names need ~90 columns beside two intervals)
SHORT_GAP_LABELS = {
    "demographic_parity_difference": "DP difference",
    "demographic_parity_ratio": "DP ratio",
    "equalized_odds_difference": "EOdds difference",
    "equalized_odds_ratio": "EOdds ratio",
    "equal_opportunity_difference": "EOpp difference",
    "equal_opportunity_ratio": "EOpp ratio",
}
SHORT_GAP_LEGEND = "DP: demographic parity · EOdds: equalized odds · EOpp: equal opportunity"
#: the narrowest summary that shows the gaps' full names
FULL_GAP_WIDTH = 100

#: (column key, model, slice) -> the interval's text
CellText = Callable[[str, int, int], str]


class SliceIntervals:
    """The slice table's interval columns (``I`` shows them) and the fairness summary's intervals."""

    def __init__(self) -> None:
        self.on = False  # the table doubles in width with them: off until asked for
        self.worker = WorkerIntervals("intervals-slices", "Slice intervals (DeLong AUC)…")

    def done(self, message: JobDone | JobFailed) -> bool:
        return self.worker.done(message)

    def level(self, owner: Widget) -> float:
        return options_of(owner).level

    def inline(self, owner: Widget, decisions: Decisions, slices: SliceState, n_models: int) -> list[ModelIntervals]:
        """Each model's Wilson and F1 intervals on every slice at its threshold (binary)."""
        opts = options_of(owner)
        return [table_at(slice_counts(decisions, slices, i), SUMMARY_RATES, opts).slices for i in range(n_models)]

    def cells(self, owner: Widget, session: Session, decisions: Decisions, slices: SliceState) -> CellText:
        """The text of each interval cell: inline ones at the decisions made, the rest from the worker (… till
        then)."""
        n = len(session.models)
        binary = session.task.kind == "binary"
        inline = self.inline(owner, decisions, slices, n) if binary else [{} for _ in range(n)]
        truth, table, opts = decisions.truth, slices.table, options_of(owner)
        assert truth is not None and table is not None  # cells are drawn for slices that exist
        codes, k_slices, indexes = table.slicing.codes, table.slicing.n_slices, slices.sidx
        free = self.worker.get(
            owner,
            (table, truth),
            opts,
            lambda: slicing_intervals(session, truth, codes, k_slices, indexes, opts),
        )

        def cell(key: str, i: int, k: int) -> str:
            if key in inline[i]:
                return cell_text(inline[i][key], k)
            return self.worker.cell(free, i, key, k)

        return cell

    def note(self, owner: Widget, kind: str) -> str:
        """The methods named once, each with the columns it made (multi-class, regression: as the worker says)."""
        opts = options_of(owner)
        if kind == "binary":
            return note_text(opts, {"wilson": "rates", "bootstrap": "F1", "delong": "AUC"})
        found = (self.worker.values or [{}])[0]
        by_method: dict[str, list[str]] = {}
        for key, header, _kind in COLUMNS[kind]:
            if key in found:
                by_method.setdefault(found[key].method, []).append(header)
        if not by_method:
            return "Intervals: computing…" if self.worker.pending() else "No intervals for these metrics yet."
        return note_text(opts, {m: ", ".join(headers) for m, headers in by_method.items()})


def fairness_intervals(
    owner: Widget,
    names: list[str],
    decisions: Decisions,
    slices: SliceState,
    summaries: list[FairnessSummary],
    rate_labels: dict[str, str],
    name_width: int,
) -> tuple[list[dict[str, str]], Table, str]:
    """The gaps' interval texts per model, the by-group table with every group's interval, and its note."""
    opts = options_of(owner)
    slicing = slices.slicing
    sidx = slices.sidx
    assert slicing is not None and sidx is not None  # the summary is drawn for indexed slices
    tables = [table_at(slice_counts(decisions, slices, i), SUMMARY_RATES, opts) for i in range(len(names))]
    gap_texts = [{name: interval_text(iv.low, iv.high) for name, iv in t.gaps.items()} for t in tables]
    wilson = [t.slices for t in tables]
    overall = [t.overall for t in tables]
    sizes = sidx[0].counts
    sections = []
    for rate, label in rate_labels.items():
        rows: list[GroupRow] = []
        for k in range(slicing.n_slices):
            group = slicing.name(k)
            size = f"{int(sizes[k]):,}" + ("*" if sizes[k] < SMALL_SLICE_ROWS else "")
            values: list[Metric | None] = [_group_value(s, rate, group) for s in summaries]
            rows.append(
                (fit_parts(slicing.labels[k], name_width), size, values, [cell_text(w[rate], k) for w in wilson])
            )
        total = f"{int(sizes.sum()):,}"
        rows.append(
            (
                "overall",
                total,
                [s.frames[rate].summary("overall") for s in summaries],
                [cell_text(o[rate]) for o in overall],
            )
        )
        for what in ("difference", "ratio"):
            values = [s.frames[rate].summary(what) for s in summaries]  # undefined: –
            rows.append((what, "", values, [t.get(f"{rate}_{what}", "–") for t in gap_texts]))
        sections.append((label, rows))
    title = "MetricFrame by group, with intervals (n: the group's rows; * under 30: unreliable)"
    table = group_interval_table(title, names, sections, f"{level_text(opts.level)} CI")
    covers = {
        "wilson": "each group's rate",
        "bootstrap": "differences, ratios and gaps (all groups resampled together)",
    }
    return gap_texts, table, note_text(opts, covers)


def fairness_parts(
    owner: Widget,
    names: list[str],
    decisions: Decisions,
    slices: SliceState,
    summaries: list[FairnessSummary],
    name_width: int,
) -> list:
    """The fairness summary's tables with their intervals and the note naming how they were made (the gaps by
    their full names where the summary is wide enough, else by short ones and a legend)."""
    gap_ci, by_group, note = fairness_intervals(owner, names, decisions, slices, summaries, RATE_LABELS, name_width)
    wide = (owner.size.width or owner.app.size.width) >= FULL_GAP_WIDTH
    labels = GAP_LABELS if wide else SHORT_GAP_LABELS
    tables = fairness_tables(names, summaries, RATE_LABELS, labels, gap_ci, by_group)
    return [Text(note if wide else f"{note}. {SHORT_GAP_LEGEND}.", style="dim"), tables]


def _group_value(summary: FairnessSummary, rate: str, group: str) -> float | None:
    """A group's rate as the summary has it; None (–) where it is undefined there."""
    frame = summary.frames[rate]
    return None if frame.undefined.get(group) else frame.by_group[group]


__all__ = [
    "FULL_GAP_WIDTH",
    "SHORT_GAP_LABELS",
    "SHORT_GAP_LEGEND",
    "SliceIntervals",
    "fairness_intervals",
    "fairness_parts",
]
