"""Per-slice metrics from one (slice, score) sort equal sklearn.metrics and Fairlearn on the real demo data.

Binary: every slice's confusion counts and rates at several thresholds (one for all, or one per slice), the
decisions summed over slices, per-slice AUC; the fairness summary (Fairlearn's MetricFrame) for per-slice
decisions; multi-class one-vs-rest and regression slice metrics; another ground truth or positive class;
equal-width buckets as pd.cut.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as flm
from sklearn import metrics as skm

from wit_tui.engine.analysis.ground_truth import ground_truth, model_scores
from wit_tui.engine.analysis.performance import model_performance, slice_indexes, truth_index, truth_performance
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.metrics.fairness import SUMMARY_RATES, fairness_summary
from wit_tui.engine.metrics.slice_index import SliceIndex, binary_rates, binary_slice_metrics
from wit_tui.engine.metrics.slice_metrics import ovr_slice_metrics
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import check_buckets, feature_slices, slice_by

TOL = 1e-9


def _sk(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    tn, fp, fn, tp = skm.confusion_matrix(y, pred, labels=[False, True]).ravel()
    return {
        "counts": (tn, fp, fn, tp),
        "accuracy": skm.accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, zero_division=0.0),
        "recall": skm.recall_score(y, pred, zero_division=0.0),
        "f1": skm.f1_score(y, pred, zero_division=0.0),
        "fpr": fp / (fp + tn) if fp + tn else 0.0,
        "fnr": fn / (fn + tp) if fn + tp else 0.0,
        "selection_rate": pred.mean(),
    }


@pytest.mark.parametrize("features", [["sex"], ["race"], ["age", "sex"]])
def test_slice_metrics_equal_sklearn_at_several_thresholds(adult_session, features):
    s = adult_session
    truth = ground_truth(s)
    slicing = slice_by(s.data, features)
    K = slicing.n_slices
    for model in (0, 1):
        score, y = s.scores(model).score, s.y_positive
        index = slice_indexes(s, truth, slicing.codes, K)[model]
        aucs = index.roc_auc()
        for t in (0.2, 0.73, float(score[11]), 1.0):
            counts = index.counts_at(t)
            rates = binary_rates(counts)
            for k in range(K):
                rows = slicing.codes == k
                ref = _sk(y[rows], score[rows] >= t)
                assert tuple(counts[k]) == tuple(ref.pop("counts"))
                for name, value in ref.items():
                    assert rates[name][k] == pytest.approx(value, abs=TOL), (features, model, t, k, name)
        for k in range(K):
            rows = slicing.codes == k
            if y[rows].any() and not y[rows].all():
                assert aucs[k] == pytest.approx(skm.roc_auc_score(y[rows], score[rows]), abs=TOL)
            else:
                assert np.isnan(aucs[k])


def test_per_slice_thresholds_equal_sklearn_on_per_row_decisions(adult_session):
    s = adult_session
    slicing = slice_by(s.data, ["race"])
    K = slicing.n_slices
    score, y = s.scores(1).score, s.y_positive
    thresholds = np.linspace(0.3, 0.7, K)
    index = SliceIndex(score, y, slicing.codes, K, order=truth_index(s, ground_truth(s), 1).order)
    pred = score >= thresholds[slicing.codes]
    combined = index.at(thresholds)
    ref = _sk(y, pred)
    assert (combined.tn, combined.fp, combined.fn, combined.tp) == tuple(ref.pop("counts"))
    for name, value in ref.items():
        assert getattr(combined, name) == pytest.approx(value, abs=TOL)
    # the report's function with per-slice thresholds: the same numbers, plus log loss from sklearn
    sm = binary_slice_metrics(y, score, slicing.codes, K, thresholds)
    for k in range(K):
        rows = slicing.codes == k
        assert sm.value("precision", k) == pytest.approx(
            skm.precision_score(y[rows], pred[rows], zero_division=0.0), abs=TOL
        )
        assert sm.value("log_loss", k) == pytest.approx(
            skm.log_loss(y[rows], score[rows], labels=[False, True]), abs=TOL
        )


def test_session_slice_metrics_unchanged_for_the_report(adult_session):
    """The report and validation path (default ground truth) still gives sklearn's numbers."""
    s = adult_session
    slicing = slice_by(s.data, ["sex"])
    sm = session_slice_metrics(s, 0, slicing.codes, slicing.n_slices, 0.4)
    score, y = s.scores(0).score, s.y_positive
    for k in range(slicing.n_slices):
        rows = slicing.codes == k
        assert sm.value("f1", k) == pytest.approx(skm.f1_score(y[rows], score[rows] >= 0.4), abs=TOL)
        assert sm.value("auc", k) == pytest.approx(skm.roc_auc_score(y[rows], score[rows]), abs=TOL)
        assert sm.value("brier_score", k) == pytest.approx(skm.brier_score_loss(y[rows], score[rows]), abs=TOL)


