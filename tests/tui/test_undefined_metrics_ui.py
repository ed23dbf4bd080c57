"""Undefined is not zero, on screen: a metric with nothing to divide by reads – with its reason (threshold at the
top, a slice the model never flags, a strategy that flags no one), never 0.0000 presented as a result."""

from __future__ import annotations

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.performance import truth_index
from wit_tui.render.format import num
from wit_tui.tui.app import WitApp
from wit_tui.tui.widgets.wide_table import WideTable


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(start))


async def test_threshold_at_the_top_shows_dash_and_why_not_zero(adult_session, open_view, screen_text, settle):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(app, pilot, "2")
        await pilot.press(*["right_curly_bracket"] * 5)  # 0.5 → 1.0: the top of the probability range
        await settle(app, pilot)
        assert app.decisions.thresholds == (1.0, 1.0)
        truth = ground_truth(s)
        assert all(truth_index(s, truth, i).at(1.0).tp + truth_index(s, truth, i).at(1.0).fp == 0 for i in (0, 1))
        text = screen_text(app)
        precision = _line(text, "precision")
        # each model's precision and its interval, and the Δ: all undefined
        assert "0.0000" not in precision and precision.split()[1:] == ["–"] * 5, precision
        assert "– precision (logreg, hgb): nobody predicted positive at threshold 1" in text
        # what is defined stays a number: recall 0 (every positive missed) is a real 0, not a –
        assert _line(text, "recall (TPR)").split()[2:5:2] == [num(0.0), num(0.0)]  # each beside its interval


async def test_a_slice_never_flagged_and_a_strategy_flagging_no_one(
    adult_session, open_view, screen_text, settle, type_into
):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(200, 60)) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "workclass")
        table = app.query_one("#slices-table", WideTable)

        def cell(label: str, column: str) -> str:
            for r in range(table.row_count):
                if table.get_cell_at((r, 0)).plain == label:
                    return table.get_cell(f"r{r}", column).plain
            raise AssertionError(f"no slice {label}")

        # Never-worked: 3 rows, all negative, none flagged at 0.5: no precision, no recall, no F1; accuracy is 1
        for column in ("precision@0", "recall@0", "f1@0", "precision@1", "precision@d"):
            assert cell("Never-worked", column) == "–", column
        assert cell("Never-worked", "accuracy@0") == num(1.0)
        assert cell("Never-worked", "selection_rate@0") == num(0.0)  # nobody flagged: a real 0 share
        text = screen_text(app)
        assert "– prec (logreg: Never-worked" in text and "nobody predicted positive at threshold 0.5" in text
        # the fairness summary: a gap over a group whose rate is undefined is undefined too
        line = "– equal opportunity difference (logreg, hgb): recall on workclass:Never-worked: no positive labels"
        assert line in text and "– precision: on workclass:Never-worked: nobody predicted positive" in text
        # Group thresholds: two slices are cheapest with no one flagged; said in words, not as a plain 1.0000
        await pilot.press("f", "home", "down", "down", "enter")
        await settle(app, pilot)
        assert app.decisions.strategy == "group"
        text = screen_text(app)
        assert "logreg cost" in text and "nobody predicted positive on 2 of 9 slices" in text
        assert "logreg: Nobody predicted positive on 2 of 9 slices: at cost ratio 1 flagging no one is cheapest" in text
        assert cell("Without-pay", "thr@0") == "1.0000" and cell("Without-pay", "precision@0") == "–"
