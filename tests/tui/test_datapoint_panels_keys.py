"""The datapoint panels through real keys at 80×24 and 160×50: every class's probability in the side panel, one
class (C) for the ICE, attributions and counterfactual panels and their titles, a footer that follows the focused
panel, j/k/g/G in the minimal edits and the features, edits shown rounded but applied whole, and a copied point's
title that never loses its number."""

from __future__ import annotations

import re

import numpy as np
import pytest

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.whatif.attribution import local_attributions
from wit_tui.render.precision import decimals_used
from wit_tui.tui.app import WitApp
from wit_tui.tui.options import RunOptions
from wit_tui.tui.widgets.status_note import StatusNote

pytestmark = pytest.mark.usefixtures("one_openmp_thread")

SIZES = [(80, 24), (160, 50)]


def view(app):
    return app.query_one("#view-datapoints")


def left(app, screen_text) -> str:
    """The left pane's words in reading order (a title that wraps reads as one line)."""
    return " ".join(" ".join(line.split("│")[0] for line in screen_text(app).splitlines()).split())


def footer(text: str) -> str:
    return text.splitlines()[-1]


async def opened(app, pilot, settle):
    """The app settled with the side panel shown (narrow terminals start with it hidden: \\ shows it)."""
    await settle(app, pilot)
    if not view(app).inspector.display:
        await pilot.press("backslash")
        await settle(app, pilot)


@pytest.mark.parametrize("size", SIZES)
async def test_the_side_panel_shows_every_class_probability_of_every_model(
    wine_session, fresh_session, screen_text, settle, size
):
    w = fresh_session(wine_session)
    app = WitApp(w, RunOptions(autosave=False))
    async with app.run_test(size=size) as pilot:
        await opened(app, pilot, settle)
        for point in (0, 1):
            if point:
                await pilot.press("J")
                await settle(app, pilot)
            side = [line.split("│")[-1] for line in screen_text(app).splitlines()]
            probas = [w.point_scores(point)[m].class_scores[0] for m in range(2)]
            for k, c in enumerate(w.task.classes):
                row = next(line for line in side if line.strip().startswith(c + " "))
                cells = row.split()[1:]
                for m in range(2):
                    predicted = int(np.argmax(probas[m])) == k
                    assert cells[m] == ("▸" if predicted else "") + f"{probas[m][k]:.3f}", (row, m)


@pytest.mark.parametrize("size", SIZES)
async def test_C_picks_the_class_of_ice_attributions_and_the_counterfactual(
    wine_session, fresh_session, screen_text, settle, size
):
    w = fresh_session(wine_session)
    app = WitApp(w, RunOptions(autosave=False))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        v = view(app)
        predicted = int(np.argmax(w.point_scores(0)[0].class_scores[0]))
        assert predicted == 1  # point 0: class_1 for both models
        await pilot.press("p")
        await settle(app, pilot)
        assert "ICE · P(class_1)" in left(app, screen_text)
        await pilot.press("C")
        await settle(app, pilot)
        assert v.router.target_class == 2 and "ICE · P(class_2)" in left(app, screen_text)
        assert "ICE · P(class_1)" not in left(app, screen_text)
        await pilot.press("a")
        await settle(app, pilot)
        attr = v.panels["attr"]
        assert attr.current and {a.target for a in attr.result} == {"P(class_2)"}
        want = local_attributions(w, 0, target_class=2)
        for got, expected in zip(attr.result, want, strict=True):
            np.testing.assert_allclose(got.weights, expected.weights)
        assert "Local attributions of #0 · P(class_2)" in left(app, screen_text)
        await pilot.press("c")
        await settle(app, pilot)
        cf = v.panels["cf"]
        assert "predicted class_2" in left(app, screen_text)
        for r in cf.result:
            assert int(np.argmax(w.point_scores(r.index)[r.model_index].class_scores[0])) == 2
        await pilot.press("C")  # class_0: the counterfactual is searched again
        await settle(app, pilot)
        assert v.router.target_class == 0 and "predicted class_0" in left(app, screen_text)
        for r in cf.result:
            assert int(np.argmax(w.point_scores(r.index)[r.model_index].class_scores[0])) == 0
        await pilot.press("C")  # round: back to the predicted class, any other class for the counterfactual
        await settle(app, pilot)
        assert v.router.target_class is None and "any other class" in left(app, screen_text)


@pytest.mark.parametrize("size", SIZES)
async def test_the_footer_shows_a_panels_keys_while_it_has_the_focus(
    adult_session, fresh_session, screen_text, settle, size
):
    s = fresh_session(adult_session)
    app = WitApp(s, RunOptions(autosave=False))
    async with app.run_test(size=size) as pilot:
        await opened(app, pilot, settle)
        assert "L1/L2" not in footer(screen_text(app)) and "Restrict" not in footer(screen_text(app))
        await pilot.press("c")
        await settle(app, pilot)
        bar = footer(screen_text(app))
        assert "L L1/L2 distance" in bar and "w Restrict" in bar
        assert "C Next class" not in bar  # a binary task has no class to pick
        # the features have the focus: the footer is theirs, yet the panel's keys still work on the panel shown
        await pilot.press("d")
        await settle(app, pilot)
        assert "L1/L2" not in footer(screen_text(app))
        await pilot.press("L")
        await settle(app, pilot)
        assert view(app).panels["cf"].metric == "L2" and "· L2 ·" in screen_text(app)
        await pilot.press("p")
        await settle(app, pilot)
        assert "P Partial dependence" in footer(screen_text(app))
        await pilot.press("t")  # back to the table: none of the panels' keys
        await settle(app, pilot)
        bar = footer(screen_text(app))
        assert "L1/L2" not in bar and "Partial dependence" not in bar


