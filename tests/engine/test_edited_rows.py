"""The what-if overlay's rows as one frame: edited rows in id order with their edits, then the added points."""

from __future__ import annotations

import pandas as pd

from wit_tui.engine.analysis.edited_rows import edited_rows_frame


def test_edited_then_added_rows_typed_like_the_data(adult_session, fresh_session):
    s = fresh_session(adult_session)
    assert len(edited_rows_frame(s)) == 0
    s.set_value(9, "age", 61)
    other = next(c for c in s.data["workclass"].cat.categories if c != s.row(3)["workclass"])
    s.set_value(3, "workclass", other)
    added = s.duplicate(5)
    s.set_value(added, "hours_per_week", 12)
    frame = edited_rows_frame(s)
    assert list(frame.columns) == list(s.features)
    assert len(frame) == 3
    expected = [s.row(3), s.row(9), s.row(added)]
    assert frame["age"].tolist() == [r["age"] for r in expected]
    assert frame.loc[0, "workclass"] == other and frame.loc[1, "age"] == 61
    assert frame.loc[2, "hours_per_week"] == 12
    for c in s.features:
        if isinstance(s.data[c].dtype, pd.CategoricalDtype):
            assert frame[c].dtype == s.data[c].dtype
        elif s.data[c].dtype.kind in "iuf":
            assert frame[c].dtype.kind in "iuf"
