"""The decisions file: what the screen decided, written as TOML, read back equal, applied to the same rows."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.decisions_export import screen_decisions
from wit_tui.engine.analysis.decisions_file import (
    DecisionsFile,
    ModelDecision,
    decisions_from_dict,
    decisions_toml,
    parse_decisions,
)
from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.analysis.slice_table import slice_table
from wit_tui.engine.analysis.threshold_strategies import model_strategies
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.decisions_rows import apply_decisions
from wit_tui.engine.slice_spec import SliceSpec
from wit_tui.engine.validation.config import parse_config
from wit_tui.engine.validation.run import validate_session

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
names = st.text(min_size=1, max_size=12)


@st.composite
def decision_files(draw) -> DecisionsFile:
    slice_names = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    model_names = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    models = tuple(
        ModelDecision(
            m,
            draw(finite),
            {s: draw(finite) for s in slice_names},
            draw(st.none() | st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)),
        )
        for m in model_names
    )
    edges = draw(st.lists(finite, min_size=2, max_size=6, unique=True).map(sorted))
    spec = SliceSpec(("age", "sex"), draw(st.integers(1, 1000)), draw(st.booleans()), {"age": tuple(edges)})
    return DecisionsFile(
        models,
        draw(st.sampled_from(["custom", "group", "demographic_parity", "equalized_odds"])),
        draw(st.floats(1e-6, 1e6)),
        draw(st.floats(0, 1)),
        draw(st.none() | names),
        draw(st.none() | names),
        spec,
    )


@settings(max_examples=200, deadline=None)
@given(decision_files())
def test_a_written_file_reads_back_equal(d):
    text = decisions_toml(d)
    assert parse_decisions(text).same_as(d)


def _dp_decisions(session):
    """Demographic parity on the adult demo sliced by sex, as the screen's f key runs it."""
    truth = ground_truth(session)
    table = slice_table(session, truth, ["sex"], 4)
    assert table.indexes is not None
    found = model_strategies(session, truth, "demographic_parity", 1.0, 0.01, list(table.indexes), 1.0)
    per_slice = tuple(np.array(r.thresholds, dtype=np.float64) for r in found)
    spec = SliceSpec(("sex",), 4)
    d = Decisions.initial(session.default_thresholds)
    d = replace(d, per_slice=per_slice, slicing_key=spec.key(), strategy="demographic_parity", truth=truth)
    return d, table, spec


def test_validate_with_the_file_reproduces_the_per_slice_metrics(adult_session, tmp_path):
    s = adult_session
    d, table, spec = _dp_decisions(s)
    path = tmp_path / "d.toml"
    path.write_text(decisions_toml(screen_decisions(s, d, spec, table.slicing, spec.key())))
    f = parse_decisions(path.read_text())
    assert f.strategy == "demographic_parity" and f.slicing is not None and f.slicing.features == ("sex",)
    config = parse_config(
        tomllib.loads(
            '[[slicing_specs]]\nfeature_keys = ["sex"]\n'
            '[[metrics]]\nname = "selection_rate"\nvalue_threshold = { lower_bound = 0 }\n'
            '[[metrics]]\nname = "recall"\nvalue_threshold = { lower_bound = 0 }\n'
        )
    )
    result = validate_session(s, config, candidate=0, rubber_stamp=True, decisions=f)
    codes, n = table.slicing.codes, table.slicing.n_slices
    screen = session_slice_metrics(s, 0, codes, n, d.per_slice[0])
    by_slice = {c.slice: c.value for c in result.checks if c.metric_key.name == "selection_rate"}
    for k in range(n):
        assert by_slice[table.slicing.name(k)] == screen.value("selection_rate", k)
    recall = {c.slice: c.value for c in result.checks if c.metric_key.name == "recall"}
    assert recall[table.slicing.name(0)] == screen.value("recall", 0)
    # without the file every slice is decided at the model's threshold: other numbers
    plain = validate_session(s, config, candidate=0, rubber_stamp=True)
    assert {c.slice: c.value for c in plain.checks if c.metric_key.name == "selection_rate"} != by_slice


def test_the_overall_slice_counts_each_row_at_its_slice_threshold(adult_session):
    s = adult_session
    d, table, spec = _dp_decisions(s)
    applied = apply_decisions(
        s, parse_decisions(decisions_toml(screen_decisions(s, d, spec, table.slicing, spec.key())))
    )
    whole = np.zeros(s.n_rows, dtype=np.int64)
    overall = session_slice_metrics(s, 0, whole, 1, applied.decision(0))
    screen = table.indexes[0].at(d.per_slice[0])  # the screen's overview of the decisions made
    assert overall.value("selection_rate", 0) == pytest.approx(screen.selection_rate, abs=1e-15)
    assert overall.value("accuracy", 0) == pytest.approx(screen.accuracy, abs=1e-15)


def test_threshold_given_beats_the_file_which_beats_the_config(adult_session):
    s = adult_session
    f = DecisionsFile((ModelDecision("logreg", 0.3), ModelDecision("hgb", 0.4)))
    assert apply_decisions(s, f, base=(0.6, 0.6)).thresholds == (0.3, 0.4)
    assert apply_decisions(s, f, base=(0.6, 0.6), given={"hgb": 0.7}).thresholds == (0.3, 0.7)
    config = parse_config(
        tomllib.loads('threshold = 0.6\n[[metrics]]\nname = "accuracy"\nvalue_threshold = { lower_bound = 0 }\n')
    )
    assert validate_session(s, config, candidate=0, decisions=f, rubber_stamp=True).threshold == 0.3
    got = validate_session(s, config, candidate=0, decisions=f, rubber_stamp=True, thresholds={None: 0.2})
    assert got.threshold == 0.2
    assert validate_session(s, config, candidate=0, rubber_stamp=True).threshold == 0.6


