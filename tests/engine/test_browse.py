"""Browsing a million rows: sort orders (argsort once per column, cached), views with filters and edits, pages
that read only their own rows, quick filters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wit_tui.engine.session.editing import add_point, edit_text
from wit_tui.engine.whatif import browse

pytestmark = pytest.mark.usefixtures("one_openmp_thread")


def test_sort_keys_numbers_text_and_missing():
    keys = browse.sort_keys(pd.Series([3.0, None, 1.0]))
    np.testing.assert_array_equal(np.argsort(keys, kind="stable"), [2, 0, 1])  # missing last
    cat = browse.sort_keys(pd.Series(["b", None, "a", "c"], dtype="category"))
    assert list(np.argsort(cat, kind="stable")) == [2, 0, 3, 1]


def test_views_sorted_filtered_and_cached(adult_session, fresh_session):
    s = fresh_session(adult_session)
    asc = browse.build_view(s, browse.SortSpec("f:age", "age"))
    ages = s.data["age"].to_numpy()[asc]
    assert np.all(np.diff(ages) >= 0) and len(asc) == s.n_rows
    assert browse.base_order(s, "f:age") is browse.base_order(s, "f:age")  # argsort once, then cached
    desc = browse.build_view(s, browse.SortSpec("f:age", "age", descending=True))
    assert np.all(np.diff(s.data["age"].to_numpy()[desc]) <= 0)
    wc = browse.build_view(s, browse.SortSpec("f:workclass", "workclass"))
    vals = s.data["workclass"].astype(object).to_numpy()[wc]
    present = [v for v in vals if isinstance(v, str)]
    assert present == sorted(present) and all(pd.isna(v) for v in vals[len(present) :])  # missing last
    mask = np.zeros(s.n_total, dtype=bool)
    mask[::7] = True
    filtered = browse.build_view(s, browse.SortSpec("score:1", "hgb"), mask)
    assert set(filtered.tolist()) == set(np.flatnonzero(mask).tolist())
    assert np.all(np.diff(s.scores(1).score[filtered]) >= 0)
    assert browse.build_view(s) is None
    np.testing.assert_array_equal(browse.build_view(s, None, mask), np.flatnonzero(mask))


def test_edited_and_added_points_take_their_place(adult_session, fresh_session):
    s = fresh_session(adult_session)
    edit_text(s, 0, "age", "90")
    new = add_point(s)  # median age 37
    view = browse.build_view(s, browse.SortSpec("f:age", "age"))
    assert len(view) == s.n_total and view[-1] == 0
    pos = int(np.flatnonzero(view == new)[0])
    ages = [s.row(int(i))["age"] for i in view[pos - 1 : pos + 2]]
    assert ages[0] <= 37 <= ages[2]


def test_page_reads_only_its_rows(adult_session, fresh_session):
    s = fresh_session(adult_session)
    view = browse.build_view(s, browse.SortSpec("f:fnlwgt", "fnlwgt", descending=True))
    pg = browse.page(s, view, 100, 110, [0.5, 0.5])
    np.testing.assert_array_equal(pg.ids, view[100:110])
    assert pg.features["fnlwgt"] == s.data["fnlwgt"].to_numpy()[view[100:110]].tolist()
    np.testing.assert_allclose(pg.scores[0], s.scores(0).score[view[100:110]])
    assert pg.labels[1] == [">50K" if x >= 0.5 else "<=50K" for x in s.scores(1).score[view[100:110]]]
    assert pg.truth == list(s.y[view[100:110]])
    tail = browse.page(s, None, s.n_total - 3, s.n_total + 5)
    assert tail.ids.tolist() == list(range(s.n_total - 3, s.n_total))


def test_quick_filters(adult_session, fresh_session):
    s = fresh_session(adult_session)
    pos = [s.scores(m).score >= 0.4 for m in range(2)]
    truth = s.y == ">50K"
    fp = browse.quick_filter_mask(s, "false_positives", 0, [0.4, 0.4])
    np.testing.assert_array_equal(fp, pos[0] & ~truth)
    mis = browse.quick_filter_mask(s, "misclassified", None, [0.4, 0.4])
    np.testing.assert_array_equal(mis, (pos[0] != truth) | (pos[1] != truth))
    edit_text(s, 5, "age", "50")
    edited = browse.quick_filter_mask(s, "edited", None)
    assert edited.sum() == 1 and edited[5]


def test_quick_filters_need_the_right_task(wine_session, diabetes_session, fresh_session):
    from wit_tui.engine.core.errors import WitError

    w = fresh_session(wine_session)
    mis = browse.quick_filter_mask(w, "misclassified", 1)
    np.testing.assert_array_equal(mis, w.scores(1).label != w.y)
    with pytest.raises(WitError):
        browse.quick_filter_mask(w, "false_positives", 0)
    with pytest.raises(WitError):
        browse.quick_filter_mask(fresh_session(diabetes_session), "misclassified", 0)
