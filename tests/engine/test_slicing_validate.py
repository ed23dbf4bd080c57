"""`validate` slices by a filter expression (``where``) and by bucket edges: the checks are on the filter's rows,
the numbers sklearn's, and a bad expression or edges is a usage error naming the spec."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

from wit_tui.cli.main import main
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.session.session import Session
from wit_tui.engine.validation.config import parse_config
from wit_tui.engine.validation.run import validate_session
from wit_tui.engine.whatif.filtering import evaluate


@pytest.fixture(scope="module")
def session():
    rng = np.random.default_rng(1)
    n = 800
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "priors_count": rng.choice([0, 0, 0, 1, 2, 3, 5, 8], size=n),
            "sex": rng.choice(["Female", "Male"], size=n),
            "age": rng.integers(18, 80, size=n),
        }
    )
    frame["y"] = np.where(frame["x"] + 0.3 * frame["priors_count"] + rng.normal(scale=0.8, size=n) > 0.5, 1, 0)
    model = LogisticRegression().fit(frame[["x", "priors_count"]], frame["y"])
    return Session(frame, [LoadedModel("m", model)], label="y", features=["x", "priors_count", "sex", "age"])


def _run(session, text):
    return validate_session(session, parse_config(tomllib.loads(text), source="t.toml"), candidate=0)


def test_a_where_spec_checks_the_rows_matching_and_the_rest(session):
    r = _run(
        session,
        """
[[metrics]]
name = "accuracy"
value_threshold = { lower_bound = 0.0 }
[[slicing_specs]]
where = "priors_count > 0"
[[slicing_specs]]
feature_keys = ["sex"]
where = "age >= 50"
""",
    )
    assert r.validation_ok
    frame = session.data
    pred = session.models[0].estimator.predict(frame[["x", "priors_count"]])
    got = {c.slice: c.value for c in r.checks}
    match = evaluate("priors_count > 0", frame)
    assert got["where:priors_count > 0"] == pytest.approx(accuracy_score(frame["y"][match], pred[match]), abs=1e-12)
    assert got["where:not (priors_count > 0)"] == pytest.approx(
        accuracy_score(frame["y"][~match], pred[~match]), abs=1e-12
    )
    older_women = evaluate('age >= 50 and sex == "Female"', frame)
    assert got["sex_X_where:Female_X_age >= 50"] == pytest.approx(
        accuracy_score(frame["y"][older_women], pred[older_women]), abs=1e-12
    )
    assert len(got) == 2 + 4
    details = {d.slicing_spec.describe(): d.num_matching_slices for d in r.validation_details}
    assert details == {"where = 'priors_count > 0'": 2, "feature_keys = [sex]; where = 'age >= 50'": 4}


def test_an_edges_spec_checks_each_bucket(session):
    r = _run(
        session,
        """
[[metrics]]
name = "accuracy"
value_threshold = { lower_bound = 0.0 }
[[slicing_specs]]
feature_keys = ["priors_count"]
edges = { priors_count = [0, 1, 3, 10] }
""",
    )
    frame = session.data
    pred = session.models[0].estimator.predict(frame[["x", "priors_count"]])
    bins = pd.cut(frame["priors_count"], [0, 1, 3, 10], right=True, include_lowest=True)
    got = {c.slice: c.value for c in r.checks}
    assert list(got) == ["priors_count:[0, 1]", "priors_count:(1, 3]", "priors_count:(3, 10]"]
    for name, interval in zip(got, bins.cat.categories, strict=True):
        rows = (bins == interval).to_numpy()
        assert got[name] == pytest.approx(accuracy_score(frame["y"][rows], pred[rows]), abs=1e-12)


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("where = 3", "slicing_specs[1].where: must be a filter expression"),
        ('where = "  "', "slicing_specs[1].where: must be a filter expression"),
        ('feature_keys = ["age"]\nedges = { age = [3, 1] }', "slicing_specs[1].edges.age: Bucket edges must increase"),
        ("edges = { age = [0, 1] }", "slicing_specs[1].edges.age: age is not in feature_keys"),
        ('feature_keys = ["age"]\nedges = { age = "0, 1" }', "slicing_specs[1].edges.age: must be a list"),
    ],
)
def test_bad_where_or_edges_in_the_config_name_the_key(spec, needle):
    with pytest.raises(WitError) as info:
        parse_config(tomllib.loads(f"[[slicing_specs]]\n{spec}\n"), source="c.toml")
    assert str(info.value).startswith("c.toml") and needle in str(info.value)


@pytest.mark.bad_input
def test_a_bad_expression_is_a_usage_error_naming_the_spec(session):
    text = '[[metrics]]\nname = "accuracy"\nvalue_threshold = { lower_bound = 0.5 }\n[[slicing_specs]]\n'
    with pytest.raises(WitError) as info:
        _run(session, text + 'where = "prior_count > 0"\n')
    message = str(info.value)
    assert message.startswith("t.toml: the slicing spec where = 'prior_count > 0': Bad filter")
    assert "priors_count" in message  # the filter's own suggestion of the nearest column
    with pytest.raises(WitError, match="To compare with text, put it in quotes"):
        _run(session, text + 'where = "sex == Female"\n')
    with pytest.raises(WitError, match=r"the slicing spec feature_keys = \[sex\]; edges = \{sex = \[0.0, 1.0\]\}: "):
        _run(session, text + 'feature_keys = ["sex"]\nedges = { sex = [0, 1] }\n')


@pytest.mark.bad_input
def test_validate_exits_2_on_a_bad_where(tmp_path, session, capsys):
    frame = session.data
    sio.dump(session.models[0].estimator, tmp_path / "m.skops")
    frame.to_csv(tmp_path / "d.csv", index=False)
    config = tmp_path / "checks.toml"
    config.write_text(
        '[[metrics]]\nname = "accuracy"\nvalue_threshold = { lower_bound = 0.5 }\n'
        '[[slicing_specs]]\nwhere = "priors_count >"\n'
    )
    args = ["validate", "--candidate", str(tmp_path / "m.skops"), "--data", str(tmp_path / "d.csv"), "--label", "y"]
    code = main([*args, "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.startswith("wit-tui: error: ") and "the slicing spec where = 'priors_count >'" in err
    config.write_text(config.read_text().replace("priors_count >", "priors_count > 0"))
    assert main([*args, "--config", str(config), "-o", str(tmp_path / "out.json")]) == 0
