"""Intervals on real data: every number they bracket is sklearn's (1e-9) and inside its interval, and the
by-group bootstrap is Fairlearn's ``MetricFrame(..., n_boot=..., ci_quantiles=...)``.

Fairlearn resamples the rows of the whole data (``DataFrame.sample(frac=1, replace=True)``, one seed per
resample) and takes ``numpy`` quantiles of each resample's by-group metrics, differences and ratios. The gap
bootstrap is the same scheme, but it draws each resample as one multinomial over every group's confusion cells
(the same distribution, without building rows), so one seed cannot give the same resamples. Hence two tests:
fed Fairlearn's own resamples, our statistics and quantiles equal ``MetricFrame``'s intervals exactly (1e-12);
and our own draw agrees in distribution with Fairlearn's resampling of rows (its seeds and ``DataFrame.sample``
reproduced, 1,000 resamples, without the slow per-resample ``MetricFrame``): bounds within a Monte Carlo
tolerance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
from sklearn import metrics as skm

from wit_tui.engine.analysis.ground_truth import ground_truth, model_scores
from wit_tui.engine.analysis.metric_intervals import slice_metric_intervals
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.metrics.slice_intervals import (
    PROPORTIONS,
    SMALL_SLICE_ROWS,
    IntervalOptions,
    gap_intervals,
    gaps_of_draws,
    percentile,
)
from wit_tui.engine.slicing import slice_by

OPTIONS = IntervalOptions(resamples=300)
QUANTILES = [0.025, 0.975]


def _binary_reference(y: np.ndarray, s: np.ndarray, t: float) -> dict[str, float]:
    pred = s >= t
    tn, fp, fn, tp = skm.confusion_matrix(y, pred, labels=[False, True]).ravel()
    ref = {
        "accuracy": skm.accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, zero_division=0),
        "recall": skm.recall_score(y, pred, zero_division=0),
        "f1": skm.f1_score(y, pred, zero_division=0),
        "fpr": fp / (fp + tn),
        "fnr": fn / (fn + tp),
        "selection_rate": pred.mean(),
        "base_rate": y.mean(),
        "log_loss": skm.log_loss(y, s, labels=[False, True]),
        "brier_score": skm.brier_score_loss(y, s, pos_label=True),
    }
    if 0 < y.sum() < len(y):
        ref |= {"auc": skm.roc_auc_score(y, s), "average_precision": skm.average_precision_score(y, s)}
    return ref


def _check_brackets(intervals, metrics, references, counts) -> int:
    """Every metric with an interval is sklearn's number and, on a slice of 30 rows or more, inside it."""
    checked = 0
    for k, ref in enumerate(references):
        for name, value in ref.items():
            assert metrics.value(name, k) == pytest.approx(value, abs=1e-9), (name, k)
            if counts[k] >= SMALL_SLICE_ROWS:
                iv = intervals[name].at(k)
                assert iv.low <= value <= iv.high, (name, k, iv)
                checked += 1
    return checked


@pytest.mark.parametrize("feature", ["sex", "race", "age"])
def test_adult_every_binary_interval_brackets_sklearns_number(adult_session, feature):
    s = adult_session
    slicing = slice_by(s.data, [feature])
    truth = ground_truth(s)
    t = np.linspace(0.35, 0.6, slicing.n_slices)  # one threshold per slice
    metrics = session_slice_metrics(s, 0, slicing.codes, slicing.n_slices, t)
    got = slice_metric_intervals(s, 0, slicing.codes, slicing.n_slices, t, options=OPTIONS)
    assert set(got) == set(metrics.names) - {"example_count"} | {"tnr"}
    score, mask = model_scores(s, truth, 0), truth.labelled & ~np.isnan(model_scores(s, truth, 0))
    refs = []
    for k in range(slicing.n_slices):
        rows = mask & (slicing.codes == k)
        refs.append(_binary_reference(truth.positives[rows], score[rows], float(t[k])))
    assert _check_brackets(got, metrics, refs, metrics.values["example_count"]) >= 12 * slicing.n_slices - 6


def test_adult_overall_intervals_bracket_the_overall_numbers(adult_session):
    s = adult_session
    zeros = np.zeros(len(s.data), dtype=np.int64)
    got = slice_metric_intervals(s, 0, zeros, 1, options=OPTIONS)
    metrics = session_slice_metrics(s, 0, zeros, 1)
    truth = ground_truth(s)
    score = model_scores(s, truth, 0)
    ref = _binary_reference(truth.positives, score, s.tasks[0].default_threshold)
    assert _check_brackets(got, metrics, [ref], metrics.values["example_count"]) == len(ref)
    assert got["auc"].method == "delong" and got["log_loss"].method == "bootstrap"


def test_wine_multiclass_intervals_bracket_sklearns_numbers(wine_session):
    s = wine_session
    slicing = slice_by(s.data, [s.data.columns[0]], buckets=2)
    got = slice_metric_intervals(s, 0, slicing.codes, slicing.n_slices, options=OPTIONS)
    metrics = session_slice_metrics(s, 0, slicing.codes, slicing.n_slices)
    truth, scores = ground_truth(s), s.scores(0)
    refs = []
    for k in range(slicing.n_slices):
        rows = truth.labelled & (slicing.codes == k)
        y, pred = truth.y[rows], scores.label[rows]
        labels = [c for c in s.task.classes if c in set(y) | set(pred)]
        refs.append(
            {
                "accuracy": skm.accuracy_score(y, pred),
                "macro_f1": skm.f1_score(y, pred, labels=labels, average="macro", zero_division=0),
                "weighted_f1": skm.f1_score(y, pred, labels=labels, average="weighted", zero_division=0),
                "log_loss": skm.log_loss(y, scores.proba[rows], labels=list(s.task.classes)),
            }
        )
    assert set(got) == {"accuracy", "macro_f1", "weighted_f1", "log_loss"}
    assert _check_brackets(got, metrics, refs, metrics.values["example_count"]) == 4 * slicing.n_slices


