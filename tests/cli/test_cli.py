"""The real command line, run in a subprocess: bad input is one message on stderr and exit code 2.

Every case here must fail before the interactive app starts; none of them
opens a screen (stdin is /dev/null and each run has a timeout).
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

FEATURES = ["alpha", "beta", "gamma"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A small fitted model saved as .skops and .joblib, and CSVs with and without its columns."""
    root = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f: rng.normal(size=60) for f in FEATURES})
    frame["y"] = (frame["alpha"] > 0).astype(int)
    model = LogisticRegression().fit(frame[FEATURES], frame["y"])
    paths = {
        "skops": root / "model.skops",
        "joblib": root / "model.joblib",
        "csv": root / "data.csv",
        "partial_csv": root / "partial.csv",
        "cache": root / "cache",
        "root": root,
    }
    sio.dump(model, paths["skops"])
    joblib.dump(model, paths["joblib"])
    frame.to_csv(paths["csv"], index=False)
    frame[["alpha", "y"]].to_csv(paths["partial_csv"], index=False)
    paths["cache"].mkdir()
    return paths


def start_cli(args, files):
    env = dict(os.environ, WIT_TUI_CACHE_DIR=str(files["cache"]))
    return subprocess.Popen(
        [sys.executable, "-m", "wit_tui", *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=files["root"],
    )


def finish(popen, timeout=60):
    try:
        out, err = popen.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.communicate()
        raise
    return subprocess.CompletedProcess(popen.args, popen.returncode, out, err)


def run_cli(args, files):
    return finish(start_cli(args, files))


def bad_cases(files):
    root = files["root"]
    return {
        "missing_data": ["--model", files["skops"], "--data", root / "no-such-data.csv", "--label", "y"],
        "missing_model": ["--model", root / "no-such-model.skops", "--data", files["csv"], "--label", "y"],
        "joblib_untrusted": ["--model", files["joblib"], "--data", files["csv"], "--label", "y"],
        "unknown_label": ["--model", files["skops"], "--data", files["csv"], "--label", "income"],
        "missing_columns": ["--model", files["skops"], "--data", files["partial_csv"], "--label", "y"],
        "model_without_data": ["--model", files["skops"]],
        "data_without_model": ["--data", files["csv"]],
        "demo_with_model": ["--demo", "adult", "--model", "x.skops"],
    }


@pytest.fixture(scope="module")
def bad(files):
    """Every bad-input run, started at once (each pays Python + sklearn start-up) and then collected."""
    running = {name: start_cli(args, files) for name, args in bad_cases(files).items()}
    try:
        return {name: finish(p) for name, p in running.items()}
    finally:
        for p in running.values():
            if p.poll() is None:
                p.kill()
                p.communicate()


def test_version(files):
    proc = run_cli(["--version"], files)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"wit-tui {version('wit-tui')}"


def test_help(files):
    proc = run_cli(["--help"], files)
    assert proc.returncode == 0, proc.stderr
    for flag in ("--model", "--trust", "--demo", "--data", "--label"):
        assert flag in proc.stdout


def assert_usage_error(proc, *needles):
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    err = proc.stderr
    assert "Traceback" not in err, err
    assert err.startswith("wit-tui: error:"), err
    assert err.count("wit-tui: error:") == 1, err
    message = err.splitlines()[0]
    for needle in needles:
        assert needle in err, (needle, err)
    return message


@pytest.mark.bad_input
def test_missing_data_file(bad, files):
    missing = files["root"] / "no-such-data.csv"
    proc = bad["missing_data"]
    message = assert_usage_error(proc, str(missing))
    assert "does not exist" in message


@pytest.mark.bad_input
def test_missing_model_file(bad, files):
    missing = files["root"] / "no-such-model.skops"
    proc = bad["missing_model"]
    message = assert_usage_error(proc, str(missing))
    assert "does not exist" in message


@pytest.mark.bad_input
def test_joblib_without_trust(bad, files):
    proc = bad["joblib_untrusted"]
    message = assert_usage_error(proc, str(files["joblib"]), "--trust", "skops")
    assert "code" in message.replace(str(files["joblib"]), "")


@pytest.mark.bad_input
def test_unknown_label_column(bad, files):
    proc = bad["unknown_label"]
    message = assert_usage_error(proc, "'income'")
    for col in FEATURES + ["y"]:
        assert col in message


@pytest.mark.bad_input
def test_model_needs_missing_columns(bad, files):
    proc = bad["missing_columns"]
    message = assert_usage_error(proc)
    assert "beta" in message and "gamma" in message


def test_model_without_data(bad, files):
    proc = bad["model_without_data"]
    message = assert_usage_error(proc)
    assert "--data" in message


def test_data_without_model(bad, files):
    proc = bad["data_without_model"]
    message = assert_usage_error(proc)
    assert "--data" in message and "--model" in message


def test_demo_with_model(bad, files):
    proc = bad["demo_with_model"]
    message = assert_usage_error(proc)
    assert "--demo" in message and "--model" in message
