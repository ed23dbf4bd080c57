"""The behaviour tests' text (issue 16) reads at 80 columns: a table per test, the worst rows of the failures."""

from __future__ import annotations

from rich.console import Console

from wit_tui.engine.metrics.intervals import wilson_interval
from wit_tui.engine.validation.behavior_spec import BehaviorOutcome, Example
from wit_tui.engine.validation.result import ValidationResult
from wit_tui.render.validation import validation_renderables


def _outcome(model: str, failures: int, gates: bool) -> BehaviorOutcome:
    rows = 13419
    ok = failures / rows <= 0.03
    example = Example(11776, "sex: Female → Male", 0.2283, 0.5718, "<=50K", ">50K")
    return BehaviorOutcome(
        "sex does not decide for people of 25 and over", "invariance", model, "race:Asian-Pac-Islander", rows,
        failures, failures / rows, wilson_interval(failures, rows), "flip_rate", 0.03, ok,
        f"flip rate {failures / rows:.4g} ({failures} of {rows} rows)", (example,), (11776,), gates=gates,
    )  # fmt: skip


def test_the_behaviour_table_fits_80_columns_and_shows_the_worst_rows():
    result = ValidationResult(
        validation_ok=False, candidate="hgb", behaviors=(_outcome("hgb", 1454, True), _outcome("logreg", 272, False))
    )
    console = Console(width=80, record=True, highlight=False)
    for r in validation_renderables(result):
        console.print(r)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "sex does not decide for people of 25 and over (invariance): flip rate <= 0.03" in text
    row = next(line for line in text.splitlines() if line.lstrip().startswith("hgb"))
    assert "13,419" in row and "1,454" in row and "0.1084" in row and "FAIL" in row
    assert "(pass)" in text  # the baseline's, not gating
    assert "row 11776: sex: Female → Male; score 0.2283 → 0.5718, <=50K → >50K" in text
    assert "FAILED: 1 of 1 behaviour outcomes failed" in text
