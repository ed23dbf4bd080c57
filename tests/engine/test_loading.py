"""The loading and validation contract: every bad input is one WitError with a message and a hint.

Models are small synthetic sklearn estimators trained here (milliseconds);
files live in ``tmp_path``. The scoring cases at the end use the real Adult
demo session from ``conftest.py``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import LinearSVC

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.loading import LoadedModel, load_data, load_model
from wit_tui.engine.data.scoring import score_frame
from wit_tui.engine.session.session import Session

FEATURES = ["alpha", "beta", "gamma"]


# ---------------------------------------------------------------- helpers
def make_frame(n: int = 80, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f: rng.normal(size=n) for f in FEATURES})
    frame["y"] = (frame["alpha"] + frame["beta"] > 0).astype(np.int64)  # binary 0/1
    frame["y3"] = np.digitize(frame["alpha"], [-0.5, 0.5]).astype(np.int64)  # 3 classes
    frame["target"] = 2.0 * frame["alpha"] - frame["gamma"] + 0.1 * rng.normal(size=n)  # regression
    frame["yes_no"] = np.where(frame["y"] == 1, "yes", "no")
    return frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_frame()


@pytest.fixture(scope="module")
def binary_model(frame) -> LogisticRegression:
    return LogisticRegression().fit(frame[FEATURES], frame["y"])


@pytest.fixture(scope="module")
def data_only(frame) -> pd.DataFrame:
    """Features plus the binary label, nothing else (so default features are exactly the model's)."""
    return frame[FEATURES + ["y"]]


@pytest.fixture(scope="module")
def adult(request):
    """conftest's ``adult_session``, trained (if not yet) with one OpenMP thread.

    The demo's gradient boosting uses every core through OpenMP; on a busy
    machine its spinning threads can make the first training ten times
    slower. The session is still the one conftest builds and shares.
    """
    import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime so the limit applies to it)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        return request.getfixturevalue("adult_session")


def loaded(est, name: str = "m") -> LoadedModel:
    return LoadedModel(name=name, estimator=est)


def raises_wit(fn, *args, **kwargs) -> WitError:
    with pytest.raises(WitError) as info:
        fn(*args, **kwargs)
    err = info.value
    assert err.message, "a WitError must say what is wrong"
    assert err.hint, "a WitError must say how to fix it"
    return err


# ================================================================= data files
@pytest.mark.bad_input
def test_data_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    err = raises_wit(load_data, path)
    assert str(path) in err.message and "does not exist" in err.message


@pytest.mark.bad_input
def test_data_folder(tmp_path):
    err = raises_wit(load_data, tmp_path)
    assert "folder" in err.message


@pytest.mark.bad_input
def test_data_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    err = raises_wit(load_data, path)
    assert "empty" in err.message