@pytest.mark.parametrize("features", [["race"], ["sex", "race"]])
def test_fairness_summary_equals_fairlearn_metricframe(adult_session, features):
    s = adult_session
    slicing = slice_by(s.data, features)
    K = slicing.n_slices
    score, y = s.scores(0).score, s.y_positive
    thresholds = np.linspace(0.35, 0.65, K)  # each group at its own threshold, as after a strategy
    index = SliceIndex(score, y, slicing.codes, K)
    names = [slicing.name(k) for k in range(K)]
    summary = fairness_summary(index.counts_at(thresholds), names)
    pred = score >= thresholds[slicing.codes]
    groups = np.array(names, dtype=object)[slicing.codes]
    metrics = {
        "selection_rate": flm.selection_rate,
        "recall": flm.true_positive_rate,
        "fpr": flm.false_positive_rate,
        "fnr": flm.false_negative_rate,
        "accuracy": skm.accuracy_score,
        "precision": lambda a, b: skm.precision_score(a, b, zero_division=0.0),
    }
    assert set(metrics) == set(SUMMARY_RATES)
    ref = flm.MetricFrame(metrics=metrics, y_true=y, y_pred=pred, sensitive_features=groups)
    for m in SUMMARY_RATES:
        f = summary.frame(m)
        assert f.overall == pytest.approx(ref.overall[m], abs=1e-12)
        for g, v in ref.by_group[m].items():
            assert f.by_group[g] == pytest.approx(v, abs=1e-12)
        for method in ("between_groups", "to_overall"):
            assert f.difference(method) == pytest.approx(ref.difference(method=method)[m], abs=1e-12)
            assert f.ratio(method) == pytest.approx(ref.ratio(method=method)[m], abs=1e-12)
    kw = {"sensitive_features": groups}
    assert summary.gaps["demographic_parity_difference"] == pytest.approx(
        flm.demographic_parity_difference(y, pred, **kw), abs=1e-12
    )
    assert summary.gaps["demographic_parity_ratio"] == pytest.approx(
        flm.demographic_parity_ratio(y, pred, **kw), abs=1e-12
    )
    assert summary.gaps["equalized_odds_difference"] == pytest.approx(
        flm.equalized_odds_difference(y, pred, **kw), abs=1e-12
    )
    assert summary.gaps["equalized_odds_ratio"] == pytest.approx(flm.equalized_odds_ratio(y, pred, **kw), abs=1e-12)
    assert summary.gaps["equal_opportunity_difference"] == pytest.approx(
        flm.equal_opportunity_difference(y, pred, **kw), abs=1e-12
    )
    assert summary.gaps["equal_opportunity_ratio"] == pytest.approx(
        flm.equal_opportunity_ratio(y, pred, **kw), abs=1e-12
    )


