"""The datapoint editor never goes silent or down on what is typed or pressed: a filter too deep or too large to
read is one message in the prompt, a key that does not apply to this point says why, and the counterfactual's
features are picked with a key, W (real keys through Pilot)."""

from __future__ import annotations

import pytest

from tests.sample_sessions import leaky_session
from wit_tui.tui.app import WitApp
from wit_tui.tui.widgets.status_note import StatusNote

pytestmark = pytest.mark.usefixtures("one_openmp_thread")


def view(app):
    return app.query_one("#view-datapoints")


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "expr,needle",
    [
        ("(" * 1000 + "age > 30" + ")" * 1000, "nest more than 64 levels deep"),
        ("age > 1" + "0" * 400, "is too long"),
        ("agee > 30", "Did you mean age"),
        ("`age > 30", "in backticks is not closed"),
    ],
)
async def test_a_filter_too_deep_too_large_or_naming_no_column_is_one_message(
    adult_session, fresh_session, screen_text, settle, expr, needle
):
    s = fresh_session(adult_session)
    app = WitApp(s)
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await settle(app, pilot)
        await pilot.press(*"age")  # typed, then the rest pasted
        view(app).prompt.input.value = expr
        await pilot.press("enter")
        await settle(app, pilot)
        assert needle in screen_text(app)
        assert view(app).browser.filter_kind is None and app.crash is None
        # the app goes on: a good filter still applies
        view(app).prompt.input.value = "age > 30"
        await pilot.press("enter")
        await settle(app, pilot)
        assert view(app).browser.filter_text == "age > 30"


def _cf_of(app):
    panel = view(app).panels["cf"]
    return [r.index for r in panel.result] if panel.current else None


async def test_W_picks_the_counterfactual_distance_features(screen_text, settle):
    from wit_tui.tui.options import RunOptions

    s = leaky_session()
    app = WitApp(s, RunOptions(autosave=False))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        text = screen_text(app)
        assert "distance over 1 of 3 features (the models' inputs)" in text and _cf_of(app) == [3]
        assert "W CF features" in text.splitlines()[-1]  # the footer offers the key while the panel has focus
        await pilot.press("W")  # F is the frequency view
        await settle(app, pilot)
        text = screen_text(app)
        assert "Features the counterfactual distance counts" in text and "leak  (no model reads it)" in text
        await pilot.press("down", "space", "enter")  # tick leak
        await settle(app, pilot)
        text = screen_text(app)
        assert "distance over 2 of 3 features (the models' inputs + leak)" in text and _cf_of(app) == [4]
        # d in the picker goes back to the models' inputs
        await pilot.press("W")  # F is the frequency view
        await settle(app, pilot)
        await pilot.press("d", "enter")
        await settle(app, pilot)
        assert "(the models' inputs)" in screen_text(app) and _cf_of(app) == [3]
        # nothing ticked is refused in the dialog; esc leaves the choice as it was
        await pilot.press("W")  # F is the frequency view
        await settle(app, pilot)
        await pilot.press("space", "enter")
        await settle(app, pilot)
        assert "Tick at least one" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert _cf_of(app) == [3]


async def test_cf_features_option_is_the_panels_starting_choice(screen_text, settle):
    from wit_tui.tui.options import RunOptions

    s = leaky_session()
    app = WitApp(s, RunOptions(autosave=False, cf_features=("x", "leak")))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert "distance over 2 of 3 features (the models' inputs + leak)" in screen_text(app)
        assert _cf_of(app) == [4]


@pytest.mark.bad_input
async def test_keys_that_do_nothing_on_this_point_say_why(screen_text, settle):
    from wit_tui.tui.options import RunOptions

    s = leaky_session()
    app = WitApp(s, RunOptions(autosave=False))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)

        async def said(*keys):
            await pilot.press(*keys)
            await settle(app, pilot)
            return view(app).query_one(StatusNote).text

        # an original point: nothing to delete or revert
        assert await said("x") == "Only added points can be deleted; R reverts an edited one."
        assert await said("delete") == "Only added points can be deleted; R reverts an edited one."
        assert await said("R") == "Datapoint 0 is not edited: nothing to revert (e edits a feature)."
        assert await said("d", "r") == "x of datapoint 0 is not edited: nothing to revert (e edits it)."
        assert "is not edited" in screen_text(app)  # shown in the note line
        # a panel's key with its panel closed, or one that does not fit the task or the models
        assert await said("t", "L") == "L works in the nearest counterfactual panel: press c to open it."
        assert await said("P") == "P works in the ICE / partial dependence panel: press p to open it."
        await said("c")
        assert "one model is loaded" in await said("O")
        assert "change the gap of a regression" in await said("right_curly_bracket")
        assert await said("C") == "C picks the class of a multi-class task; for a binary task there is none."
        # an added point has nothing loaded to revert to
        await said("escape")
        assert "was added: it has no loaded values to revert to" in await said("D", "d", "r")
        assert not s.is_edited(0) and s.n_total == s.n_rows + 1 and app.crash is None