@pytest.mark.parametrize("size", SIZES)
async def test_j_k_g_G_move_in_the_minimal_edits_and_enter_applies_the_highlighted_one(
    adult_session, fresh_session, settle, size
):
    s = fresh_session(adult_session)
    app = WitApp(s, RunOptions(autosave=False))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        panel = view(app).panels["min"]
        options = panel.options
        n = len(panel.choices)
        assert n >= 3

        def at() -> str | None:
            return options.get_option_at_index(options.highlighted).id

        assert at() == "min-0"
        await pilot.press("j", "j")
        assert at() == "min-2"
        await pilot.press("k")
        assert at() == "min-1"
        await pilot.press("G")
        assert at() == f"min-{n - 1}"
        await pilot.press("g")
        assert at() == "min-0"
        await pilot.press("j")
        _m, edit = panel.choices[1]  # (applied, the point changes and the panel computes again)
        await pilot.press("enter")
        await settle(app, pilot)
        assert s.edited_values(0) == {c.feature: c.new for c in edit.changes}


@pytest.mark.parametrize("size", SIZES)
async def test_g_G_go_to_the_first_and_last_feature(adult_session, fresh_session, settle, size):
    s = fresh_session(adult_session)
    app = WitApp(s, RunOptions(autosave=False))
    async with app.run_test(size=size) as pilot:
        await opened(app, pilot, settle)
        await pilot.press("d", "G")
        table = view(app).inspector.table
        assert table.cursor_row == len(s.features) - 1
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("j", "j")
        assert table.cursor_row == 2


async def test_minimal_edit_values_are_shown_to_the_columns_decimals_and_applied_whole(
    wine_session, fresh_session, screen_text, settle
):
    w = fresh_session(wine_session)
    app = WitApp(w, RunOptions(autosave=False))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        panel = view(app).panels["min"]
        numeric = [(k, c) for k, (_m, e) in enumerate(panel.choices) for c in e.changes if isinstance(c.new, float)]
        assert numeric
        on_screen = screen_text(app)
        for k, c in numeric:
            line = str(panel.options.get_option(f"min-{k}").prompt)
            places = decimals_used(w.data[c.feature].tolist())
            shown = re.search(rf"(change |, ){re.escape(c.feature)} [^ ]+ → ([-0-9.]+)", line)
            assert shown is not None, (c.feature, line)
            value = shown.group(2)
            assert len(value.partition(".")[2]) <= places and abs(float(value) - c.new) <= 0.5 * 10.0**-places, line
            assert repr(c.new) not in on_screen  # never the search's full precision
        k, change = numeric[0]
        await pilot.press(*(["j"] * k))
        assert panel.options.get_option_at_index(panel.options.highlighted).id == f"min-{k}"
        await pilot.press("enter")
        await settle(app, pilot)
        assert w.row(0)[change.feature] == change.new  # the full value, not the one shown


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("source", [14, 16280])
async def test_a_copy_keeps_the_number_it_is_a_copy_of(adult_session, fresh_session, screen_text, settle, size, source):
    s = fresh_session(adult_session)
    app = WitApp(s, RunOptions(autosave=False))
    async with app.run_test(size=size) as pilot:
        await opened(app, pilot, settle)
        await pilot.press("colon", *str(source), "enter")
        await settle(app, pilot)
        await pilot.press("D")
        await settle(app, pilot)
        side = [line.split("│")[-1] for line in screen_text(app).splitlines()]
        title = next(line for line in side if "· copy of" in line)
        assert re.search(rf"16281 · copy of #{source}(\D|$)", title), title
        assert view(app).query_one(StatusNote).text == f"Datapoint 16281 is a copy of {source}."  # a note that fades


async def test_a_panel_that_cannot_compute_says_so_in_itself_not_in_a_toast(
    adult_session, fresh_session, screen_text, settle, notifications, monkeypatch
):
    from wit_tui.engine.whatif import point as point_questions

    def refused(*_args, **_kwargs):
        raise WitError("No surrogate for this point.", "Pick another one.")

    monkeypatch.setattr(point_questions, "attributions", refused)
    s = fresh_session(adult_session)
    app = WitApp(s, RunOptions(autosave=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        toasts = notifications(app)
        await pilot.press("a")
        await settle(app, pilot)
        assert "Could not compute: No surrogate for this point." in left(app, screen_text)
        assert not any("No surrogate" in m for m in toasts), toasts