@pytest.mark.bad_input
def test_data_header_only(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("a,b,c\n")
    err = raises_wit(load_data, path)
    assert "no rows" in err.message


@pytest.mark.bad_input
def test_data_binary_garbage(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(np.random.default_rng(1).bytes(4096) + b"\x00\x01\x02\x00")
    err = raises_wit(load_data, path)
    assert "binary" in err.message


@pytest.mark.bad_input
@pytest.mark.parametrize("sep", [";", "\t"], ids=["semicolon", "tab"])
def test_data_other_separators(tmp_path, sep):
    path = tmp_path / "data.csv"
    path.write_text(
        sep.join(["age", "city", "score"])
        + "\n"
        + sep.join(["31", "Paris", "0.5"])
        + "\n"
        + sep.join(["47", "Lyon", "1.25"])
        + "\n"
    )
    frame = load_data(path)
    assert list(frame.columns) == ["age", "city", "score"]
    assert frame["age"].tolist() == [31, 47]
    assert frame["city"].tolist() == ["Paris", "Lyon"]
    assert frame["score"].tolist() == [0.5, 1.25]


@pytest.mark.bad_input
def test_data_utf8_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("name,value\nx,1\ny,2\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = load_data(path)
    assert list(frame.columns) == ["name", "value"]
    assert frame["name"].tolist() == ["x", "y"]


@pytest.mark.bad_input
def test_data_latin1(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("name,city\nJosé,Zürich\nRenée,Besançon\n".encode("latin-1"))
    frame = load_data(path)
    assert frame["name"].tolist() == ["José", "Renée"]
    assert frame["city"].tolist() == ["Zürich", "Besançon"]


@pytest.mark.bad_input
def test_data_latin1_after_first_64k(tmp_path):
    """The encoding sniff looks at the start of the file; a late latin-1 byte must not break the read."""
    path = tmp_path / "late_latin1.csv"
    rows = "".join(f"row{i},{i}\n" for i in range(12_000))  # > 64 KiB of pure ASCII
    assert len(rows) > 64 * 1024
    path.write_bytes(("name,value\n" + rows + "Zoë,1\n").encode("latin-1"))
    frame = load_data(path)
    assert len(frame) == 12_001
    assert frame["name"].iloc[-1] == "Zoë"


def test_data_utf8_multibyte_char_across_64k_boundary(tmp_path):
    """A UTF-8 file whose 64 KiB sniff window ends inside a character is still UTF-8, not latin-1."""
    path = tmp_path / "utf8.csv"
    head = b"name,value\n"
    # Place "é" (2 bytes in UTF-8) so that its first byte is the last byte of the 64 KiB window.
    filler = b"x" * (64 * 1024 - len(head) - 1)
    content = head + filler + "é,1\nü,2\n".encode()
    assert content[64 * 1024 - 1 : 64 * 1024 + 1] == "é".encode()
    path.write_bytes(content)
    frame = load_data(path)
    assert frame["name"].iloc[0] == "x" * len(filler) + "é"
    assert frame["name"].iloc[1] == "ü"


def test_data_parquet_round_trip(tmp_path):
    original = pd.DataFrame(
        {
            "n": np.arange(5, dtype=np.int64),
            "x": [0.5, np.nan, 2.0, 3.5, -1.0],
            "s": ["a", "b", None, "d", "e"],
            "c": pd.Categorical(["u", "v", "u", "w", "v"]),
        }
    )
    path = tmp_path / "data.parquet"
    original.to_parquet(path)
    pd.testing.assert_frame_equal(load_data(path), original)


@pytest.mark.bad_input
def test_data_ragged_rows(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,y\n1,2,1\n3,4,0,9\n5,6,1\n")
    err = raises_wit(load_data, path)
    assert "Line 3" in err.message and "has 4 fields, but the header has 3" in err.message
    assert "double quotes" in err.hint
    path.write_text("a;b;y\n1;2;1\n3;4\n5;6;1;7\n")  # short lines are padded by pandas, long ones are errors
    err = raises_wit(load_data, path)
    assert "Line 4" in err.message and "semicolon-separated" in err.message


@pytest.mark.bad_input
def test_data_unreadable(tmp_path, monkeypatch):
    path = tmp_path / "locked.csv"
    path.write_text("a,b\n1,2\n")
    real_open = Path.open

    def deny(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)  # tests may run as root, where chmod 000 still reads
    err = raises_wit(load_data, path)
    assert "cannot be read: Permission denied" in err.message and "permissions" in err.hint


@pytest.mark.bad_input
def test_data_corrupt_parquet(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(np.random.default_rng(2).bytes(3000))
    err = raises_wit(load_data, path)
    assert "Parquet" in err.message and str(path) in err.message


# ================================================================= model files
@pytest.mark.bad_input
def test_model_missing_file(tmp_path):
    path = tmp_path / "nope.skops"
    err = raises_wit(load_model, path)
    assert str(path) in err.message and "does not exist" in err.message


@pytest.mark.bad_input
def test_joblib_without_trust_is_refused(tmp_path, binary_model):
    path = tmp_path / "model.joblib"
    joblib.dump(binary_model, path)
    err = raises_wit(load_model, path)
    assert str(path) in err.message
    why = err.message.replace(str(path), "")
    assert "runs" in why and "code" in why  # says why it is refused: loading runs code
    assert "--trust" in err.hint and "skops" in err.hint


def test_joblib_with_trust_loads(tmp_path, frame, binary_model):
    path = tmp_path / "model.joblib"
    joblib.dump(binary_model, path)
    model = load_model(path, trust=True)
    assert model.name == "model" and model.path == path
    assert isinstance(model.estimator, LogisticRegression)
    np.testing.assert_array_equal(
        model.estimator.predict_proba(frame[FEATURES]), binary_model.predict_proba(frame[FEATURES])
    )


def test_skops_pipeline_loads_without_trust(tmp_path, frame):
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(frame[FEATURES], frame["y"])
    path = tmp_path / "pipe.skops"
    sio.dump(pipe, path)
    model = load_model(path, name="mine")
    assert model.name == "mine"
    np.testing.assert_array_equal(model.estimator.predict_proba(frame[FEATURES]), pipe.predict_proba(frame[FEATURES]))


@pytest.fixture
def untrusted_skops(tmp_path, monkeypatch, frame):
    """A .skops pipeline holding a FunctionTransformer of a function from a user module."""
    mod_dir = tmp_path / "usermods"
    mod_dir.mkdir()
    (mod_dir / "wit_user_funcs.py").write_text("def double(x):\n    return x * 2\n")
    monkeypatch.syspath_prepend(str(mod_dir))
    import wit_user_funcs

    pipe = make_pipeline(FunctionTransformer(wit_user_funcs.double), LogisticRegression()).fit(
        frame[FEATURES], frame["y"]
    )
    path = tmp_path / "custom.skops"
    sio.dump(pipe, path)
    yield path, pipe
    sys.modules.pop("wit_user_funcs", None)


@pytest.mark.bad_input
def test_skops_untrusted_type_is_refused(untrusted_skops):
    path, _ = untrusted_skops
    err = raises_wit(load_model, path)
    assert "wit_user_funcs.double" in err.message
    assert "--trust" in err.hint


def test_skops_untrusted_type_loads_with_trust(untrusted_skops, frame):
    path, pipe = untrusted_skops
    model = load_model(path, trust=True)
    np.testing.assert_array_equal(model.estimator.predict_proba(frame[FEATURES]), pipe.predict_proba(frame[FEATURES]))


@pytest.mark.bad_input
def test_corrupt_skops(tmp_path):
    path = tmp_path / "broken.skops"
    path.write_bytes(b"this is not a zip file")
    err = raises_wit(load_model, path)
    assert "skops" in err.message


@pytest.mark.bad_input
def test_model_file_holding_a_dict(tmp_path):
    path = tmp_path / "dict.joblib"
    joblib.dump({"coef": [1, 2, 3]}, path)
    err = raises_wit(load_model, path, trust=True)
    assert "dict" in err.message and "estimator" in err.message


@pytest.mark.bad_input
def test_unfitted_estimator(tmp_path):
    path = tmp_path / "unfitted.joblib"
    joblib.dump(LogisticRegression(), path)
    err = raises_wit(load_model, path, trust=True)
    assert "LogisticRegression" in err.message and "not been fitted" in err.message
    assert "fit" in err.hint


@pytest.mark.bad_input
def test_truncated_joblib(tmp_path, binary_model):
    full = tmp_path / "full.joblib"
    joblib.dump(make_pipeline(StandardScaler(), binary_model), full)
    data = full.read_bytes()
    path = tmp_path / "truncated.joblib"
    path.write_bytes(data[: len(data) // 2])
    err = raises_wit(load_model, path, trust=True)
    assert str(path) in err.message and "could not be loaded" in err.message


# ================================================================= Session validation
@pytest.mark.bad_input
def test_label_column_missing(data_only, binary_model):
    err = raises_wit(Session, data_only, [loaded(binary_model)], label="income")
    assert "'income'" in err.message
    for col in data_only.columns:
        assert col in err.message  # the message lists the columns there are
    assert "--label" in err.hint


@pytest.mark.bad_input
def test_label_all_missing(data_only, binary_model):
    data = data_only.assign(y=np.nan)
    err = raises_wit(Session, data, [loaded(binary_model)], label="y")
    assert "'y'" in err.message and "missing" in err.message


@pytest.mark.bad_input
def test_features_naming_unknown_columns(data_only, binary_model):
    err = raises_wit(Session, data_only, [loaded(binary_model)], label="y", features=["alpha", "height", "weight"])
    assert "height" in err.message and "weight" in err.message
    assert "alpha" not in err.message


@pytest.mark.bad_input
def test_model_needs_columns_the_data_lacks(data_only, binary_model):
    data = data_only.drop(columns=["beta", "gamma"])
    err = raises_wit(Session, data, [loaded(binary_model, "clf")], label="y")
    assert "clf" in err.message
    assert "beta" in err.message and "gamma" in err.message
    assert "alpha" not in err.message


def test_empty_dataframe(data_only, binary_model):
    err = raises_wit(Session, data_only.iloc[:0], [loaded(binary_model)], label="y")
    assert "no rows" in err.message


@pytest.mark.bad_input
def test_no_model(data_only):
    err = raises_wit(Session, data_only, [], label="y")
    assert "model" in err.message


@pytest.mark.bad_input
def test_more_than_two_models(data_only, binary_model):
    err = raises_wit(Session, data_only, [loaded(binary_model, n) for n in "abc"], label="y")
    assert "3 models" in err.message


@pytest.mark.bad_input
def test_label_given_as_a_feature(data_only, binary_model):
    err = raises_wit(Session, data_only, [loaded(binary_model)], label="y", features=["alpha", "y"])
    assert "'y'" in err.message and "feature" in err.message


@pytest.mark.bad_input
def test_positive_not_a_class(data_only, binary_model):
    err = raises_wit(Session, data_only, [loaded(binary_model)], label="y", positive="7")
    assert "'7'" in err.message and "0, 1" in err.message
    assert "--positive" in err.hint


@pytest.mark.bad_input
def test_positive_for_a_regressor(frame):
    reg = LinearRegression().fit(frame[FEATURES], frame["target"])
    err = raises_wit(Session, frame[FEATURES + ["target"]], [loaded(reg)], label="target", positive="1")
    assert "--positive" in err.message and "regressor" in err.message


def test_positive_as_string_matches_int_class(data_only, binary_model):
    s = Session(data_only, [loaded(binary_model)], label="y", positive="1")
    assert s.task.positive == 1 and type(s.task.positive) is int
    assert s.task.positive_index == 1
    np.testing.assert_array_equal(s.y_positive, data_only["y"].to_numpy() == 1)


@pytest.mark.parametrize("typed", ["1", "1.0"])
def test_positive_as_string_matches_float_class(data_only, typed):
    """A model fitted on a float label (0.0/1.0) takes --positive 1 as the CLI passes it, a string."""
    clf = LogisticRegression().fit(data_only[FEATURES], data_only["y"].astype(np.float64))
    assert clf.classes_.tolist() == [0.0, 1.0]
    s = Session(data_only, [loaded(clf)], label="y", positive=typed)
    assert s.task.positive == 1.0 and s.task.positive_index == 1


def test_positive_as_float_string_matches_int_class(data_only, binary_model):
    s = Session(data_only, [loaded(binary_model)], label="y", positive="0.0")
    assert s.task.positive == 0 and s.task.positive_index == 0


def test_positive_zero_flips_the_score(data_only, binary_model):
    s = Session(data_only, [loaded(binary_model)], label="y", positive=0)
    assert s.task.positive == 0
    np.testing.assert_allclose(s.scores(0).score, binary_model.predict_proba(data_only[FEATURES])[:, 0], rtol=1e-12)


def test_default_positive_is_second_class(frame):
    clf = LogisticRegression().fit(frame[FEATURES], frame["yes_no"])
    s = Session(frame[FEATURES + ["yes_no"]], [loaded(clf)], label="yes_no")
    assert s.task.kind == "binary"
    assert s.task.classes == tuple(clf.classes_) == ("no", "yes")
    assert s.task.positive == clf.classes_[1]
    np.testing.assert_allclose(s.scores(0).score, clf.predict_proba(frame[FEATURES])[:, 1], rtol=1e-12)


@pytest.mark.bad_input
def test_linear_svc_uses_decision_function(data_only):
    svc = LinearSVC().fit(data_only[FEATURES], data_only["y"])
    assert not hasattr(svc, "predict_proba")
    s = Session(data_only, [loaded(svc)], label="y")
    assert s.tasks[0].score_method == "decision_function"
    assert s.tasks[0].default_threshold == 0.0
    scores = s.scores(0)
    np.testing.assert_allclose(scores.score, svc.decision_function(data_only[FEATURES]), rtol=1e-12)
    np.testing.assert_array_equal(scores.label.astype(np.int64), svc.predict(data_only[FEATURES]))


def test_multiclass_detection(frame):
    clf = LogisticRegression().fit(frame[FEATURES], frame["y3"])
    s = Session(frame[FEATURES + ["y3"]], [loaded(clf)], label="y3")
    assert s.task.kind == "multiclass"
    assert s.task.classes == (0, 1, 2)
    assert s.task.positive is None
    scores = s.scores(0)
    np.testing.assert_allclose(scores.proba, clf.predict_proba(frame[FEATURES]), rtol=1e-12)
    np.testing.assert_array_equal(scores.label.astype(np.int64), clf.predict(frame[FEATURES]))


def test_regression_detection(frame):
    reg = LinearRegression().fit(frame[FEATURES], frame["target"])
    s = Session(frame[FEATURES + ["target"]], [loaded(reg)], label="target")
    assert s.task.kind == "regression"
    assert not s.task.is_classification
    np.testing.assert_allclose(s.scores(0).score, reg.predict(frame[FEATURES]), rtol=1e-12)
    np.testing.assert_array_equal(s.y, frame["target"].to_numpy())


def test_regression_label_with_text(frame):
    reg = LinearRegression().fit(frame[FEATURES], frame["target"])
    data = frame[FEATURES + ["target"]].astype({"target": object})
    data.loc[[2, 5, 9], "target"] = "n/a"
    err = raises_wit(Session, data, [loaded(reg)], label="target")
    assert "'target'" in err.message and "3 non-numeric" in err.message


def test_two_models_of_different_tasks(frame):
    clf = LogisticRegression().fit(frame[FEATURES], frame["y"])
    reg = LinearRegression().fit(frame[FEATURES], frame["target"])
    err = raises_wit(Session, frame[FEATURES + ["y"]], [loaded(clf, "clf"), loaded(reg, "reg")], label="y")
    assert "clf" in err.message and "reg" in err.message
    assert "binary" in err.message and "regression" in err.message


def test_two_models_binary_vs_multiclass(frame):
    clf2 = LogisticRegression().fit(frame[FEATURES], frame["y"])
    clf3 = LogisticRegression().fit(frame[FEATURES], frame["y3"])
    err = raises_wit(Session, frame[FEATURES + ["y"]], [loaded(clf2, "two"), loaded(clf3, "three")], label="y")
    assert "multiclass" in err.message


def test_session_without_label(data_only, binary_model):
    data = data_only[FEATURES]
    s = Session(data, [loaded(binary_model)], label=None)
    assert s.has_label is False and s.y is None
    assert s.features == FEATURES
    scores = s.scores(0)
    assert len(scores) == len(data)
    np.testing.assert_allclose(scores.score, binary_model.predict_proba(data)[:, 1], rtol=1e-12)


@pytest.mark.bad_input
def test_unknown_label_values_warn(data_only, binary_model):
    data = data_only.copy()
    data.loc[[3, 7], "y"] = 5
    s = Session(data, [loaded(binary_model)], label="y")
    assert len(s.warnings) == 1
    assert "'y'" in s.warnings[0] and "5" in s.warnings[0]
    assert s.has_label
    assert not s.y_positive[3] and not s.y_positive[7]


def test_known_label_values_do_not_warn(data_only, binary_model):
    s = Session(data_only, [loaded(binary_model)], label="y")
    assert s.warnings == []


# ================================================================= scoring (real Adult demo)
def test_scores_are_cached(adult):
    for i in range(len(adult.models)):
        first = adult.scores(i)
        assert adult.scores(i) is first
        assert len(first) == adult.n_rows


def test_infer_matches_full_scoring(adult):
    n_models = len(adult.models)
    assert n_models == 2
    full = [adult.scores(i) for i in range(n_models)]
    before = [(f.score.copy(), f.label.copy()) for f in full]
    for r in range(5):
        one = adult.infer(adult.row(r))  # one row, every model
        assert len(one) == n_models
        for i in range(n_models):
            assert len(one[i]) == 1
            np.testing.assert_allclose(one[i].score, full[i].score[r : r + 1], rtol=1e-12)
            assert one[i].label[0] == full[i].label[r]
    # infer scores one row on the side: the cached full scores are untouched
    for i in range(n_models):
        assert adult.scores(i) is full[i]
        np.testing.assert_array_equal(full[i].score, before[i][0])
        np.testing.assert_array_equal(full[i].label, before[i][1])


def test_infer_sees_an_edit(adult):
    """Re-scoring an edited row gives the model's answer for the edited values, not the cached one."""
    row = adult.row(0)
    edited = dict(row, capital_gain=row["capital_gain"] + 50_000)
    expected = adult.models[0].estimator.predict_proba(
        pd.DataFrame([edited]).astype({c: adult.data[c].dtype for c in adult.features})
    )[:, adult.task.positive_index]
    got = adult.infer(edited)[0].score
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert abs(got[0] - adult.scores(0).score[0]) > 1e-6


@pytest.mark.parametrize("model_index", [0, 1])
def test_chunked_parallel_scoring_is_identical(adult, model_index):
    est = adult.models[model_index].estimator
    X = adult.model_input(model_index)
    seen = []
    task = adult.tasks[model_index]
    chunked = score_frame(est, X, task, chunk_size=1000, n_jobs=2, progress=lambda a, b: seen.append((a, b)))
    whole = score_frame(est, X, task, chunk_size=len(X), n_jobs=1)
    np.testing.assert_array_equal(chunked.score, whole.score)
    np.testing.assert_array_equal(chunked.label, whole.label)
    assert len(chunked) == len(X) == adult.n_rows
    assert seen[-1] == (len(X), len(X))


def test_scoring_failure_is_a_wit_error(data_only, binary_model):
    s = Session(data_only, [loaded(binary_model, "clf")], label="y")
    bad = data_only[FEATURES].assign(beta="not a number")
    err = raises_wit(score_frame, binary_model, bad, s.tasks[0], model_name="clf")
    assert "clf" in err.message


def test_csv_writer_round_trip_with_quotes(tmp_path):
    """A quoted field holding the delimiter stays one field."""
    path = tmp_path / "quoted.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "note"])
        w.writerow(["a", "x, y"])
    frame = load_data(path)
    assert frame["note"].tolist() == ["x, y"]


def test_loaded_name_defaults_to_stem(tmp_path, binary_model):
    path = Path(tmp_path) / "my-model.skops"
    sio.dump(binary_model, path)
    assert load_model(path).name == "my-model"
