"""Slices people mean, on screen 2: ``B`` slices by a filter expression (the rows matching it and the rest), ``b``'s
first entry does the same, ``x`` crosses it with a feature, a bad expression keeps the slicing shown, and ``n``
takes bucket edges as well as a count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.whatif.filtering import evaluate
from wit_tui.tui.app import WitApp

EXPRESSION = 'age >= 65 and sex == "Female"'


def _counts(view) -> dict[str, int]:
    slicing = view.state.slices.slicing
    return {slicing.name(k): int(slicing.counts[k]) for k in range(slicing.n_slices)}


@pytest.mark.parametrize("size", [(80, 24)])  # one size per test, both sizes per feature
async def test_slice_by_an_expression_shows_its_rows_and_the_rest(adult_session, open_view, screen_text, settle, size):
    s = adult_session
    labelled = ground_truth(s).labelled
    match = evaluate(EXPRESSION, s.data) & labelled
    rest = ~evaluate(EXPRESSION, s.data) & labelled
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "2")
        await pilot.press("B")
        await settle(app, pilot)
        await pilot.press(*EXPRESSION, "enter")
        await settle(app, pilot)
        view = app.query_one("#view-performance")
        assert view.panel == "slices"
        assert view.state.slices.where == EXPRESSION and view.state.slices.features == []
        assert _counts(view) == {f"where:{EXPRESSION}": match.sum(), f"where:not ({EXPRESSION})": rest.sum()}
        text = screen_text(app)
        assert "2 slices of" in text
        assert f"{int(match.sum()):,}" in text and f"{int(rest.sum()):,}" in text
        assert "age >= 65" in text and "not (age" in text


async def test_b_offers_an_expression_first_and_x_crosses_it_with_a_feature(
    adult_session, open_view, screen_text, settle, type_into
):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_view(app, pilot, "2")
        await pilot.press("b")
        await settle(app, pilot)
        assert "An expression…" in screen_text(app)
        await pilot.press("up", "enter")  # the first entry, above the current "(none)"
        await settle(app, pilot)
        assert "Slice by an expression" in screen_text(app)
        await pilot.press(*"capital_gain > 0", "enter")
        await settle(app, pilot)
        view = app.query_one("#view-performance")
        assert view.state.slices.where == "capital_gain > 0"
        await type_into(pilot, app, "x", "sex")
        labelled = ground_truth(s).labelled
        gain = evaluate("capital_gain > 0", s.data)
        want = {}
        for sex in ("Female", "Male"):
            is_sex = (s.data["sex"] == sex).to_numpy()
            want[f"sex_X_where:{sex}_X_capital_gain > 0"] = int((gain & is_sex & labelled).sum())
            want[f"sex_X_where:{sex}_X_not (capital_gain > 0)"] = int((~gain & is_sex & labelled).sum())
        assert _counts(view) == want
        assert "4 slices of sex × capital_gain > 0" in screen_text(app)
        # b picks a feature: the expression goes
        await type_into(pilot, app, "b", "race")
        assert view.state.slices.where is None and view.state.slices.features == ["race"]


@pytest.mark.bad_input
async def test_a_bad_expression_shows_the_filters_message_and_keeps_the_slicing(
    adult_session, open_view, screen_text, settle, type_into
):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "sex")
        view = app.query_one("#view-performance")
        before = view.state.slices.slicing
        await pilot.press("B")
        await settle(app, pilot)
        await pilot.press(*"agee > 3", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Bad filter" in text and "agee" in text  # the form stays open with the filter's message
        await pilot.press("escape")
        await settle(app, pilot)
        assert view.state.slices.slicing is before and view.state.slices.where is None
        assert "2 slices of sex" in screen_text(app)


@pytest.mark.parametrize("size", [(160, 50)])
async def test_n_takes_bucket_edges_for_the_numeric_feature(
    adult_session, open_view, screen_text, settle, type_into, size
):
    s = adult_session
    labelled = ground_truth(s).labelled
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "education_num")
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"0, 1, 3, 10", "enter")
        await settle(app, pilot)
        view = app.query_one("#view-performance")
        assert view.state.slices.edges == {"education_num": (0.0, 1.0, 3.0, 10.0)}
        edu = s.data["education_num"][labelled]
        cut = pd.cut(edu, bins=[0, 1, 3, 10], right=True, include_lowest=True)
        codes = cut.cat.codes.to_numpy()
        want = {f"education_num:{c}": int((codes == k).sum()) for k, c in enumerate(("[0, 1]", "(1, 3]", "(3, 10]"))}
        want["education_num:(10, inf)"] = int((codes == -1).sum())  # pd.cut drops them; here they are a slice
        assert _counts(view) == want
        assert np.isclose(sum(want.values()), labelled.sum())
        assert "typed buckets" in screen_text(app) or size[0] < 160
        # a count again: quantile buckets (education_num's quartiles are distinct)
        await type_into(pilot, app, "n", "4")
        assert view.state.slices.edges == {} and view.state.slices.slicing.kinds == {"education_num": "quantile"}
