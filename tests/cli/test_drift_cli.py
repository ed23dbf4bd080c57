"""Drift checked against scipy on the real Adult data (train split as the reference, test split as current),
PSI on hand-checkable cases, PSI/JS properties with hypothesis, and bad input."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest


# -- --reference on the command line: bad input fails before any screen opens ----------------------------
@pytest.fixture(scope="module")
def cli_files(tmp_path_factory):
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    root = tmp_path_factory.mktemp("ref")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    frame["y"] = (frame["a"] > 0).astype(int)
    sio.dump(LogisticRegression().fit(frame[["a", "b"]], frame["y"]), root / "m.skops")
    frame.to_csv(root / "d.csv", index=False)
    pd.DataFrame({"zzz": [1, 2]}).to_csv(root / "other.csv", index=False)
    return root


def _run(args, root):
    env = dict(os.environ, WIT_TUI_CACHE_DIR=str(root / "cache"))
    return subprocess.run(
        [sys.executable, "-m", "wit_tui", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=root,
    )


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("reference", "needle"),
    [("missing.csv", "reference file missing.csv does not exist"), ("other.csv", "none of the feature columns")],
)
def test_cli_bad_reference_exits_2(cli_files, reference, needle):
    proc = _run(["--model", "m.skops", "--data", "d.csv", "--label", "y", "--reference", reference], cli_files)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr and "Traceback" not in proc.stderr
