"""What the Features screen computes: the rows its statistics describe and how a histogram splits."""

from __future__ import annotations

import numpy as np

from wit_tui.engine import Session
from wit_tui.engine.analysis.feature_splits import (
    Split,
    feature_plot,
    feature_rows,
    features_profile,
    split_groups_of,
)
from wit_tui.engine.analysis.session_surrogates import session_surrogates, surrogate_rows
from wit_tui.engine.data.scoring import labels_from


def copy_of(s: Session) -> Session:
    return Session(s.data, s.models, label=s.label, features=s.features, positive=s.task.positive, name=s.name)


def test_statistics_of_the_loaded_rows_or_of_the_edited_ones(adult_session):
    s = copy_of(adult_session)
    assert features_profile(s, feature_rows(s, False)).n_rows == s.n_rows
    s.set_value(3, "age", 99)
    edited = features_profile(s, feature_rows(s, True))
    assert edited.n_rows == 1 and edited.by_name()["age"].mean == 99


def test_split_by_truth_by_prediction_and_by_feature(adult_session):
    s = adult_session
    truth = split_groups_of(s, s.data, Split("truth"))
    assert truth.names == ("<=50K", ">50K") and truth.description == "by income (ground truth)"
    np.testing.assert_array_equal(truth.codes == 1, s.y == ">50K")
    pred = split_groups_of(s, s.data, Split("pred", model=0, threshold=0.7))
    sc = s.scores(0)
    np.testing.assert_array_equal(pred.codes == 1, labels_from(sc.score, sc.proba, s.tasks[0], 0.7) == ">50K")
    assert pred.description == "by logreg's prediction at 0.70"
    by_sex = split_groups_of(s, s.data, Split("feature", feature="sex"))
    assert set(by_sex.names) == {"Female", "Male"} and by_sex.description == "by sex"


def test_feature_plot_split_or_not(adult_session):
    s = adult_session
    plain = feature_plot(s, s.data, "age", 10)
    assert plain.split is None and plain.histogram.counts.sum() == s.data["age"].notna().sum()
    split = feature_plot(s, s.data, "age", 10, Split("truth"), hist=plain.histogram)
    assert split.split is not None and split.split.counts.sum() == plain.histogram.counts.sum()


def test_surrogates_one_per_model_on_the_same_rows(adult_session):
    s = adult_session
    assert len(surrogate_rows(50_000, 100)) == 100 and len(surrogate_rows(10, 100)) == 10
    trees = session_surrogates(s, (0.5, 0.5), depth=2, max_rows=2_000)
    assert [t.model for t in trees] == [m.name for m in s.models]
