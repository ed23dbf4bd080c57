"""The report's extra sections (fairness, worst slices, …) as format-neutral blocks, drawn by the rich and the
Markdown report alike.

Each section has one renderer ``blocks(section_dict) -> list[Block]`` registered in :data:`SECTION_BLOCKS`
under the section's JSON key (:data:`wit_tui.engine.report_sections.SECTIONS`); a section without a renderer
is in the JSON only. Cells are text already formatted; data in them is printed literally by both formats.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from wit_tui.render.format import show

#: short headers of the fairness tables' rates
RATE_SHORT = {
    "selection_rate": "pos.rate",
    "recall": "tpr",
    "fpr": "fpr",
    "fnr": "fnr",
    "accuracy": "acc",
    "precision": "prec",
}


@dataclass(frozen=True)
class Block:
    """A heading (``level`` 2 or 3), a table (``header``, ``rows``) or a note line."""

    kind: Literal["heading", "table", "note"]
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    level: int = 2


def interval_text(iv: Mapping[str, Any] | None) -> str:
    """``[0.841, 0.864]`` (– for a bound that is undefined; empty without an interval)."""
    if not iv:
        return ""
    return f"[{show(iv.get('low'))}, {show(iv.get('high'))}]"


def _level(section: Mapping[str, Any]) -> str:
    return f"{100 * float(section.get('level', 0.95)):g}%"


def range_text(iv: Mapping[str, Any] | None) -> str:
    """``0.841–0.864``: an interval in a table cell of its own (– without one)."""
    if not iv or iv.get("low") is None or iv.get("high") is None:
        return show(None)
    return f"{show(iv['low'])}–{show(iv['high'])}"


def group_label(group: Mapping[str, Any], by: Sequence[str]) -> str:
    """A group's label with its values in the order the features were asked for (``Female × White`` for
    ``--slice sex,race``), as the slice table; the key itself is sorted by feature."""
    by_feature = dict(zip(group["slice_key"], group["labels"], strict=True))
    if set(by_feature) == set(by):
        return " × ".join(by_feature[f] for f in by)
    return " × ".join(group["labels"]) or str(group["slice"])


def _groups(model: Mapping[str, Any], by: Sequence[str]) -> list[tuple[str, Mapping[str, Any]]]:
    rows = [(group_label(g, by), g) for g in model["groups"]]
    return [*rows, ("Overall", model["overall"])]


def _group_tables(model: Mapping[str, Any], rates: Sequence[str], level: str, by: Sequence[str]) -> list[Block]:
    """The rates by group, then their intervals by group (a table of its own: a point and its interval side by
    side would not fit a terminal)."""
    short = tuple(RATE_SHORT.get(r, r) for r in rates)
    points = tuple(
        (label, f"{g['rows']:,}", *(show(g["metrics"].get(r)) for r in rates)) for label, g in _groups(model, by)
    )
    ranges = tuple((label, *(range_text(g["intervals"].get(r)) for r in rates)) for label, g in _groups(model, by))
    return [
        Block("table", header=("group", "rows", *short), rows=points),
        Block("note", f"{level} intervals by group (Wilson):"),
        Block("table", header=("group", *short), rows=ranges),
    ]


def _gap_table(model: Mapping[str, Any], section: Mapping[str, Any]) -> Block:
    rows: list[tuple[str, ...]] = []
    for rate in section["rates"]:
        for what in ("difference", "ratio"):
            name = f"{rate}_{what}"
            rows.append((name, show(model[what].get(rate)), interval_text(model["intervals"].get(name))))
    for gap in section["gap_names"]:
        rows.append((gap, show(model["gaps"].get(gap)), interval_text(model["intervals"].get(gap))))
    return Block("table", header=("gap", "value", f"{_level(section)} interval"), rows=tuple(rows))


def fairness_blocks(section: Mapping[str, Any]) -> list[Block]:
    """Per model: the rates by group (and overall), then every difference, ratio and named gap with its interval."""
    by = " × ".join(section["by"])
    out = [Block("heading", f"Fairness by {by}")]
    rates = list(section["rates"])
    for model in section["models"]:
        out.append(Block("heading", f"{model['name']} (threshold {show(model['threshold'], 'thr')})", level=3))
        out += [*_group_tables(model, rates, _level(section), section["by"]), _gap_table(model, section)]
        out += [Block("note", f"{name}: undefined: {why}") for name, why in model["undefined"].items()]
    legend = ", ".join(f"{s} = {r}" for r, s in RATE_SHORT.items() if r in rates and s != r)
    out.append(
        Block(
            "note",
            f"Rates as Fairlearn's MetricFrame ({legend}); differences and ratios between groups. "
            f"{_level(section)} intervals: Wilson for rates, bootstrap ({section['resamples']:,} resamples, "
            f"seed {section['seed']}) for the gaps.",
        )
    )
    return out


def worst_blocks(section: Mapping[str, Any]) -> list[Block]:
    """Per model: its worst slices, worst first, with how much worse than the rest and the interval of that."""
    out = [Block("heading", f"Worst slices by {section['metric']}")]
    for model in section["models"]:
        out.append(Block("heading", str(model["name"]), level=3))
        rows = tuple(
            (
                str(f["slice"]) + (" *" if f["small"] else ""),
                f"{f['rows']:,}",
                show(f["values"].get(model["name"])),
                show(f["rest"]),
                show(f["worse_by"]),
                interval_text(f["worse_by_interval"]),
                show(f["q_value"]),
            )
            for f in model["slices"]
        )
        header = ("slice", "rows", section["metric"], "rest", "worse by", "interval", "q")
        out.append(Block("table", header=header, rows=rows) if rows else Block("note", "No slice could be tested."))
    out.append(
        Block(
            "note",
            f"Ranked by the lower end of the {100 * section['confidence']:g}% simultaneous interval of how much "
            f"worse ({section['bad']}) than the rest; {section['test']}; q: Benjamini–Hochberg. "
            "* fewer than 30 labelled rows (listed last).",
        )
    )
    out += [Block("note", f"skipped {s}") for s in section["skipped"]]
    return out


def decisions_blocks(section: Mapping[str, Any]) -> list[Block]:
    """The decisions file the thresholds came from: its strategy, and each model's threshold (per slice too)."""
    head = (
        f"From {section['source']}: {section['strategy_title']} (cost ratio FP:FN {show(section['cost_ratio'])}, "
        f"tolerance {show(section['tolerance'])})."
    )
    out = [Block("heading", "Decisions used"), Block("note", head)]
    rows = []
    for m in section["models"]:
        where = "(every other row)" if m["slice_thresholds"] else "(all rows)"
        rows.append((str(m["name"]), where, show(m["threshold"], "thr")))
        rows += [("", str(k), show(v, "thr")) for k, v in (m["slice_thresholds"] or {}).items()]
    out.append(Block("table", header=("model", "slice", "threshold"), rows=tuple(rows)))
    out += [Block("note", str(n)) for n in section["notes"]]
    return out