def test_multiclass_one_vs_rest_and_slice_metrics_equal_sklearn(wine_session):
    s = wine_session
    truth = ground_truth(s)
    slicing = slice_by(s.data, ["alcohol"], 3)
    K = slicing.n_slices
    y = truth.y
    for model in (0, 1):
        sc = s.scores(model)
        perf = truth_performance(s, truth, model).multiclass
        labels = list(s.task.classes)
        np.testing.assert_allclose(
            perf.confusion_normalized, skm.confusion_matrix(y, sc.label, labels=labels, normalize="true")
        )
        for avg in ("macro", "weighted"):
            assert getattr(perf, f"precision_{avg}") == pytest.approx(
                skm.precision_score(y, sc.label, average=avg, zero_division=0.0), abs=TOL
            )
            assert getattr(perf, f"recall_{avg}") == pytest.approx(
                skm.recall_score(y, sc.label, average=avg, zero_division=0.0), abs=TOL
            )
        sm = session_slice_metrics(s, model, slicing.codes, K, truth=truth)
        for c, cls in enumerate(labels):
            ovr = ovr_slice_metrics(y == cls, sc.label == cls, sc.proba[:, c], slicing.codes, K)
            for k in range(K):
                rows = slicing.codes == k
                yt, yp = y[rows] == cls, sc.label[rows] == cls
                assert ovr.value("precision", k) == pytest.approx(
                    skm.precision_score(yt, yp, zero_division=0.0), abs=TOL
                )
                assert ovr.value("recall", k) == pytest.approx(skm.recall_score(yt, yp, zero_division=0.0), abs=TOL)
                assert ovr.value("f1", k) == pytest.approx(skm.f1_score(yt, yp, zero_division=0.0), abs=TOL)
                assert ovr.value("base_rate", k) == pytest.approx(yt.mean(), abs=TOL)
                if yt.any() and not yt.all():
                    assert ovr.value("auc", k) == pytest.approx(skm.roc_auc_score(yt, sc.proba[rows, c]), abs=TOL)
        for k in range(K):
            rows = slicing.codes == k
            assert sm.value("accuracy", k) == pytest.approx(skm.accuracy_score(y[rows], sc.label[rows]), abs=TOL)
            assert sm.value("macro_f1", k) == pytest.approx(
                skm.f1_score(y[rows], sc.label[rows], average="macro"), abs=TOL
            )


def test_regression_slice_metrics_equal_sklearn(diabetes_session):
    s = diabetes_session
    slicing = slice_by(s.data, ["bmi"], 4, equal_width=True)
    K = slicing.n_slices
    y = s.y
    for model in (0, 1):
        pred = s.scores(model).score
        sm = session_slice_metrics(s, model, slicing.codes, K, extras=True)
        assert "mean_error" in sm.names and "mean_error" not in session_slice_metrics(s, model, slicing.codes, K).names
        for k in range(K):
            rows = slicing.codes == k
            assert sm.value("mae", k) == pytest.approx(skm.mean_absolute_error(y[rows], pred[rows]), abs=TOL)
            assert sm.value("rmse", k) == pytest.approx(skm.root_mean_squared_error(y[rows], pred[rows]), abs=TOL)
            assert sm.value("r2", k) == pytest.approx(skm.r2_score(y[rows], pred[rows]), abs=TOL)
            assert sm.value("mean_error", k) == pytest.approx(np.mean(pred[rows] - y[rows]), abs=TOL)
        assert model_performance(s, model).regression.mean_error == pytest.approx(np.mean(pred - y), abs=TOL)


def test_flipped_positive_class_equals_sklearn_pos_label(adult_session):
    s = adult_session
    truth = ground_truth(s, positive="<=50K")
    assert truth.flipped and truth.positive == "<=50K" and not truth.default
    labels = s.data["income"].astype(str).to_numpy()
    for model in (0, 1):
        p = s.scores(model).score
        flipped = model_scores(s, truth, model)
        np.testing.assert_array_equal(flipped, 1.0 - p)
        perf = truth_performance(s, truth, model, 0.4)
        pred_labels = np.where(flipped >= 0.4, "<=50K", ">50K")
        b = perf.binary
        assert b.precision == pytest.approx(skm.precision_score(labels, pred_labels, pos_label="<=50K"), abs=TOL)
        assert b.recall == pytest.approx(skm.recall_score(labels, pred_labels, pos_label="<=50K"), abs=TOL)
        assert perf.roc_auc == pytest.approx(skm.roc_auc_score(labels == "<=50K", 1.0 - p), abs=TOL)
        assert perf.average_precision == pytest.approx(
            skm.average_precision_score(labels, 1.0 - p, pos_label="<=50K"), abs=TOL
        )
    # the session's own ground truth is untouched and shared with threshold_index
    assert ground_truth(s).default and truth_index(s, ground_truth(s), 0) is truth_index(s, ground_truth(s), 0)


