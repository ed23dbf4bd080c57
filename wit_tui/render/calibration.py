"""Calibration numbers as tables (ECE, Brier score, log loss per model, and per slice), for the screen."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from wit_tui.engine.metrics.calibration import ECE_BINS, Calibration, Strategy
from wit_tui.render.format import num

METRICS = (("ece", "ECE"), ("brier_score", "Brier"), ("log_loss", "log loss"))


def _cell(c: Calibration, name: str) -> str:
    return num(c.value(name)) if not c.reason else "–"


def calibration_table(names: Sequence[str], calibrations: Sequence[Calibration], title: str = "") -> Table:
    """One row per model: its rows, ECE, Brier score and log loss (– where it has none; the notes say why)."""
    t = Table(title=title or None, title_justify="left", box=None, padding=(0, 1), header_style="bold")
    t.add_column("model", no_wrap=True)
    t.add_column("rows", justify="right", no_wrap=True)
    for _, label in METRICS:
        t.add_column(label, justify="right", no_wrap=True)
    for name, c in zip(names, calibrations, strict=True):
        t.add_row(Text(name), f"{c.n:,}", *(_cell(c, key) for key, _ in METRICS))
    return t


def slice_calibration_table(
    names: Sequence[str],
    slice_names: Sequence[str],
    per_slice: Sequence[Sequence[Calibration]],
    title: str = "",
) -> Table:
    """One row per slice and model (the slice named on its first row): rows, ECE, Brier score and log loss — two
    models side by side would need ~110 columns."""
    t = Table(title=title or None, title_justify="left", box=None, padding=(0, 1), header_style="bold")
    t.add_column("slice", no_wrap=True, overflow="ellipsis", max_width=32)
    t.add_column("rows", justify="right", no_wrap=True)
    if len(names) > 1:
        t.add_column("model", no_wrap=True, overflow="ellipsis", max_width=12)
    for _, label in METRICS:
        t.add_column(label, justify="right", no_wrap=True)
    for k, slice_name in enumerate(slice_names):
        for i, name in enumerate(names):
            c = per_slice[i][k]
            head: list[Text | str] = [Text(slice_name if i == 0 else ""), f"{c.n:,}" if i == 0 else ""]
            model: list[Text | str] = [Text(name)] if len(names) > 1 else []
            t.add_row(*head, *model, *(_cell(c, key) for key, _ in METRICS))
    return t


def method_note(strategy: Strategy, n_bins: int) -> str:
    """How the numbers are made, once under the table."""
    return (
        f"ECE: {ECE_BINS} equal-width bins, each weighted by its share of the rows; Brier score and log loss: "
        f"sklearn's; diagram: {n_bins} {strategy} bins."
    )


def undefined_lines(names: Sequence[str], calibrations: Sequence[Calibration]) -> list[str]:
    """``svc: the scores are … margins …`` for each model without a calibration."""
    return [f"{name}: {c.reason}." for name, c in zip(names, calibrations, strict=True) if c.reason]


__all__ = ["METRICS", "calibration_table", "method_note", "slice_calibration_table", "undefined_lines"]
