"""Nearest counterfactual against a brute-force Python loop of the What-If Tool's formula, on random frames
and on the real demo data, both metrics; the rules for binary, multi-class and regression; edits and restrictions."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.sample_sessions import leaky_session
from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.session.editing import edit_text
from wit_tui.engine.whatif.counterfactual import default_gap, nearest_counterfactual
from wit_tui.engine.whatif.distance_space import build_space, distance_space, encode, id_like, nearest

pytestmark = pytest.mark.usefixtures("one_openmp_thread")


def _missing(v) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v))


def reference_terms(frame: pd.DataFrame, features: list[str]):
    """Per-feature term functions, written from the reference description (DASH getDist), one value at a time."""
    fns = {}
    for f in features:
        col = frame[f]
        if is_numeric(col):
            vals = [float(v) for v in col if not _missing(v)]
            sd = statistics.stdev(vals) if len(vals) > 1 else 0.0

            def num(a, b, sd=sd):
                if _missing(a) or _missing(b):
                    return 1.0
                return abs(float(a) - float(b)) / sd if sd > 0 else 0.0

            fns[f] = num
        elif col.nunique(dropna=True) == len(col) and len(col) > 1:
            continue  # ID-like: never counts
        else:
            vals = [v for v in col if not _missing(v)]
            counts = {}
            for v in vals:
                counts[v] = counts.get(v, 0) + 1
            same = sum((c / len(vals)) ** 2 for c in counts.values()) if vals else 0.0

            def cat(a, b, same=same):
                if _missing(a) or _missing(b):
                    return 1.0
                return 0.0 if a == b else same

            fns[f] = cat
    return fns


def brute_force(frame, features, i, candidates, metric):
    """The reference: loop over every row, smallest distance wins, the lowest index on ties (strict <)."""
    fns = reference_terms(frame, features)
    rows = frame[features].to_dict("records")
    best, best_d = None, math.inf
    for r, row in enumerate(rows):
        if r == i or not candidates[r]:
            continue
        terms = [fn(rows[i][f], row[f]) for f, fn in fns.items()]
        d = sum(terms) if metric == "L1" else math.sqrt(sum(t * t for t in terms))
        if d < best_d:
            best, best_d = r, d
    return best, best_d


@st.composite
def frames(draw):
    n = draw(st.integers(3, 25))
    small_ints = st.one_of(st.none(), st.integers(0, 4).map(float))
    reals = st.one_of(st.none(), st.floats(-50, 50, allow_nan=False).map(lambda x: round(x, 2)))
    cats = st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))
    cols = {
        "x": draw(st.lists(small_ints, min_size=n, max_size=n)),
        "y": draw(st.lists(reals, min_size=n, max_size=n)),
        "k": draw(st.lists(st.just(3.0), min_size=n, max_size=n)),  # constant: std 0
        "c": draw(st.lists(cats, min_size=n, max_size=n)),
        "d": draw(st.lists(st.sampled_from(["u", "v"]), min_size=n, max_size=n)),
        "ident": [f"id{j}" for j in range(n)],
    }
    frame = pd.DataFrame(cols)
    frame["x"] = frame["x"].astype(float)
    frame["y"] = frame["y"].astype(float)
    classes = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    i = draw(st.integers(0, n - 1))
    metric = draw(st.sampled_from(["L1", "L2"]))
    return frame, np.array(classes), i, metric


@given(frames())
@settings(max_examples=150, deadline=None)
def test_nearest_matches_brute_force_on_random_frames(case):
    frame, classes, i, metric = case
    features = ["x", "y", "k", "c", "d", "ident"]
    space = build_space(frame, features)
    # ID-like: text with every value distinct — "ident" always, "c" or "d" when a tiny frame happens to draw that
    id_like = tuple(f for f in ("c", "d", "ident") if frame[f].notna().all() and frame[f].nunique() == len(frame))
    assert space.excluded == id_like and "ident" in id_like
    candidates = classes != classes[i]
    candidates[i] = False
    got = nearest(space, encode(space, frame.iloc[i].to_dict()), candidates, metric)
    want, want_d = brute_force(frame, [f for f in features if f not in id_like], i, candidates, metric)
    if want is None:
        assert got is None
        return
    row, dist = got
    assert dist == pytest.approx(want_d, rel=1e-5, abs=1e-6)
    # the same point, unless another one is at the same distance (float32 storage may reorder exact ties)
    if row != want:
        _, other_d = brute_force(frame, features, i, np.arange(len(frame)) == row, metric)
        assert other_d == pytest.approx(want_d, rel=1e-5, abs=1e-6)


def test_missing_costs_one_and_id_like_never_counts():
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": ["x", "y", None], "id": ["p", "q", "r"]})
    assert id_like(frame["id"]) and not id_like(frame["b"])
    space = build_space(frame, ["a", "b", "id"])
    x = encode(space, {"a": 1.0, "b": "x", "id": "zzz"})
    row, d = nearest(space, x, np.array([False, True, False]), "L1")
    # a: missing → 1; b: "x" vs "y" → Σp² over non-missing = 0.5
    assert row == 1 and d == pytest.approx(1.5)
    row, d = nearest(space, x, np.array([False, False, True]), "L2")
    assert d == pytest.approx(math.sqrt((2 / space.std[0]) ** 2 + 1))


@pytest.mark.parametrize("metric", ["L1", "L2"])
@pytest.mark.parametrize("m", [0, 1])
def test_adult_counterfactual_matches_brute_force(adult_session, metric, m):
    s = adult_session
    s.score_all()
    n = 3000  # the brute force is a Python loop: compare on the first rows, whose statistics we rebuild
    sub = s.data.iloc[:n].reset_index(drop=True)
    space = build_space(sub, s.features)
    pos = s.scores(m).score[:n] >= 0.5
    for i in (2, 14):
        candidates = pos != pos[i]
        candidates[i] = False
        row, dist = nearest(space, encode(space, s.row(i)), candidates, metric)
        want, want_d = brute_force(sub, s.features, i, candidates, metric)
        assert dist == pytest.approx(want_d, rel=1e-6)
        assert row == want or brute_force(sub, s.features, i, np.arange(n) == row, metric)[1] == pytest.approx(want_d)


def test_session_counterfactual_on_full_adult(adult_session, fresh_session):
    s = fresh_session(adult_session)
    space = distance_space(s)
    assert distance_space(s) is space  # built once, cached
    assert space.num.dtype == np.float32 and space.num.flags.f_contiguous
    assert np.issubdtype(space.cat.dtype, np.integer)
    cf = nearest_counterfactual(s, 2, 0, metric="L1", threshold=0.5)
    pos = s.scores(0).score >= 0.5
    assert pos[cf.index] != pos[2] and cf.n_candidates == int((pos != pos[2]).sum())
    x = encode(space, s.row(2))
    d_all = np.full(s.n_rows, np.inf)
    for r in np.flatnonzero(pos != pos[2])[:2000]:  # spot-check: nothing closer among these
        from wit_tui.engine.whatif.distance_space import _row_encoded, combine, terms

        d_all[r] = combine(terms(space, x, _row_encoded(space, int(r))), "L1")
    assert cf.distance <= d_all.min() + 1e-9
    assert set(cf.differing) == {f for f in s.features if s.row(2)[f] != s.row(cf.index)[f]}
    # the threshold decides the classes: at 0.2 more points are positive
    cf2 = nearest_counterfactual(s, 2, 0, threshold=0.2)
    assert (s.scores(0).score[cf2.index] >= 0.2) != (s.scores(0).score[2] >= 0.2)
    # L2 shows a true Euclidean distance
    l2 = nearest_counterfactual(s, 2, 0, metric="L2", threshold=0.5)
    assert l2.distance == pytest.approx(math.sqrt(sum(v * v for _, v in l2.contributions)))


def test_counterfactual_with_edits_and_restriction(adult_session, fresh_session):
    s = fresh_session(adult_session)
    edit_text(s, 0, "capital_gain", "20000")  # now predicted >50K by logreg
    cf = nearest_counterfactual(s, 0, 0, threshold=0.5)
    own = s.point_scores(0)[0].score[0] >= 0.5
    assert own and (s.scores(0).score[cf.index] >= 0.5) != own
    # an edited point is a candidate with its current values: copy row 5 into an edited twin of row 0
    other = cf.index
    mask = np.zeros(s.n_total, dtype=bool)
    mask[s.y == ">50K"] = True
    r = nearest_counterfactual(s, 0, 0, threshold=0.5, restrict=mask)
    assert s.y[r.index] == ">50K"
    none = nearest_counterfactual(s, 0, 0, threshold=0.5, restrict=np.zeros(s.n_total, dtype=bool))
    assert none.index is None and none.n_candidates == 0
    assert other is not None


def test_edited_candidate_uses_current_values(adult_session, fresh_session):
    s = fresh_session(adult_session)
    # make row 1 an exact copy of row 0 except capital_gain, which flips logreg: it must be the counterfactual
    for f in s.features:
        if f != "capital_gain" and s.row(1)[f] != s.row(0)[f]:
            s.set_value(1, f, s.row(0)[f])
    s.set_value(1, "capital_gain", 20000)
    s.rescore(1, "twin")
    cf = nearest_counterfactual(s, 0, 0, threshold=0.5)
    assert cf.index == 1 and cf.differing == ("capital_gain",)


def test_multiclass_and_regression_rules(wine_session, diabetes_session):
    w = wine_session
    w.score_all()
    cf = nearest_counterfactual(w, 0, 1)
    arg = np.argmax(w.scores(1).proba, axis=1)
    assert arg[cf.index] != arg[0]
    d = diabetes_session
    d.score_all()
    gap = default_gap(d, 0)
    assert gap == pytest.approx(np.std(d.scores(0).score, ddof=1))
    cf = nearest_counterfactual(d, 0, 0)
    pred = d.scores(0).score
    assert abs(pred[cf.index] - pred[0]) >= gap
    wide = nearest_counterfactual(d, 0, 0, gap=3 * gap)
    assert wide.index is None or abs(pred[wide.index] - pred[0]) >= 3 * gap
    assert wide.n_candidates <= cf.n_candidates


def test_a_column_of_equal_values_has_spread_zero_not_a_rounding_error():
    """np.std of three equal floats is ~1e-15: scaling by its inverse put equal rows 2e8 apart (found by hypothesis)."""
    nan = np.nan
    frame = pd.DataFrame({"x": [nan] * 6, "y": [nan, nan, 5.76, 5.76, 5.76, nan], "d": ["u"] * 6})
    space = build_space(frame, ["x", "y", "d"])
    assert tuple(space.scale) == (0.0, 0.0)
    row, d = nearest(space, encode(space, frame.iloc[2].to_dict()), np.arange(6) == 4, "L1")
    assert (row, d) == (4, pytest.approx(1.0))  # x missing on both: 1; y equal: 0; d equal: 0


# -- which features the distance counts ---------------------------------------------------------------------------
def _leaky_session():
    s = leaky_session()
    s.score_all()
    assert (s.scores(0).score >= 0.5).tolist() == [False, False, False, True, True, True, True, True]
    return s


def test_the_distance_ignores_a_column_no_model_reads_unless_asked():
    from wit_tui.engine.whatif.distance_features import describe, model_inputs, parse_features

    s = _leaky_session()
    assert model_inputs(s) == ("x",)
    cf = nearest_counterfactual(s, 0, 0, threshold=0.5)
    assert cf.index == 3 and cf.features == ("x",)  # leak would have made #4 the nearest
    sx = float(np.std(s.data["x"], ddof=1))
    assert cf.distance == pytest.approx(1.0 / sx)
    assert describe(s, cf.features) == "1 of 3 features (the models' inputs)"
    # counted again when the user asks (as --cf-features +leak would): #4 wins through the column
    with_leak = parse_features(s, "+leak")
    assert with_leak == ("x", "leak")
    cf = nearest_counterfactual(s, 0, 0, threshold=0.5, features=with_leak)
    assert cf.index == 4 and set(cf.features) == {"x", "leak"}
    assert cf.distance == pytest.approx(1.5 / sx)  # leak equal: 0
    assert describe(s, with_leak) == "2 of 3 features (the models' inputs + leak)"
    # every model question takes the same choice
    from wit_tui.engine.whatif.point import counterfactuals

    assert [c.index for c in counterfactuals(s, 0, [0.5], features=with_leak)] == [4]
    assert [c.index for c in counterfactuals(s, 0, [0.5])] == [3]


def test_cf_features_syntax_lists_or_changes_the_models_inputs():
    from wit_tui.engine.whatif.distance_features import parse_features

    s = _leaky_session()
    assert parse_features(s, "colour, x") == ("x", "colour")  # in feature order
    assert parse_features(s, "+leak,+colour,-x") == ("leak", "colour")
    assert parse_features(s, "-leak") == ("x",)  # removing one that is not counted: no change


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "text,needle",
    [
        ("x,nope", "--cf-features names 'nope', which is not a feature."),
        ("-nope", "--cf-features names 'nope', which is not a feature."),
        ("y", "names the label 'y'"),
        ("x,-leak", "mixes a list of features (x) with changes (-leak)"),
        ("-x", "leaves no feature"),
        (" , ", "is empty"),
    ],
)
def test_bad_cf_features_are_one_message_listing_the_features(text, needle):
    from wit_tui.engine.core.errors import WitError
    from wit_tui.engine.whatif.distance_features import parse_features

    with pytest.raises(WitError) as err:
        parse_features(_leaky_session(), text)
    assert needle in err.value.message
    if "not a feature" in needle:
        assert "Features: x, leak, colour." in err.value.hint
