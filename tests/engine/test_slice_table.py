"""The performance screen's per-slice numbers, per task, checked against sklearn on the demo data."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.analysis.slice_table import slice_table
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.slicing import slice_by


def test_binary_keeps_the_slice_indexes_and_each_slices_auc(adult_session):
    s = adult_session
    truth = ground_truth(s)
    table = slice_table(s, truth, ["sex"], 4)
    assert table.static is None and table.ovr is None
    assert table.indexes is not None and table.auc is not None
    assert len(table.indexes) == len(table.auc) == len(s.models)
    assert table.slicing.labels == slice_by(s.data, ["sex"], 4, rows=truth.labelled).labels
    mask = truth.labelled
    for i in range(len(s.models)):
        score = s.scores(i).score
        for k in range(table.slicing.n_slices):
            rows = mask & (table.slicing.codes == k)
            expected = skm.roc_auc_score(truth.y_positive[rows], score[rows])
            assert table.auc[i][k] == pytest.approx(expected, abs=1e-12)
        counts = table.indexes[i].counts_at(np.full(table.slicing.n_slices, 0.5))
        k = 0
        rows = mask & (table.slicing.codes == k)
        cm = skm.confusion_matrix(truth.y_positive[rows], score[rows] >= 0.5, labels=[False, True]).ravel()
        np.testing.assert_array_equal(counts[k], cm)


def test_multiclass_has_static_metrics_and_one_class_against_the_rest(wine_session):
    s = wine_session
    truth = ground_truth(s)
    c = 1
    table = slice_table(s, truth, ["alcohol"], 3, ovr_class=c)
    assert table.indexes is None and table.auc is None
    assert table.static is not None and table.ovr is not None
    K = table.slicing.n_slices
    cls = s.task.classes[c]
    mask = truth.labelled
    for i in range(len(s.models)):
        expected = session_slice_metrics(s, i, table.slicing.codes, K, truth=truth, extras=True)
        for name in expected.names:
            np.testing.assert_array_equal(table.static[i].values[name], expected.values[name])
        sc = s.scores(i)
        for k in range(K):
            rows = mask & (table.slicing.codes == k)
            y, pred = truth.y[rows] == cls, sc.label[rows] == cls
            assert table.ovr[i].value("recall", k) == pytest.approx(skm.recall_score(y, pred, zero_division=0))
            assert table.ovr[i].value("precision", k) == pytest.approx(skm.precision_score(y, pred, zero_division=0))
            if sc.proba is not None and 0 < y.sum() < len(y):
                assert table.ovr[i].value("auc", k) == pytest.approx(skm.roc_auc_score(y, sc.proba[rows, c]))


def test_regression_has_static_metrics_only(diabetes_session):
    s = diabetes_session
    truth = ground_truth(s)
    table = slice_table(s, truth, ["sex"], 4, equal_width=True)
    assert table.ovr is None and table.indexes is None and table.static is not None
    mask = truth.labelled
    for i in range(len(s.models)):
        for k in range(table.slicing.n_slices):
            rows = mask & (table.slicing.codes == k)
            mae = skm.mean_absolute_error(truth.y[rows].astype(float), s.scores(i).score[rows])
            assert table.static[i].value("mae", k) == pytest.approx(mae)


@pytest.mark.bad_input
def test_too_many_slices_are_refused(adult_session):
    s = adult_session
    with pytest.raises(WitError, match="Slicing by fnlwgt × age gives"):
        slice_table(s, ground_truth(s), ["fnlwgt", "age"], 1000)
