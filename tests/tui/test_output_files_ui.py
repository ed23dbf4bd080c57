"""ctrl+s never writes over the data (or a model) file, and asks, by name, before overwriting any other file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from wit_tui.engine import open_session
from wit_tui.tui.app import WitApp
from wit_tui.tui.dialogs.confirm import ConfirmScreen
from wit_tui.tui.options import RunOptions


@pytest.mark.bad_input
async def test_ctrl_s_refuses_the_data_file_and_names_the_file_it_would_overwrite(tmp_path, screen_text, settle):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=30), "b": rng.normal(size=30)})
    frame["y"] = (frame["a"] > 0).astype(int)
    data, other = tmp_path / "d.csv", tmp_path / "other.csv"
    frame.to_csv(data, index=False)
    other.write_text("keep me\n")
    sio.dump(LogisticRegression().fit(frame[["a", "b"]], frame["y"]), tmp_path / "m.skops")
    session = open_session(tmp_path / "m.skops", data, "y")
    before = data.read_bytes()
    app = WitApp(session, RunOptions(autosave=False))
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(app, pilot)
        session.set_value(0, "a", 5.0)
        await settle(app, pilot)
        view = app.query_one("#view-datapoints")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        view.prompt.input.value = str(data)
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        shown = " ".join(screen_text(app).split())  # the message wraps where the (tmp) path length puts it
        assert "would destroy that input" in shown and "save to" in shown  # still open
        assert data.read_bytes() == before
        view.prompt.input.value = str(other)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen) and f"Overwrite {other}?" in app.screen.question
        await pilot.press("y")
        await settle(app, pilot)
        assert pd.read_csv(other)["wit_id"].tolist() == [0] and data.read_bytes() == before
