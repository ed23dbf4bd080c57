"""Bad interactive input, typed with real keys: one clear message each, nothing changes, the app keeps going."""

from __future__ import annotations

import pytest

from wit_tui.tui.app import WitApp

pytestmark = pytest.mark.usefixtures("one_openmp_thread")

bad_input = pytest.mark.bad_input


@bad_input
async def test_edits_out_of_range_is_accepted_and_marked_unseen_category_is_refused(
    adult_session, fresh_session, screen_text, settle, type_into
):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await type_into(pilot, app, "e", "150")  # age 150: never seen, but a fair what-if question
        text = screen_text(app)
        assert s.row(0)["age"] == 150 and "outside the data" in text and "150 * ⚠" in text
        await pilot.press("j", "j", "j")  # education
        await type_into(pilot, app, "e", "Hogwarts")  # categories are picked from the values seen in the data
        assert "Nothing matches 'Hogwarts'" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert s.row(0)["education"] == adult_session.row(0)["education"]
        await pilot.press("k", "k", "k")
        await type_into(pilot, app, "e", "old")
        assert "'old' is not a number" in screen_text(app) and s.row(0)["age"] == 150


@bad_input
async def test_bucket_count_zero_and_negative_cost_ratio_change_nothing(adult_session, screen_text, settle, type_into):
    app = WitApp(adult_session)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        view = app.query_one("#view-performance")
        ratio = app.decisions.cost_ratio
        for bad in ("-1", "0", "x"):
            await type_into(pilot, app, "c", bad)
            assert "above 0" in screen_text(app) or "number" in screen_text(app)
            await pilot.press("escape")
            await settle(app, pilot)
            assert app.decisions.cost_ratio == ratio
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press(*"age", "enter")
        await settle(app, pilot)
        buckets = view.state.slices.buckets
        await type_into(pilot, app, "n", "0")
        assert "bucket" in screen_text(app).lower()
        await pilot.press("escape")
        await settle(app, pilot)
        assert view.state.slices.buckets == buckets
        assert "age" in screen_text(app)  # still sliced, still running
