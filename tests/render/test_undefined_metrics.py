"""Undefined is not zero: a rate whose denominator is 0 reads – (with the reason) exactly where sklearn with
``zero_division=np.nan`` gives NaN, and every defined rate reads as sklearn's value, on the screens and the report."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support, precision_score, recall_score

from wit_tui.engine.analysis.threshold_strategies import nobody_note
from wit_tui.engine.metrics.binary import BinaryMetrics, multiclass_metrics
from wit_tui.engine.metrics.fairness import fairness_summary
from wit_tui.engine.metrics.slice_index import binary_slice_rates
from wit_tui.engine.metrics.thresholds import StrategyResult
from wit_tui.engine.metrics.undefined import Undefined
from wit_tui.render.format import UNDEFINED, num, show, undefined_notes
from wit_tui.render.tables import compare_notes, compare_table

counts = st.tuples(*(st.integers(0, 6) for _ in range(4))).filter(lambda c: sum(c) > 0)


def _sklearn(tn: int, fp: int, fn: int, tp: int) -> dict[str, float]:
    y = np.array([0] * tn + [0] * fp + [1] * fn + [1] * tp)
    pred = np.array([0] * tn + [1] * fp + [0] * fn + [1] * tp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nan = np.nan
        return {
            "accuracy": accuracy_score(y, pred),
            "precision": precision_score(y, pred, zero_division=nan),
            "recall": recall_score(y, pred, zero_division=nan),
            "f1": f1_score(y, pred, zero_division=nan),
            # FPR and FNR as 1 − the recall of the other class / of the positives (NaN where those are)
            "fpr": 1 - recall_score(1 - y, 1 - pred, zero_division=nan),
            "fnr": 1 - recall_score(y, pred, zero_division=nan),
        }


@settings(max_examples=300, deadline=None)
@given(counts, st.sampled_from([0.5, 1.0, math.inf]))
def test_a_rate_reads_dash_exactly_where_sklearn_gives_nan(c, threshold):
    tn, fp, fn, tp = c
    b = BinaryMetrics(threshold, tp=tp, fp=fp, tn=tn, fn=fn)
    table = binary_slice_rates(np.array([[tn, fp, fn, tp]]), threshold)
    for name, ref in _sklearn(tn, fp, fn, tp).items():
        value = b.value(name)
        for shown in (show(value), num(value), show(table.metric(name, 0))):
            if math.isnan(ref):
                assert shown == UNDEFINED, (name, c, shown)
            else:
                assert shown == num(float(ref)), (name, c, shown, ref)
        if math.isnan(ref):
            assert isinstance(value, Undefined) and value.reason and table.reason(name, 0) == value.reason
        else:
            assert value == pytest.approx(ref, abs=1e-12)
            assert math.isnan(table.shown(name)[0]) is False


def test_precision_at_the_top_says_nobody_predicted_positive():
    b = BinaryMetrics(1.0, tp=0, fp=0, tn=10, fn=3)
    assert b.value("precision") == Undefined("nobody predicted positive at threshold 1")
    assert b.precision == 0.0  # the arrays keep sklearn's stand-in for the searches and Fairlearn's rates


def test_a_difference_over_an_undefined_value_is_undefined_and_the_note_names_it():
    rows = [("precision", [Undefined("nobody predicted positive at threshold 1"), 0.5], "num")]
    table = compare_table(["lr", "svc"], rows)
    cells = [list(col.cells) for col in table.columns]
    assert cells[1] == [UNDEFINED] and cells[2] == ["0.5000"] and cells[3] == [UNDEFINED]
    notes = [t.plain for t in compare_notes(["lr", "svc"], rows)]
    assert notes == ["– precision (lr): nobody predicted positive at threshold 1"]


def test_notes_group_models_and_cap_the_names():
    lines = undefined_notes([("prec", f"s{k}", "nobody predicted positive") for k in range(5)])
    assert lines == ["– prec (s0, s1, s2 and 2 more): nobody predicted positive"]


def test_a_fairness_gap_over_an_undefined_group_value_is_undefined():
    # group a: nobody predicted positive (its precision is undefined); group b: no positive label (no TPR)
    s = fairness_summary(np.array([[5, 0, 3, 0], [4, 2, 0, 0]]), ["a", "b"])
    prec = s.frames["precision"]
    assert isinstance(prec.summary("difference"), Undefined) and prec.summary("difference").reason.startswith("on a:")
    assert isinstance(s.gap("equal_opportunity_difference"), Undefined)
    assert "recall on b: no positive labels" in s.gap("equal_opportunity_difference").reason
    assert isinstance(s.gap("equalized_odds_ratio"), Undefined)
    # the selection rate is defined everywhere: its gap is Fairlearn's number
    assert s.gap("demographic_parity_difference") == pytest.approx(2 / 6)


def test_a_strategy_that_flags_no_one_says_so():
    confusion = np.array([[5, 0, 3, 0], [4, 2, 1, 1]])
    r = StrategyResult("group", 1.0, (1.0, 0.4), None, 5.0, (3.0, 2.0), confusion)
    assert r.nobody_positive == (0,)
    assert nobody_note(r).startswith("Nobody predicted positive on 1 of 2 slices")
    whole = StrategyResult("single", 1.0, (1.0,), 1.0, 3.0, (3.0,), np.array([[5, 0, 3, 0]]))
    assert nobody_note(whole).startswith("Nobody predicted positive: at cost ratio 1 flagging no one is cheapest")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=15))
def test_a_class_never_predicted_has_no_precision_exactly_as_sklearn(pairs):
    y, pred = (np.array(v) for v in zip(*pairs, strict=True))
    m = multiclass_metrics(y, pred, (0, 1, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = precision_recall_fscore_support(y, pred, labels=[0, 1, 2], zero_division=np.nan)
    for name, values in zip(("precision", "recall", "f1"), ref[:3], strict=True):
        for j, r in enumerate(values):
            assert show(m.per_class(name)[j]) == (UNDEFINED if math.isnan(r) else num(float(r))), (name, j, pairs)