def calibration_blocks(section: Mapping[str, Any]) -> list[Block]:
    """Per model: ECE, Brier score and log loss overall and on each slice (multi-class: each class vs the rest)."""
    out = [Block("heading", "Calibration")]
    header = ("slice", "rows", "ECE", "Brier", "log loss")
    for model in section["models"]:
        out.append(Block("heading", str(model["name"]), level=3))
        scopes = [(str(c["class"]) + " vs rest", c) for c in model.get("classes") or []]
        scopes = scopes or [("Overall", model["overall"]), *((str(c["slice"]), c) for c in model["slices"] or [])]
        rows = tuple(
            (n, f"{c['rows']:,}", *(show(c[k]) for k in ("ece", "brier_score", "log_loss"))) for n, c in scopes
        )
        out.append(Block("table", header=("class", *header[1:]) if model.get("classes") else header, rows=rows))
        out += [Block("note", f"{n}: {c['undefined']}") for n, c in scopes[:1] if c["undefined"]]
    out.append(
        Block(
            "note",
            f"ECE over {section['ece_bins']} equal-width bins, each weighted by its share of the rows; Brier score "
            "and log loss as sklearn.metrics; the JSON holds each reliability diagram "
            f"({section['n_bins']} {section['strategy']} bins).",
        )
    )
    return out


