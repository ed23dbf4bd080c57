"""The surrogate rules export (x) never writes over the data file, and asks, by name, before overwriting any other
file; answering no goes back to the form."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from wit_tui.engine import open_session
from wit_tui.tui.app import WitApp
from wit_tui.tui.dialogs.confirm import ConfirmScreen
from wit_tui.tui.dialogs.form import FormScreen
from wit_tui.tui.options import RunOptions


def shown_in(screen: str, app, selector: str) -> str:
    """What a widget shows on ``screen`` (the screen's text), without any whitespace: a long path folds wherever the
    box width puts it, even mid-name, and the box sits over the view, so each line is cut to the widget's region."""
    region = app.screen.query_one(selector).content_region
    lines = screen.splitlines()[region.y : region.bottom]
    return "".join(squeezed(line[region.x : region.right]) for line in lines)


def squeezed(text: str) -> str:
    return "".join(text.split())


def files(tmp_path):
    """A data file and a model file on it, in ``tmp_path``."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    frame["y"] = (frame["a"] + 0.3 * frame["b"] > 0).astype(int)
    data, model = tmp_path / "d.csv", tmp_path / "m.skops"
    frame.to_csv(data, index=False)
    sio.dump(LogisticRegression().fit(frame[["a", "b"]], frame["y"]), model)
    return data, model


async def open_export(app, pilot, open_view, settle) -> None:
    """The features view, its surrogate rules fitted, the export form open."""
    await open_view(app, pilot, "3")
    await pilot.press("u")
    await settle(app, pilot)
    await pilot.press("x")
    await settle(app, pilot)
    assert isinstance(app.screen, FormScreen)


@pytest.mark.bad_input
async def test_surrogate_export_refuses_the_data_and_model_files(tmp_path, fill, open_view, screen_text, settle):
    data, model = files(tmp_path)
    before = data.read_bytes()
    app = WitApp(open_session(model, data, "y"), RunOptions(autosave=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_export(app, pilot, open_view, settle)
        await fill(pilot, str(data))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)  # still open, for another path
        message = f"The rules file {data} is the input file {data}; writing it would destroy that input."
        assert squeezed(message) in shown_in(screen_text(app), app, "#form-error")
        assert data.read_bytes() == before
        model_before = model.read_bytes()
        await fill(pilot, str(model))  # the model file is an input too
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        assert squeezed(f"is the input file {model};") in shown_in(screen_text(app), app, "#form-error")
        assert model.read_bytes() == model_before


@pytest.mark.bad_input
async def test_surrogate_export_asks_before_overwriting_and_no_goes_back_to_the_form(
    tmp_path, fill, open_view, screen_text, settle
):
    data, model = files(tmp_path)
    other = tmp_path / "rules.txt"
    other.write_text("keep me\n")
    app = WitApp(open_session(model, data, "y"), RunOptions(autosave=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_export(app, pilot, open_view, settle)
        await fill(pilot, str(other))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert squeezed(f"Overwrite {other}? It exists already.") in shown_in(
            screen_text(app), app, "#confirm-question"
        )
        await pilot.press("n")
        await settle(app, pilot)
        assert other.read_text() == "keep me\n"
        assert isinstance(app.screen, FormScreen)  # back to the form, the path kept to edit
        assert app.screen.query_one("Input").value == str(other)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen) and f"Overwrite {other}?" in app.screen.question
        await pilot.press("y")
        await settle(app, pilot)
        assert not isinstance(app.screen, (ConfirmScreen, FormScreen))
        written = other.read_text(encoding="utf-8")
        assert "keep me" not in written and "depth-3 decision tree" in written
        assert data.read_bytes() != written.encode()
