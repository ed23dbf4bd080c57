"""A model's margin in the datapoint table: its sign and digits in the score column (it read ``-0.0…``)."""

from __future__ import annotations

import pytest

from wit_tui.engine import open_session
from wit_tui.render.format import fitted
from wit_tui.tui.app import WitApp
from wit_tui.tui.options import RunOptions
from wit_tui.tui.views.datapoints.table import PointTable

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_negative_margins_fit_their_score_column(lr_svc_files, settle, size):
    f = lr_svc_files
    s = open_session([f["lr"], f["svc"]], f["data"], f["label"], names=["lr", "svc"])
    app = WitApp(s, RunOptions(autosave=False))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        grid = app.query_one(PointTable)
        keys = [c.key for c in grid.columns]
        widths = {c.key: c.width for c in grid.columns}
        margins = s.scores(1).score
        assert (margins < 0).sum() > 100  # the data holds many negative margins, small ones among them
        for row in range(60):
            for m in (0, 1):
                shown = str(grid.row_cells(row)[keys.index(f"score:{m}")])
                assert len(shown) <= widths[f"score:{m}"], shown  # a wider cell is cut by the grid: -0.0…
                assert shown == fitted(s.scores(m).score[row], widths[f"score:{m}"])
            assert str(grid.row_cells(row)[keys.index("score:1")]).startswith("-") == (margins[row] < 0)
