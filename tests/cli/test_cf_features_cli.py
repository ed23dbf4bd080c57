"""``--cf-features`` on the real command line (in-process): a bad value is one ``wit-tui: error:`` and exit 2
before the app opens; a good one reaches the app as the checked features, ``-A`` needing no ``=``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from wit_tui.cli.main import main
from wit_tui.tui.app import WitApp


@pytest.fixture
def files(tmp_path):
    """A model reading a and b; the data has ``leak`` too, which no model reads."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40), "leak": rng.normal(size=40)})
    frame["y"] = (frame["a"] > 0).astype(int)
    sio.dump(LogisticRegression().fit(frame[["a", "b"]], frame["y"]), tmp_path / "m.skops")
    frame.to_csv(tmp_path / "d.csv", index=False)
    return tmp_path


def _args(files, *more):
    return ["--model", str(files / "m.skops"), "--data", str(files / "d.csv"), "--label", "y", *more]


@pytest.fixture
def opened(monkeypatch):
    """The options the app would have opened with (the app itself is not run)."""
    seen = []

    def run(self, *_a, **_k):
        seen.append(self.options)

    monkeypatch.setattr(WitApp, "run", run)
    return seen


@pytest.mark.parametrize(
    "value,want",
    [
        (None, None),
        ("a,leak", ("a", "leak")),
        ("-b", ("a",)),
        ("+leak", ("a", "b", "leak")),
        ("-b,+leak", ("a", "leak")),
    ],
)
def test_cf_features_reach_the_app_checked(files, opened, value, want):
    extra = [] if value is None else ["--cf-features", value]  # "-b" as its own word: no = needed
    assert main(_args(files, *extra)) == 0
    assert opened[0].cf_features == want


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "value,needle",
    [
        ("a,nope", "--cf-features names 'nope', which is not a feature. Features: a, b, leak."),
        ("-nope", "--cf-features names 'nope', which is not a feature. Features: a, b, leak."),
        ("y", "names the label 'y'"),
        ("a,-b", "mixes a list of features (a) with changes (-b)"),
        ("-a,-b", "leaves no feature"),
    ],
)
def test_bad_cf_features_exit_2_naming_the_column_and_listing_the_features(files, opened, capsys, value, needle):
    code = main(_args(files, "--cf-features", value))
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("wit-tui: error:") and needle in " ".join(err.split())
    assert "Traceback" not in err and not opened


def test_cf_features_in_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--cf-features" in out and "-A,+B drops from / adds to the default" in out
