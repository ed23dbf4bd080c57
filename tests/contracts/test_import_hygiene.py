"""The engine and the CLI module stay headless: importing them (and using the engine) never imports Textual."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

HEADER = textwrap.dedent(
    """
    import json, sys

    def textual_modules():
        return sorted(m for m in sys.modules if m == "textual" or m.startswith(("textual.", "textual_")))
    """
)


def run_python(code: str, tmp_path) -> dict:
    env = dict(os.environ, WIT_TUI_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run(
        [sys.executable, "-c", HEADER + textwrap.dedent(code)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_engine_and_cli_import_without_textual(tmp_path):
    result = run_python(
        """
        import importlib, pkgutil
        import wit_tui.engine
        names = [m.name for m in pkgutil.walk_packages(wit_tui.engine.__path__, "wit_tui.engine.")]
        for name in names:
            importlib.import_module(name)
        import wit_tui.cli.main
        print(json.dumps({"modules": names, "textual": textual_modules()}))
        """,
        tmp_path,
    )
    # discovery worked: the engine's known modules are among those imported
    for expected in (
        "core.errors",
        "data.loading",
        "data.tasks",
        "session.session",
        "data.scoring",
        "analysis.stats",
        "metrics.binary",
        "analysis.performance",
        "demo",
        "validation.run",
        "whatif.counterfactual",
    ):
        assert f"wit_tui.engine.{expected}" in result["modules"]
    assert result["textual"] == []


def test_engine_in_use_stays_headless(tmp_path):
    """Lazy imports inside engine functions count too: load, score, summarise and fail, then check."""
    result = run_python(
        """
        import joblib, numpy as np, pandas as pd
        from sklearn.linear_model import LogisticRegression
        from wit_tui.engine import WitError, dataset_stats, histogram, load_data, load_model
        from wit_tui.engine import model_performance, open_session
        from wit_tui.cli.main import _run_parser, build_session

        rng = np.random.default_rng(0)
        frame = pd.DataFrame({"a": rng.normal(size=50), "b": rng.choice(["x", "y"], size=50)})
        frame["y"] = (frame["a"] > 0).astype(int)
        joblib.dump(LogisticRegression().fit(frame[["a"]], frame["y"]), "m.joblib")
        frame.to_csv("d.csv", index=False)
        s = open_session("m.joblib", "d.csv", "y", features=["a"], trust=True)
        s.score_all()
        s.infer(s.row(0))
        perf = model_performance(s, 0)
        dataset_stats(s.data, ["a", "b"])
        histogram(s.data["a"]); histogram(s.data["b"])
        try:
            build_session(_run_parser().parse_args(["--data", "d.csv"]))
        except WitError:
            pass
        print(json.dumps({"acc": perf.binary.accuracy, "textual": textual_modules()}))
        """,
        tmp_path,
    )
    assert 0.0 <= result["acc"] <= 1.0
    assert result["textual"] == []
