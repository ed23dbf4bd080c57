"""How one class's fairness against the rest reads: its gaps for every model with intervals, the largest gap over
the classes and its class, and each metric by group — for the performance screen and the report alike."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text

from wit_tui.engine.metrics.intervals import Interval
from wit_tui.engine.metrics.multiclass_fairness import ClassFairness, MulticlassFairness
from wit_tui.engine.metrics.slice_intervals import SMALL_SLICE_ROWS
from wit_tui.engine.metrics.undefined import Undefined
from wit_tui.render.format import UNDEFINED, num, undefined_notes
from wit_tui.render.intervals import interval_note, interval_text
from wit_tui.render.tables import GroupRow, Row, compare_notes, compare_table, group_interval_table

#: the gaps shown for a class, in order
OVR_GAP_LABELS = {
    "demographic_parity_difference": "demographic parity difference",
    "demographic_parity_ratio": "demographic parity ratio",
    "equal_opportunity_difference": "equal opportunity difference",
    "equal_opportunity_ratio": "equal opportunity ratio",
    "equalized_odds_difference": "equalized odds difference",
    "precision_difference": "precision difference",
    "auc_difference": "AUC difference",
}
#: the same, narrow (under :data:`FULL_WIDTH` columns), with :data:`SHORT_LEGEND` saying what they stand for
OVR_SHORT_LABELS = {
    "demographic_parity_difference": "DP difference",
    "demographic_parity_ratio": "DP ratio",
    "equal_opportunity_difference": "EOpp difference",
    "equal_opportunity_ratio": "EOpp ratio",
    "equalized_odds_difference": "EOdds difference",
    "precision_difference": "prec difference",
    "auc_difference": "AUC difference",
}
SHORT_LEGEND = "DP: demographic parity · EOpp: equal opportunity · EOdds: equalized odds"
FULL_WIDTH = 100
#: the metrics shown by group
OVR_RATE_LABELS = {"selection_rate": "selection rate", "recall": "recall", "precision": "precision", "auc": "AUC"}
#: the gaps whose largest over the classes is named under the table
LARGEST = {"demographic_parity_difference": "DPD", "equal_opportunity_difference": "EOD"}
COVERS = {"wilson": "rates", "bootstrap": "gaps", "delong": "AUC"}


def _iv(iv: Interval | None) -> str:
    return UNDEFINED if iv is None else interval_text(iv.low, iv.high)


def largest_text(names: Sequence[str], fairness: Sequence[MulticlassFairness]) -> Text:
    """``largest over classes — logreg: DPD 0.849 (class_1), EOD 1.000 (class_0; undefined for class_2)``."""
    text = Text.assemble(("Largest over classes", "bold"), " — ")
    for i, (name, mf) in enumerate(zip(names, fairness, strict=True)):
        parts = []
        for gap, short in LARGEST.items():
            top = mf.largest(gap)
            where = top.cls if top.cls else "no class"
            if top.undefined:
                where += f"; undefined for {', '.join(top.undefined)}"
            parts.append(f"{short} {num(top.value) if top.cls else UNDEFINED} ({where})")
        text.append(("; " if i else "") + (f"{name}: " if len(names) > 1 else "") + ", ".join(parts))
    return text


def _group_sections(names: Sequence[str], per_model: Sequence[ClassFairness]) -> list[tuple[str, list[GroupRow]]]:
    first = per_model[0]
    sections = []
    for metric, label in OVR_RATE_LABELS.items():
        if any(metric not in cf.frames for cf in per_model):
            continue  # no class scores: no AUC
        rows: list[GroupRow] = []
        for k, g in enumerate(first.groups):
            size = first.sizes[k]
            shown = f"{size:,}" + ("*" if size < SMALL_SLICE_ROWS else "")
            values = []
            for cf in per_model:
                frame = cf.frames[metric]
                why = frame.undefined.get(g, "")
                values.append(Undefined(why) if why else frame.by_group[g])
            ivs = [
                _iv(cf.group_intervals[metric].at(k)) if metric in cf.group_intervals else UNDEFINED for cf in per_model
            ]
            rows.append((g, shown, values, ivs))
        sections.append((label, rows))
    return sections


def class_fairness_tables(
    names: Sequence[str],
    fairness: Sequence[MulticlassFairness],
    cls: str,
    level: float,
    resamples: int,
    seed: int,
    width: int = FULL_WIDTH,
) -> Group:
    """Class ``cls`` against the rest: the gaps for every model (with Δ and intervals), the largest gap over the
    classes, each metric by group with its interval, and the note naming the methods; narrower than
    :data:`FULL_WIDTH` the gaps go by their short names."""
    per_model = [mf.of(cls) for mf in fairness]
    labels = OVR_GAP_LABELS if width >= FULL_WIDTH else OVR_SHORT_LABELS
    gaps = [g for g in labels if all(g in cf.gaps for cf in per_model)]
    rows: list[Row] = [(labels[g], [cf.gap(g) for cf in per_model], "num") for g in gaps]
    ivs = [[_iv(cf.gap_intervals.get(g)) for cf in per_model] for g in gaps]
    parts: list = [] if width >= FULL_WIDTH else [Text(SHORT_LEGEND, style="dim")]
    parts.append(
        compare_table(names, rows, first="gap (between groups)" if width >= FULL_WIDTH else "gap", intervals=ivs)
    )
    parts += compare_notes(names, rows)
    parts += [largest_text(names, fairness), Text("")]
    title = f"{cls} vs rest by group (MetricFrame)"
    parts.append(group_interval_table(title, names, _group_sections(names, per_model)))
    entries = [
        (OVR_RATE_LABELS[m], f"{name}: {g}" if len(names) > 1 else g, why)
        for name, cf in zip(names, per_model, strict=True)
        for m in OVR_RATE_LABELS
        if m in cf.frames
        for g, why in cf.frames[m].undefined.items()
    ]
    parts += [Text(line, style="dim") for line in undefined_notes(entries)[:4]]
    parts.append(Text(interval_note(level, resamples, seed, COVERS), style="dim"))
    return Group(*parts)


__all__ = [
    "FULL_WIDTH",
    "LARGEST",
    "OVR_GAP_LABELS",
    "OVR_SHORT_LABELS",
    "SHORT_LEGEND",
    "OVR_RATE_LABELS",
    "class_fairness_tables",
    "largest_text",
]