def test_diabetes_regression_intervals_bracket_sklearns_numbers(diabetes_session):
    s = diabetes_session
    slicing = slice_by(s.data, [s.data.columns[0]], buckets=2)
    got = slice_metric_intervals(s, 0, slicing.codes, slicing.n_slices, options=OPTIONS)
    metrics = session_slice_metrics(s, 0, slicing.codes, slicing.n_slices)
    truth, pred = ground_truth(s), s.scores(0).score
    refs = []
    for k in range(slicing.n_slices):
        rows = truth.labelled & (slicing.codes == k)
        y, p = np.asarray(truth.y[rows], dtype=float), pred[rows]
        refs.append(
            {
                "mae": skm.mean_absolute_error(y, p),
                "rmse": skm.root_mean_squared_error(y, p),
                "r2": skm.r2_score(y, p),
            }
        )
    assert set(got) == {"mae", "rmse", "r2"}
    assert _check_brackets(got, metrics, refs, metrics.values["example_count"]) == 3 * slicing.n_slices


def _adult_frame(adult_session, rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    s = adult_session
    truth = ground_truth(s)
    y = truth.positives[:rows]
    pred = model_scores(s, truth, 0)[:rows] >= s.tasks[0].default_threshold
    group = s.data["sex"].astype(str).to_numpy()[:rows]
    names, codes = np.unique(group, return_inverse=True)
    return y, pred, codes, names


def _cells(y: np.ndarray, pred: np.ndarray, codes: np.ndarray, groups: int) -> np.ndarray:
    return np.bincount(codes * 4 + 2 * y + pred, minlength=4 * groups).reshape(groups, 4)


def _metric_frame(y, pred, names, codes, n_boot: int, seed: int) -> MetricFrame:
    metrics = {"selection_rate": selection_rate, "recall": true_positive_rate, "fpr": false_positive_rate}
    return MetricFrame(
        metrics=metrics,
        y_true=y.astype(int),
        y_pred=pred.astype(int),
        sensitive_features=pd.Series(names[codes], name="sex"),
        n_boot=n_boot,
        ci_quantiles=QUANTILES,
        random_state=seed,
    )


def _fairlearn_resamples(n: int, n_boot: int, seed: int) -> list[np.ndarray]:
    """The rows of each of Fairlearn's resamples: one uint32 seed per resample drawn from ``default_rng(seed)``,
    then ``DataFrame.sample(frac=1, replace=True, random_state=that seed)``."""
    seeds = np.random.default_rng(seed).integers(0, np.iinfo(np.uint32).max, size=n_boot, dtype=np.uint32)
    rows = pd.DataFrame({"row": np.arange(n)})
    return [rows.sample(frac=1, replace=True, random_state=r)["row"].to_numpy() for r in seeds]


def test_fed_fairlearns_resamples_the_gap_bootstrap_equals_metricframe(adult_session):
    y, pred, codes, names = _adult_frame(adult_session, 1500)
    n_boot, seed = 20, 7
    frame = _metric_frame(y, pred, names, codes, n_boot, seed)
    resamples = _fairlearn_resamples(len(y), n_boot, seed)
    draws = np.stack([_cells(y[i], pred[i], codes[i], len(names)) for i in resamples])
    ours = gaps_of_draws(draws, ("selection_rate", "recall", "fpr"), 0.95)
    diff, ratio = frame.difference_ci(), frame.ratio_ci()
    for name in ("selection_rate", "recall", "fpr"):
        assert ours[f"{name}_difference"].low == pytest.approx(diff[0][name], abs=1e-12)
        assert ours[f"{name}_difference"].high == pytest.approx(diff[1][name], abs=1e-12)
        assert ours[f"{name}_ratio"].low == pytest.approx(ratio[0][name], abs=1e-12)
        assert ours[f"{name}_ratio"].high == pytest.approx(ratio[1][name], abs=1e-12)
        k, n = PROPORTIONS[name](draws.reshape(-1, 4))
        low, high = percentile((k / n).reshape(n_boot, len(names)), 0.95)
        np.testing.assert_allclose(low, frame.by_group_ci[0][name].to_numpy(), atol=1e-12)
        np.testing.assert_allclose(high, frame.by_group_ci[1][name].to_numpy(), atol=1e-12)


def test_our_gap_draw_agrees_in_distribution_with_fairlearns_row_resampling(adult_session):
    """Fairlearn's resampling of rows (its seeds and ``DataFrame.sample``, 1,000 resamples) against our one
    multinomial per resample: with the statistics shown equal above, the intervals agree within the Monte Carlo
    error of two independent sets of 1,000 resamples."""
    y, pred, codes, names = _adult_frame(adult_session, 4000)
    rates = ("selection_rate", "recall", "fpr")
    resamples = _fairlearn_resamples(len(y), 1000, 11)
    theirs = gaps_of_draws(np.stack([_cells(y[i], pred[i], codes[i], len(names)) for i in resamples]), rates, 0.95)
    ours = gap_intervals(_cells(y, pred, codes, len(names)), rates, IntervalOptions())
    for name in theirs:
        width = theirs[name].high - theirs[name].low
        assert ours[name].low == pytest.approx(theirs[name].low, abs=0.15 * width), name
        assert ours[name].high == pytest.approx(theirs[name].high, abs=0.15 * width), name
