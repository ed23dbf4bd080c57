"""How a frequency table reads: bins by their edges, bools as yes/no (as in the tables), one number format per
metric column, missing as its own row, and never ``-0.0000``."""

from __future__ import annotations

import math

from wit_tui.engine.analysis.frequency import Bin, Frequencies, ValueRow
from wit_tui.engine.metrics.undefined import Undefined
from wit_tui.render.format import fixed
from wit_tui.render.frequency import frequency_text, value_text


def test_values_read_as_the_tables_show_them():
    assert value_text(True) == "yes" and value_text(False) == "no"
    assert value_text(None) == "(missing)"
    assert value_text(Bin(1000.0, 2000.0)) == "[1,000, 2,000)"
    assert value_text(Bin(-2.5, 0.0)) == "[-2.5000, 0)"
    assert value_text("Female") == "Female" and value_text(12345) == "12,345"


def test_accuracy_table_header_rows_and_undefined():
    freq = Frequencies(
        "sex",
        10,
        False,
        "accuracy",
        ("logreg", "hgb"),
        (
            ValueRow("Male", 7, 0.7, (0.857142857, 1.0)),
            ValueRow(None, 3, 0.3, (Undefined("no labelled rows in this slice"), 0.5)),
        ),
    )
    text = frequency_text(freq)
    assert text.header == ("sex", "count", "share", "logreg accuracy", "hgb accuracy")
    assert text.rows[0] == ("Male", "7", "70.0%", "0.8571", "1.0000")
    assert text.rows[1] == ("(missing)", "3", "30.0%", "–", "0.5000")
    assert text.title == "Values of sex over 10 datapoint(s) · 2 row(s)"
    assert text.right == (False, True, True, True, True)


def test_mean_scores_keep_their_sign_and_one_format():
    freq = Frequencies(
        "x",
        4,
        True,
        "mean score",
        ("svc",),
        (ValueRow(Bin(0.0, 10.0), 2, 0.5, (-1.23456,)), ValueRow(Bin(10.0, 20.0), 2, 0.5, (-0.00001,))),
    )
    text = frequency_text(freq)
    assert text.header[-1] == "svc mean" and "(in bins)" in text.title
    assert [r[-1] for r in text.rows] == ["-1.2346", "0.0000"]


def test_fixed_never_prints_minus_zero():
    assert fixed(-0.00004) == "0.0000" and fixed(-0.00005001) == "-0.0001"
    assert fixed(-3.0, 3) == "-3.000" and fixed(1234.5) == "1,234.5000"
    assert fixed(None) == "–" and fixed(math.nan) == "–" and fixed(-math.inf) == "-∞"