def test_a_threshold_given_drops_that_models_slice_thresholds(adult_session):
    s = adult_session
    d, table, spec = _dp_decisions(s)
    f = screen_decisions(s, d, spec, table.slicing, spec.key())
    applied = apply_decisions(s, f, given={"logreg": 0.5})
    assert applied.slice_thresholds[0] is None and applied.slice_thresholds[1] is not None


@pytest.mark.bad_input
def test_a_slice_the_data_lacks_is_a_note_and_its_rows_use_the_model_threshold(adult_session):
    s = adult_session
    per = {"sex:Female": 0.3, "sex:Nonbinary": 0.2}
    f = DecisionsFile((ModelDecision("logreg", 0.5, per), ModelDecision("hgb", 0.5)), slicing=SliceSpec(("sex",), 4))
    applied = apply_decisions(s, f)
    assert any("sex:Nonbinary" in n and "no rows" in n for n in applied.notes)
    assert any("sex:Male" in n and "not in the file" in n for n in applied.notes)
    rows = applied.decision(0).values
    female = (s.data["sex"] == "Female").to_numpy()
    assert set(rows[female]) == {0.3} and set(rows[~female]) == {0.5}


GOOD = 'schema_version = 1\n[[models]]\nname = "logreg"\nthreshold = 0.5\n[[models]]\nname = "hgb"\nthreshold = 0.5\n'


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[[models]]\nname = "logreg"\nthreshold = 0.5\n', "schema_version"),
        ("schema_version = 2\n" + GOOD.split("\n", 1)[1], "schema_version"),
        (GOOD + "colour = 1\n", "colour"),
        ('schema_version = 1\ncost_ratio = "high"\n' + GOOD.split("\n", 1)[1], "cost_ratio"),
        ('schema_version = 1\nstrategy = "fastest"\n' + GOOD.split("\n", 1)[1], "strategy"),
        ('schema_version = 1\n[[models]]\nname = "logreg"\n', "threshold"),
        ('schema_version = 1\n[[models]]\nname = "logreg"\nthreshold = "x"\n', "threshold"),
        ("schema_version = 1\n", "[[models]]"),
        (
            GOOD.replace("threshold = 0.5\n[[models]]", "threshold = 0.5\nslice_thresholds = { a = 1 }\n[[models]]", 1),
            "slicing",
        ),
        ("schema_version = 1\n[slicing]\nfeatures = [1]\n" + GOOD.split("\n", 1)[1], "slicing.features"),
        ("not toml = = 1", "not valid TOML"),
    ],
)
def test_a_bad_file_names_the_key(text, named):
    with pytest.raises(WitError) as err:
        parse_decisions(text, "d.toml")
    assert named in err.value.message


@pytest.mark.bad_input
def test_a_feature_the_data_lacks_is_an_error_naming_the_slicing(adult_session):
    f = DecisionsFile(
        (ModelDecision("logreg", 0.5, {"colour:red": 0.3}), ModelDecision("hgb", 0.5)),
        slicing=SliceSpec(("colour",), 4),
        source="d.toml",
    )
    with pytest.raises(WitError) as err:
        apply_decisions(adult_session, f)
    assert "d.toml: slicing" in err.value.message and "colour" in err.value.message


@pytest.mark.bad_input
def test_a_model_the_file_does_not_name_is_an_error(adult_session):
    f = decisions_from_dict({"schema_version": 1, "models": [{"name": "logreg", "threshold": 0.5}]}, "d.toml")
    with pytest.raises(WitError) as err:
        apply_decisions(adult_session, f)
    assert "'hgb'" in err.value.message and "models" in err.value.message


@pytest.mark.bad_input
def test_a_threshold_out_of_range_names_its_model(adult_session):
    f = DecisionsFile((ModelDecision("logreg", 1.5), ModelDecision("hgb", 0.5)), source="d.toml")
    with pytest.raises(WitError) as err:
        apply_decisions(adult_session, f)
    assert "d.toml: threshold" in err.value.message and "logreg" in err.value.message


@pytest.mark.bad_input
def test_another_label_or_positive_class_is_an_error(adult_session):
    models = (ModelDecision("logreg", 0.5), ModelDecision("hgb", 0.5))
    with pytest.raises(WitError, match="label"):
        apply_decisions(adult_session, DecisionsFile(models, label="salary"))
    with pytest.raises(WitError, match="positive_class"):
        apply_decisions(adult_session, DecisionsFile(models, positive_class="<=50K"))


@pytest.mark.bad_input
def test_a_model_file_of_other_bytes_is_a_note(lr_svc_files):
    from wit_tui.engine import open_session

    p = lr_svc_files
    s = open_session([p["lr"], p["svc"]], p["data"], p["label"], names=["lr", "svc"])
    d = Decisions.initial(s.default_thresholds)
    f = screen_decisions(s, d, None, None)
    assert all(m.file_hash for m in f.models)
    assert apply_decisions(s, f).notes == ()
    other = replace(f, models=(replace(f.models[0], file_hash="0" * 32), f.models[1]))
    assert any("'lr' is not the one" in n for n in apply_decisions(s, other).notes)
