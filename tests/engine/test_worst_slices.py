"""Worst slices: a failure planted in one synthetic slice ranks first; the tests and intervals are scipy's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.linear_model import LinearRegression, LogisticRegression

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.slice_outcomes import Outcomes, binary_outcomes
from wit_tui.engine.analysis.slice_tests import benjamini_hochberg, wilson
from wit_tui.engine.analysis.worst_slices import feature_parts, rank_slices, session_worst_slices
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import feature_slices


def _planted_frame(n: int = 6000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "region": pd.Categorical(rng.choice([f"r{k}" for k in range(8)], size=n)),
            "age": rng.integers(18, 80, size=n).astype(float),
            "income": rng.lognormal(10, 0.5, size=n),
            "channel": rng.choice(["web", "shop", "phone"], size=n),
        }
    )


def test_planted_binary_failure_ranks_first():
    frame = _planted_frame()
    rng = np.random.default_rng(0)
    y = rng.random(len(frame)) < 0.4
    # a good model everywhere (8% errors) except in region r5 (35% errors)
    flip = rng.random(len(frame)) < np.where(frame["region"] == "r5", 0.35, 0.08)
    score = np.where(y ^ flip, 0.8, 0.2) + rng.normal(0, 0.05, len(frame))
    parts, skipped = feature_parts(frame, list(frame.columns))
    assert not skipped
    outcomes = [binary_outcomes("accuracy", y, score, 0.5)]
    w = rank_slices(parts, outcomes)
    top = w.findings[0]
    assert top.slice == "region:r5"
    assert top.ci_low > 0.2 and top.p_value < 1e-30 and top.q_value < 1e-28
    assert top.values[0] == pytest.approx(1 - flip[frame["region"] == "r5"].mean())
    # no other slice is surely worse than the rest
    assert all(f.ci_low <= 0.02 for f in w.findings[1:])
    # with crosses on, the planted slice and its crosses lead; a cross never hides it
    wc = rank_slices(parts, outcomes, crosses=True)
    assert "r5" in wc.findings[0].slice and wc.n_tested > w.n_tested


def test_planted_failure_beats_a_tiny_slice_with_every_row_wrong():
    frame = _planted_frame()
    frame["tiny"] = np.where(np.arange(len(frame)) < 3, "rare", "common")
    rng = np.random.default_rng(1)
    y = rng.random(len(frame)) < 0.5
    flip = rng.random(len(frame)) < np.where(frame["region"] == "r2", 0.30, 0.10)
    flip[:3] = True  # the three "rare" rows are all wrong: 100% errors, but only three rows
    pred = y ^ flip
    w = rank_slices(
        feature_parts(frame, ["region", "tiny"])[0], [binary_outcomes("accuracy", y, pred.astype(float), 0.5)]
    )
    assert w.findings[0].slice == "region:r2"
    rare = next(f for f in w.findings if f.slice == "tiny:rare")
    # worse on its face (and even "significantly"), but three rows: flagged, and listed after every reliable slice
    assert rare.small and rare.worse_by > w.findings[0].worse_by
    assert w.findings.index(rare) == sum(not f.small for f in w.findings)


def test_planted_regression_failure_ranks_first_by_mae():
    frame = _planted_frame(3000)
    rng = np.random.default_rng(2)
    y = rng.normal(100, 10, len(frame))
    pred = y + rng.normal(0, np.where(frame["channel"] == "phone", 12.0, 3.0))
    w = rank_slices(
        feature_parts(frame, list(frame.columns))[0], [Outcomes("mae", np.ones(len(y), bool), np.abs(pred - y))]
    )
    assert w.findings[0].slice == "channel:phone" and w.findings[0].ci_low > 3
    assert "Welch" in w.test


def test_session_worst_slices_with_two_models():
    frame = _planted_frame(2000)
    rng = np.random.default_rng(4)
    frame["y"] = np.where(rng.random(len(frame)) < 0.5, "yes", "no")
    frame["x"] = np.where(frame["y"] == "yes", 1.0, -1.0) + rng.normal(0, np.where(frame["region"] == "r3", 4.0, 0.6))
    models = [LoadedModel(name, LogisticRegression().fit(frame[["x", "age"]], frame["y"]), None) for name in ("a", "b")]
    s = Session(frame, models, label="y", features=["region", "age", "income", "channel", "x"])
    truth = ground_truth(s)
    w = session_worst_slices(s, truth, "accuracy", thresholds=[0.5, 0.5], model=1)
    assert w.findings[0].slice == "region:r3" and len(w.findings[0].values) == 2 and w.model == 1
    with pytest.raises(WitError, match="not a worst-slice metric"):
        session_worst_slices(s, truth, "mae")
    # regression through the session: MAE
    frame["t"] = frame["x"] * 3 + rng.normal(0, np.where(frame["channel"] == "web", 5.0, 0.5))
    reg = Session(
        frame,
        [LoadedModel("lin", LinearRegression().fit(frame[["x"]], frame["t"]), None)],
        label="t",
        features=["region", "age", "channel", "x"],
    )
    wr = session_worst_slices(reg, ground_truth(reg), "mae")
    assert wr.findings[0].slice == "channel:web"


def test_intervals_and_tests_equal_scipy():
    # Wilson interval: scipy's binomtest
    for x, n in [(0, 5), (3, 10), (40, 41), (500, 1200)]:
        lo, hi = wilson(x, n, stats.norm.isf(0.025))
        ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert lo == pytest.approx(ci.low, abs=1e-12) and hi == pytest.approx(ci.high, abs=1e-12)
    # Welch: scipy's ttest_ind(equal_var=False, alternative="greater"), one slice against the rest
    rng = np.random.default_rng(5)
    values = rng.exponential(1.0, 400)
    codes = (np.arange(400) < 60).astype(np.int64)
    values[codes == 1] += 0.5
    fs = feature_slices(pd.Series(np.where(codes == 1, "a", "b"), name="g"))
    w = rank_slices([fs], [Outcomes("mae", np.ones(400, bool), values)], alpha=0.05)
    f = next(f for f in w.findings if f.slice == "g:a")
    ref = stats.ttest_ind(values[codes == 1], values[codes == 0], equal_var=False, alternative="greater")
    assert f.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert f.worse_by == pytest.approx(values[codes == 1].mean() - values[codes == 0].mean(), abs=1e-12)
    # two-proportion z-test with the pooled proportion (the textbook formula)
    y = np.r_[np.ones(30), np.zeros(70), np.ones(100), np.zeros(400)].astype(bool)
    g = np.r_[np.zeros(100), np.ones(500)].astype(int)
    fs = feature_slices(pd.Series(np.where(g == 0, "a", "b"), name="g"))
    w = rank_slices([fs], [Outcomes("accuracy", np.ones(600, bool), y.astype(float))])
    f = next(f for f in w.findings if f.slice == "g:a")
    p1, p2, pooled = 0.3, 0.2, 130 / 600
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / 100 + 1 / 500))
    assert f.p_value == pytest.approx(stats.norm.sf(z), rel=1e-9)


def test_benjamini_hochberg_matches_scipy():
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.5, 0.001])
    np.testing.assert_allclose(benjamini_hochberg(p), stats.false_discovery_control(p), rtol=1e-12)


def test_identifier_columns_are_skipped_with_a_note():
    frame = pd.DataFrame({"id": [f"x{k}" for k in range(1500)], "g": ["a", "b"] * 750})
    parts, skipped = feature_parts(frame, ["id", "g"])
    assert [p.feature for p in parts] == ["g"] and "identifier" in skipped[0]