#: the one-vs-rest gaps the report's tables show (the JSON holds every difference and ratio)
OVR_REPORT_GAPS = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equalized_odds_difference",
    "precision_difference",
    "auc_difference",
)


def _class_gap_rows(cls: Mapping[str, Any]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for gap in OVR_REPORT_GAPS:
        if gap not in cls["gaps"]:
            continue
        value = cls["gaps"][gap]
        if value is None:
            why = cls["undefined"].get(gap) or "undefined (a group lacks the rows it needs)"
            rows.append((str(cls["class"]), gap, show(None), why))
        else:
            rows.append((str(cls["class"]), gap, show(value), interval_text(cls["intervals"].get(gap)) or "–"))
    return rows


def _with_range(value: Any, iv: Mapping[str, Any] | None) -> str:
    return show(value) if value is None else f"{show(value)} ({range_text(iv)})"


def _class_group_rows(cls: Mapping[str, Any]) -> list[tuple[str, ...]]:
    return [
        (str(cls["class"]), str(g["slice"]), f"{g['rows']:,}")
        + tuple(_with_range(v, g["intervals"].get(m)) for m, v in g["metrics"].items())
        for g in cls["groups"]
    ]


def multiclass_fairness_blocks(section: Mapping[str, Any]) -> list[Block]:
    """Per model: each class against the rest — its gaps between groups with intervals, the largest over the
    classes, then each metric by group with its interval."""
    out = [Block("heading", f"Multi-class fairness by {' × '.join(section['features'])} (each class vs the rest)")]
    for model in section["models"]:
        out.append(Block("heading", str(model["model"]), level=3))
        gaps = tuple(r for cls in model["classes"] for r in _class_gap_rows(cls))
        out.append(Block("table", header=("class", "gap", "value", "interval"), rows=gaps))
        for gap, top in model["largest_over_classes"].items():
            if gap not in OVR_REPORT_GAPS:
                continue
            worst = "smallest" if gap.endswith("_ratio") else "largest"
            where = str(top["class"]) if top["class"] is not None else "no class"
            undefined = f"; undefined for {', '.join(map(str, top['undefined_for']))}" if top["undefined_for"] else ""
            out.append(Block("note", f"{worst} {gap} over classes: {show(top['value'])} ({where}{undefined})"))
        groups = tuple(r for cls in model["classes"] for r in _class_group_rows(cls))
        metrics = tuple(model["classes"][0]["groups"][0]["metrics"]) if groups else ()
        short = tuple(RATE_SHORT.get(m, m) for m in metrics)
        out.append(Block("table", header=("class", "group", "rows", *short), rows=groups))
    out.append(
        Block(
            "note",
            "Fairlearn's definitions on the one-vs-rest labels of each class; intervals: Wilson for rates, "
            "DeLong for AUC, bootstrap for the gaps; AUC gaps carry none (the JSON holds every difference and ratio "
            "and names each method).",
        )
    )
    return out


#: each section's renderer, by JSON key; a section listed in the engine but not here is in the JSON only
SECTION_BLOCKS: dict[str, Callable[[Mapping[str, Any]], list[Block]]] = {
    "decisions": decisions_blocks,
    "fairness": fairness_blocks,
    "worst_slices": worst_blocks,
    "calibration": calibration_blocks,
    "multiclass_fairness": multiclass_fairness_blocks,
}


def section_blocks(sections: Mapping[str, Any]) -> list[Block]:
    """Every section that applies and has a renderer, in the engine's order."""
    out: list[Block] = []
    for key, section in sections.items():
        render = SECTION_BLOCKS.get(key)
        if section is not None and render is not None:
            out += render(section)
    return out


__all__ = [
    "SECTION_BLOCKS",
    "Block",
    "calibration_blocks",
    "decisions_blocks",
    "multiclass_fairness_blocks",
    "fairness_blocks",
    "interval_text",
    "range_text",
    "section_blocks",
    "worst_blocks",
]
