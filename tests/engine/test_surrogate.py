"""The surrogate tree: fidelity recomputed independently against the model's predictions (never the label),
readable rules, depth limits and an atomic export."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import r2_score

from wit_tui.engine.analysis.surrogate import MAX_DEPTH, export_rules, fit_surrogate, rules_text
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.scoring import labels_from


@pytest.fixture(scope="module")
def adult_surrogate(adult_session):
    s = adult_session
    sc = s.scores(1)
    preds = labels_from(sc.score, sc.proba, s.tasks[1])
    sur = fit_surrogate(s.data, s.features, preds, classification=True, depth=3, model="hgb", random_state=0)
    return s, preds, sur


def test_fidelity_is_agreement_with_the_models_predictions(adult_surrogate):
    s, preds, sur = adult_surrogate
    held_out = s.data.iloc[sur.test_rows]
    tree_says = sur.tree.predict(sur.encoding.transform(held_out))
    agreement = float(np.mean(tree_says == preds[sur.test_rows].astype(str)))
    assert sur.fidelity == pytest.approx(agreement, abs=1e-12)
    assert sur.fidelity_name == "accuracy" and sur.n_test == len(sur.test_rows)
    label_accuracy = float(np.mean(tree_says == s.y[sur.test_rows].astype(str)))
    assert abs(label_accuracy - sur.fidelity) > 0.01  # against the label it would be another number
    assert 0.85 < sur.fidelity <= 1.0
    assert sur.n_train + sur.n_test == s.n_rows
    assert sur.tree.get_depth() <= 3


def test_regression_fidelity_is_r2_against_predictions(diabetes_session):
    d = diabetes_session
    preds = d.scores(0).score
    sur = fit_surrogate(d.data, d.features, preds, classification=False, depth=2, model="ridge")
    tree_says = sur.tree.predict(sur.encoding.transform(d.data.iloc[sur.test_rows]))
    assert sur.fidelity == pytest.approx(r2_score(preds[sur.test_rows], tree_says), abs=1e-12)
    assert sur.fidelity_name == "R²" and "value:" in sur.rules


def test_rules_read_as_conditions_on_raw_columns(adult_surrogate):
    s, _, sur = adult_surrogate
    assert "<= 0.50" not in sur.rules  # indicator splits are written as = / ≠
    assert "marital_status = Married-civ-spouse" in sur.rules
    assert "marital_status ≠ Married-civ-spouse" in sur.rules
    assert "class: >50K (" in sur.rules and "% of " in sur.rules
    assert "├ " in sur.compact_rules() and "|---" not in sur.compact_rules()
    assert "not the label" in sur.header()


@pytest.mark.bad_input
@pytest.mark.parametrize("depth", [0, MAX_DEPTH + 1, "deep"])
def test_depth_out_of_range(adult_surrogate, depth):
    s, preds, _ = adult_surrogate
    with pytest.raises(WitError, match="depth"):
        fit_surrogate(s.data, s.features, preds, classification=True, depth=depth)


def test_rules_keep_backslashes_in_category_values():
    rng = np.random.default_rng(0)
    values = np.array(["C:\\1", "a\\g<0>", "plain"], dtype=object)
    frame = pd.DataFrame({"path": rng.choice(values, 300), "x": rng.normal(size=300)})
    preds = (frame["path"] != "plain").astype(int).to_numpy()
    sur = fit_surrogate(frame, ["path", "x"], preds, classification=True, depth=2)
    conditions = {line.split("--- ", 1)[1] for line in sur.rules.splitlines() if "path" in line}
    assert conditions and conditions <= {f"path {op} {v}" for op in ("=", "≠") for v in values}


def test_too_few_rows_and_mismatched_predictions():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    with pytest.raises(WitError, match="at least 8"):
        fit_surrogate(frame, ["a"], np.array([0, 1, 0]), classification=True)
    with pytest.raises(WitError, match="one prediction per row"):
        fit_surrogate(frame, ["a"], np.array([0, 1]), classification=True)


def test_export_is_atomic_and_complete(adult_surrogate, tmp_path):
    _, _, sur = adult_surrogate
    path = export_rules([sur], tmp_path / "rules.txt", dataset="adult demo")
    text = path.read_text(encoding="utf-8")
    assert text == rules_text([sur], "adult demo")
    assert "Fidelity" in text and sur.rules.strip() in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules.txt"]  # no temporary file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert path == (tmp_path / "rules.txt").resolve()
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # as any file the user writes, not mkstemp's 0600
    with pytest.raises(WitError, match="does not exist"):
        export_rules([sur], tmp_path / "no" / "such" / "rules.txt")
    with pytest.raises(WitError, match="folder"):
        export_rules([sur], tmp_path)
    with pytest.raises(WitError, match="no surrogate"):
        export_rules([], tmp_path / "x.txt")
