"""The report's schema version 2 on the Adult test split: every metric's interval beside it (the one recipe,
``slice_metric_intervals``), the fairness section equal to Fairlearn's, and the worst slices of the screen."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, precision_score

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.group_fairness import group_confusion
from wit_tui.engine.analysis.metric_intervals import slice_metric_intervals
from wit_tui.engine.analysis.worst_slices import session_worst_slices
from wit_tui.engine.metrics.fairness import SUMMARY_RATES
from wit_tui.engine.metrics.slice_intervals import IntervalOptions, gap_intervals
from wit_tui.engine.report import SCHEMA_VERSION, build_report
from wit_tui.engine.report_sections import SECTIONS, ReportContext, build_sections
from wit_tui.engine.slicing import overall, slice_by
from wit_tui.render.markdown import report_markdown
from wit_tui.render.report import report_text

OPTIONS = IntervalOptions(level=0.9, resamples=300, seed=0)
FAIRLEARN = {
    "selection_rate": selection_rate,
    "recall": true_positive_rate,
    "fpr": false_positive_rate,
    "fnr": false_negative_rate,
    "accuracy": accuracy_score,
    "precision": lambda y, p: precision_score(y, p, zero_division=0),
}


@pytest.fixture(scope="module")
def race_report(adult_session):
    return build_report(adult_session, slice_features=["race"], intervals=OPTIONS)


@pytest.fixture(scope="module")
def cross_report(adult_session):
    return build_report(adult_session, slice_features=["sex", "race"], intervals=OPTIONS, worst=5)


def _y(session, i, threshold):
    y = np.asarray(session.y) == session.task.positive
    return y, session.scores(i).score >= threshold


def _same(got, want):
    if want is None or (isinstance(want, float) and np.isnan(want)):
        assert got is None
    else:
        assert got == pytest.approx(want, abs=1e-12)


def test_schema_version_2_and_every_interval_is_the_one_recipes(adult_session, race_report):
    doc = json.loads(race_report.to_json())
    assert SCHEMA_VERSION == 2 and doc["schema_version"] == 2
    assert doc["interval_options"] == {"level": 0.9, "resamples": 300, "seed": 0}
    slicing = slice_by(adult_session.data, ["race"], 4)
    for i, model in enumerate(doc["models"]):
        t = model["threshold"]
        assert isinstance(model["metrics"]["accuracy"], float)  # the number stays where it was
        want = slice_metric_intervals(adult_session, i, overall(adult_session.n_rows).codes, 1, t, options=OPTIONS)
        shown = {n for n in want if model["metrics"].get(n) is not None}  # tnr is no report metric
        assert set(model["intervals"]) == shown and {"auc", "f1", "recall"} <= shown
        for name, iv in ((n, want[n]) for n in shown):
            expect = iv.at(0).to_dict()
            assert model["intervals"][name] == {k: pytest.approx(v) for k, v in expect.items()}
            if iv.method == "wilson":
                assert expect["low"] <= model["metrics"][name] <= expect["high"]
        per_slice = slice_metric_intervals(adult_session, i, slicing.codes, slicing.n_slices, t, options=OPTIONS)
        for k, row in enumerate(doc["slices"]["slices"]):
            got = row["intervals"][model["name"]]
            assert isinstance(row["metrics"][model["name"]]["recall"], float)
            assert set(got) == {n for n in per_slice if row["metrics"][model["name"]].get(n) is not None}
            for name, iv in ((n, per_slice[n]) for n in got):
                assert got[name]["low"] == pytest.approx(iv.at(k).low) and got[name]["level"] == 0.9


@pytest.mark.parametrize("by", [["race"], ["sex", "race"]])
def test_fairness_section_equals_fairlearn(adult_session, race_report, cross_report, by):
    report = race_report if by == ["race"] else cross_report
    section = json.loads(report.to_json())["fairness"]
    assert section["by"] == by and section["rates"] == list(SUMMARY_RATES)
    sensitive = adult_session.data[by] if len(by) > 1 else adult_session.data[by[0]]
    for i, model in enumerate(section["models"]):
        y, pred = _y(adult_session, i, model["threshold"])
        for rate, fn in FAIRLEARN.items():
            mf = MetricFrame(metrics=fn, y_true=y, y_pred=pred, sensitive_features=sensitive)
            values = {
                tuple(k) if isinstance(k, tuple) else (k,): v for k, v in mf.by_group.items()
            }  # keyed by each feature's value, in the order asked for
            for g in model["groups"]:
                key = tuple(g["slice_key"][f] for f in by)
                assert g["metrics"][rate] == pytest.approx(values[key], abs=1e-9)
                assert (
                    g["rows"] == int(((sensitive == pd.Series(key, index=by)).all(axis=1)).sum())
                    if len(by) > 1
                    else int((sensitive == key[0]).sum())
                )
            assert model["overall"]["metrics"][rate] == pytest.approx(mf.overall, abs=1e-9)
            assert model["difference"][rate] == pytest.approx(mf.difference(), abs=1e-9)
            assert model["ratio"][rate] == pytest.approx(mf.ratio(), abs=1e-9)
        kw = {"sensitive_features": sensitive}
        gaps = model["gaps"]
        assert gaps["demographic_parity_difference"] == pytest.approx(
            demographic_parity_difference(y, pred, **kw), abs=1e-9
        )
        assert gaps["demographic_parity_ratio"] == pytest.approx(demographic_parity_ratio(y, pred, **kw), abs=1e-9)
        assert gaps["equalized_odds_difference"] == pytest.approx(equalized_odds_difference(y, pred, **kw), abs=1e-9)
        assert gaps["equalized_odds_ratio"] == pytest.approx(equalized_odds_ratio(y, pred, **kw), abs=1e-9)


def test_fairness_intervals_are_wilson_per_group_and_the_gap_bootstrap(adult_session, race_report):
    section = json.loads(race_report.to_json())["fairness"]
    slicing = slice_by(adult_session.data, ["race"], 4)
    for i, model in enumerate(section["models"]):
        confusion = group_confusion(adult_session, i, slicing.codes, slicing.n_slices, model["threshold"])
        want = gap_intervals(confusion, SUMMARY_RATES, OPTIONS)
        for name in ("demographic_parity_difference", "equalized_odds_difference", "selection_rate_ratio"):
            assert model["intervals"][name]["low"] == pytest.approx(want[name].low)
            assert model["intervals"][name]["high"] == pytest.approx(want[name].high)
            assert model["intervals"][name]["method"] == "bootstrap"
        for g in model["groups"]:
            for rate in SUMMARY_RATES:
                iv = g["intervals"][rate]
                assert iv["method"] == "wilson" and iv["level"] == 0.9
                assert iv["low"] <= g["metrics"][rate] <= iv["high"]


def test_worst_slices_are_the_screens_ranking(adult_session, cross_report):
    section = json.loads(cross_report.to_json())["worst_slices"]
    assert section["metric"] == "accuracy" and section["top"] == 5
    truth = ground_truth(adult_session)
    thresholds = [m.threshold for m in cross_report.models]
    for i, model in enumerate(section["models"]):
        want = session_worst_slices(adult_session, truth, "accuracy", thresholds=thresholds, model=i).top(5)
        assert [f["slice"] for f in model["slices"]] == [f.slice for f in want]
        assert [f["worse_by"] for f in model["slices"]] == pytest.approx([f.worse_by for f in want])
        assert [f["worse_by_interval"]["low"] for f in model["slices"]] == pytest.approx([f.ci_low for f in want])


def test_no_slice_no_fairness_section_and_a_section_plugs_in(adult_session):
    report = build_report(adult_session, worst=0)
    doc = json.loads(report.to_json())
    assert doc["fairness"] is None and doc["worst_slices"] is None and doc["slices"] is None
    assert {"fairness", "worst_slices"} <= {k for k, _ in SECTIONS}
    ctx = ReportContext(adult_session, tuple(m.threshold for m in report.models))
    extra = build_sections(ctx, [*SECTIONS, ("answer", lambda c: {"models": len(c.thresholds)})])
    assert extra["answer"] == {"models": 2} and extra["fairness"] is None and list(extra)[-1] == "answer"


def test_markdown_and_text_show_the_fairness_and_worst_sections(race_report):
    md, text = report_markdown(race_report), report_text(race_report)
    model = race_report.sections["fairness"]["models"][0]
    dpd = model["gaps"]["demographic_parity_difference"]
    low = model["intervals"]["demographic_parity_difference"]["low"]
    for out in (md, text):
        assert "Fairness by race" in out and "Worst slices by accuracy" in out
        assert f"{dpd:.4f}" in out and f"{low:.4f}" in out
        assert "Amer-Indian-Eskimo" in out and "90% intervals" in out
    assert "## Fairness by race" in md and "| demographic_parity_difference |" in md
    assert "logreg 90% CI" in md
