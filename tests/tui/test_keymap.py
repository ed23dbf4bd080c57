"""The keymap read from the bindings themselves: one table in the README, one key one meaning per screen, every
action in the command palette, a searchable help screen, and a key that does not apply saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandList
from textual.widgets import Input

from wit_tui.tui import keymap
from wit_tui.tui.app import WitApp
from wit_tui.tui.dialogs.help import HelpScreen
from wit_tui.tui.registry import VIEWS
from wit_tui.tui.silent_keys import why_silent
from wit_tui.tui.widgets import status_note
from wit_tui.tui.widgets.status_note import StatusNote

README = Path(__file__).resolve().parents[2] / "README.md"
SIZES = [(80, 24), (160, 50)]


# -- read without an app ------------------------------------------------------------------------------
def test_readme_holds_exactly_the_generated_key_table():
    text = README.read_text(encoding="utf-8")
    assert text.count(keymap.TABLE_START) == 1 and text.count(keymap.TABLE_END) == 1
    between = text.split(keymap.TABLE_START, 1)[1].split(keymap.TABLE_END, 1)[0]
    assert between == "\n" + keymap.markdown(), "run: python -m wit_tui.tui.keymap --readme README.md"


@pytest.mark.parametrize("name", [name for name, _cls in VIEWS])
def test_one_key_one_meaning_per_screen(name):
    screen = next(s for s in keymap.screens() if s.name == name)
    clashes = {
        key: [f"{r.part}: {r.description or r.action} ({r.id or 'no id'})" for r in rows]
        for key, rows in keymap.clashes(screen).items()
    }
    assert clashes == {}


def test_every_binding_of_ours_has_an_id_and_a_description():
    classes = [cls for _name, view in VIEWS for cls in (view, *view.KEY_HOSTS)]
    missing = []
    for cls in classes:
        for b in cls.__dict__.get("BINDINGS", []):
            b = b if isinstance(b, Binding) else Binding(*b)
            if not b.id or not b.description:
                missing.append(f"{cls.__name__}: {b.key} -> {b.action}")
    ids = [b.id for b in keymap.APP_KEYS if isinstance(b, Binding)]
    assert missing == [] and all(ids)


def test_a_clash_is_found_and_the_same_binding_reused_is_not_one():
    view_cls = VIEWS[0][1]
    screen = keymap.screens(VIEWS[:1])[0]
    fake = keymap.KeyRow("x.other", ("q",), "q", "Something else", "Part", view_cls, "other", False)
    twin = next(r for r in screen.rows if r.id == "app.quit")
    clashing = keymap.ScreenKeys(screen.name, screen.title, screen.help, (*screen.rows, fake))
    reused = keymap.ScreenKeys(screen.name, screen.title, screen.help, (*screen.rows, twin))
    assert "q" in keymap.clashes(clashing) and "q" not in keymap.clashes(reused)


def test_keymap_cli_prints_the_table(capsys):
    assert keymap.main(["--markdown"]) == 0
    assert capsys.readouterr().out == keymap.markdown()
    assert keymap.main(["--nope"]) == 2


def test_the_table_lists_every_screen_and_the_app_keys_once():
    table = keymap.markdown()
    assert table.count("| app.help |") == 1
    for _name, view in VIEWS:
        assert f"| {view.TITLE.split(' ', 1)[1]} |" in table


# -- the command palette -------------------------------------------------------------------------------
async def _palette(app, pilot, settle, wait_until, query, wanted):
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    await pilot.press(*query)

    def offered() -> list[str]:
        results = app.screen.query(CommandList)
        if not results:
            return []
        options = results.first()
        return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

    await wait_until(pilot, lambda: any(wanted in p for p in offered()), f"the palette to offer {wanted!r}")
    return offered()


@pytest.mark.parametrize("size", SIZES)
async def test_palette_finds_the_counterfactual_with_its_key_and_runs_it(
    adult_session, fresh_session, settle, wait_until, size
):
    app = WitApp(fresh_session(adult_session))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        offered = await _palette(app, pilot, settle, wait_until, "counterf", "Counterfactual")
        row = next(r for r in keymap.view_rows(VIEWS[0][1]) if r.id == "datapoints.counterfactual")
        assert any("Counterfactual" in p and f"{row.shown} ·" in p for p in offered)
        results = app.screen.query_one(CommandList)
        first = str(results.get_option_at_index(results.highlighted or 0).prompt)
        assert first.startswith("Counterfactual")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.query_one("#view-datapoints").panel == "cf"


@pytest.mark.parametrize("size", SIZES)
async def test_palette_search_sort_finds_the_sort_actions(adult_session, settle, wait_until, size):
    app = WitApp(adult_session)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        offered = await _palette(app, pilot, settle, wait_until, "sort", "Sort")
        sorts = [r for r in keymap.view_rows(VIEWS[1][1]) if "sort" in r.description.lower()]
        assert sorts and all(any(r.description in p for p in offered) for r in sorts)


# -- help ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_help_filter_narrows_the_rows_and_escape_clears_then_closes(adult_session, settle, screen_text, size):
    app = WitApp(adult_session)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        every = help_screen.shown_rows()
        assert ("?", "Help") in every and len(every) > 60
        assert "Datapoint editor (this screen)" in screen_text(app)
        await pilot.press(*"counterfactual")
        await settle(app, pilot)
        narrowed = help_screen.shown_rows()
        assert ("c", "Counterfactual") in narrowed and len(narrowed) < len(every) / 5
        await pilot.press("escape")
        await settle(app, pilot)
        assert help_screen.query_one("#help-filter", Input).value == "" and app.screen is help_screen
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_help_shows_the_current_screen_first(adult_session, settle, screen_text):
    app = WitApp(adult_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert "Features (this screen)" in screen_text(app)


# -- a key that does not apply says why ---------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_a_disabled_key_says_why_once_in_the_note_line_and_the_note_fades(
    adult_session, settle, wait_until, notifications, monkeypatch, size
):
    monkeypatch.setattr(status_note, "NOTE_SECONDS", 0.2)
    app = WitApp(adult_session)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        view = app.query_one("#view-performance")
        silent = [
            (key, why)
            for row in keymap.view_rows(type(view))
            for key in row.keys
            if key != "escape" and (why := why_silent(app, key))
        ]
        assert silent, "no key of the performance screen is disabled right now"
        key, why = silent[0]
        toasts = notifications(app)
        note = view.query_one(StatusNote)
        shown: list[str] = []
        show = StatusNote.show
        monkeypatch.setattr(
            StatusNote, "show", lambda self, text, seconds=None: (shown.append(text), show(self, text, seconds))
        )
        await pilot.press(key)
        await wait_until(pilot, lambda: bool(shown), "the note")
        assert shown == [why] and why not in toasts  # said once, in the note line, no toast
        await wait_until(pilot, lambda: note.text == "", "the note to fade")


async def test_a_palette_action_that_does_not_apply_says_why_instead_of_nothing(adult_session, settle, monkeypatch):
    from wit_tui.tui.commands import run_row, screen_rows

    app = WitApp(adult_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        view = app.query_one("#view-performance")
        said: list[str] = []
        monkeypatch.setattr(type(view), "say", lambda self, text, seconds=None: said.append(text))
        row = next(r for r in screen_rows(app) if r.keys[0] != "escape" and why_silent(app, r.keys[0]))
        run_row(app, row)
        await settle(app, pilot)
        assert said == [why_silent(app, row.keys[0])]