def test_another_label_column_and_bad_columns():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=300)})
    frame["y"] = np.where(frame["x"] + rng.normal(0, 0.5, 300) > 0, 1, 0)
    frame["audit"] = np.where(rng.random(300) < 0.1, 1 - frame["y"], frame["y"]).astype(str)  # "0"/"1" text
    frame.loc[:9, "audit"] = None
    frame["colour"] = "red"
    from sklearn.linear_model import LogisticRegression

    s = Session(
        frame, [LoadedModel("lr", LogisticRegression().fit(frame[["x"]], frame["y"]), None)], label="y", features=["x"]
    )
    truth = ground_truth(s, "audit")
    assert truth.label == "audit" and truth.n_labelled == 290 and not truth.default
    perf = truth_performance(s, truth, 0, 0.5)
    keep = frame["audit"].notna().to_numpy()
    y_audit = frame["audit"][keep].astype(int).to_numpy() == 1
    ref = _sk(y_audit, s.scores(0).score[keep] >= 0.5)
    assert perf.binary.accuracy == pytest.approx(ref["accuracy"], abs=TOL)
    with pytest.raises(WitError, match="none of the model's classes"):
        ground_truth(s, "colour")
    with pytest.raises(WitError, match="not a class"):
        ground_truth(s, positive="maybe")
    with pytest.raises(WitError, match="no column"):
        ground_truth(s, "nope")


@pytest.mark.parametrize("feature", ["age", "fnlwgt", "hours_per_week"])
@pytest.mark.parametrize("buckets", [2, 4, 7])
def test_equal_width_buckets_are_pd_cut(adult_session, feature, buckets):
    series = adult_session.data[feature]
    fs = feature_slices(series, buckets, equal_width=True)
    expected = pd.cut(series, bins=buckets)
    assert fs.kind == "equal_width"
    np.testing.assert_array_equal(fs.codes, expected.cat.codes.to_numpy())
    np.testing.assert_allclose(fs.edges[1:-1], [iv.right for iv in expected.cat.categories[:-1]], rtol=1e-3)
    # quantile stays the default, and the same column gives the same buckets in every slicing
    assert feature_slices(series, buckets).kind == "quantile"
    cross = slice_by(adult_session.data, [feature, "sex"], buckets, equal_width=True)
    assert cross.edges[feature] == tuple(float(e) for e in fs.edges)


def test_bucket_count_is_checked():
    for bad in (0, -1, 1001, 2.5, True):
        with pytest.raises(WitError, match="buckets"):
            check_buckets(bad)
    assert check_buckets(4) == 4


def test_rows_the_model_raised_on_are_left_out_of_every_slice():
    """A model that raises on some rows: slicing must not misalign the score order (it once raised IndexError) and
    the slices leave the unscored rows out, as the overall metrics do; the report's slice metrics too."""
    from sklearn.linear_model import LogisticRegression

    class Flaky(LogisticRegression):
        def predict_proba(self, X):
            if (np.asarray(X, dtype=float)[:, 0] > 2.0).any():
                raise ValueError("a out of range")
            return super().predict_proba(X)

    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"a": rng.normal(size=3000), "b": rng.normal(size=3000)})
    frame["y"] = (frame.a + frame.b + rng.normal(scale=0.5, size=len(frame)) > 0).astype(int)
    frame["g"] = np.where(frame.b > 0, "p", "n")
    model = Flaky().fit(frame[["a", "b"]], frame.y)
    s = Session(frame[["a", "b", "g", "y"]], [LoadedModel("flaky", model)], label="y")
    truth = ground_truth(s)
    score = s.scores(0).score
    scored = ~np.isnan(score)
    assert 0 < (~scored).sum() < 200
    slicing = slice_by(s.data, ["g"], 4, rows=truth.labelled)
    index = slice_indexes(s, truth, slicing.codes, slicing.n_slices)[0]
    report = session_slice_metrics(s, 0, slicing.codes, slicing.n_slices, 0.4)
    y = frame.y.to_numpy() == 1
    for t in (0.2, 0.4, 0.7):
        counts = index.counts_at(t)
        for k in range(slicing.n_slices):
            rows = (slicing.codes == k) & scored
            assert tuple(counts[k]) == _sk(y[rows], score[rows] >= t)["counts"]
            if t == 0.4:
                assert tuple(report.confusion[k]) == tuple(counts[k])
                assert report.value("log_loss", k) == pytest.approx(skm.log_loss(y[rows], score[rows]), abs=TOL)
        whole = index.at(t)
        overall = truth_index(s, truth, 0).at(t)
        assert (whole.tn, whole.fp, whole.fn, whole.tp) == (overall.tn, overall.fp, overall.fn, overall.tp)
