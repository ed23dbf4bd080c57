"""Benchmark ``validate``'s behaviour tests (issue 16) against scoring the perturbed rows with the models' own
``predict_proba``, in the same run.

``rows(n_rows, repeat)`` returns ``(operation, ours_seconds, reference_seconds, reference_name)`` tuples, best of
``repeat``. On the seeded synthetic data of ``run.py`` with two models fitted on 20,000 of its rows (a logistic
regression pipeline and a gradient boosting), a suite of 20 tests of mixed kinds (set on categoricals, shift,
scale, swap, resample; invariance with flip rates and score changes, directional, two cases files, some sliced)
runs on both models through ``validate_session``, the data's own scores already made (the session scores once,
as when the data is opened). The reference is the floor: each perturbed frame, built beforehand with pandas,
scored by each model's ``predict_proba`` (issue target: ours at most 1.5x the reference at 1,000,000 rows).
Run alone: ``python benchmarks/bench_behaviors.py [--rows N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.session.session import Session
from wit_tui.engine.validation.config import parse_config
from wit_tui.engine.validation.run import validate_session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import N_NUMERIC, make_data

FIT_ROWS = 20_000


def _models(frame: pd.DataFrame, features: list[str]) -> list[LoadedModel]:
    numeric, categorical = features[:N_NUMERIC], features[N_NUMERIC:]
    train = frame.iloc[:FIT_ROWS]
    pre = make_column_transformer(
        (make_pipeline(SimpleImputer(), StandardScaler()), numeric),
        (OneHotEncoder(handle_unknown="ignore"), categorical),
    )
    lr = make_pipeline(pre, LogisticRegression(max_iter=300)).fit(train[features], train["y"])
    hgb = HistGradientBoostingClassifier(max_iter=50, categorical_features="from_dtype", random_state=0)
    hgb.fit(train[features], train["y"])
    return [LoadedModel("lr", lr), LoadedModel("hgb", hgb)]


def _suite(frame: pd.DataFrame, folder: Path) -> list[dict[str, Any]]:
    """20 tests: 14 invariance, 4 directional, 2 cases files."""
    cases = frame.iloc[:50].drop(columns="y").assign(expected="[0.0, 1.0]")
    cases.to_csv(folder / "cases.csv", index=False)
    region = [str(c) for c in frame["region"].cat.categories]
    channel = [str(c) for c in frame["channel"].cat.categories][:4]
    inv = [
        {"perturb": {"set": {"region": region}}, "max_flip_rate": 1.0},
        {
            "perturb": {"set": {"channel": channel}},
            "max_flip_rate": 1.0,
            "slicing_specs": [{"feature_keys": ["region"]}],
        },
        {"perturb": {"shift": {"age": 5}}, "max_flip_rate": 1.0},
        {"perturb": {"shift": {"hours": -3}}, "max_score_change": 0.05, "max_fail_rate": 1.0},
        {"perturb": {"scale": {"income": 1.1}}, "max_flip_rate": 1.0},
        {"perturb": {"scale": {"balance": 0.5}}, "max_score_change": 0.1, "max_fail_rate": 1.0},
        {"perturb": {"swap": ["score_a", "score_b"]}, "max_flip_rate": 1.0},
        {"perturb": {"resample": ["segment"]}, "max_flip_rate": 1.0},
        {"perturb": {"resample": ["occupation", "country"]}, "max_flip_rate": 1.0, "seed": 3},
        {"perturb": {"set": {"segment": ["segment_0", "segment_1"]}}, "max_flip_rate": 1.0},
        {"perturb": {"shift": {"tenure": 1}}, "max_flip_rate": 1.0, "where": "age >= 30"},
        {
            "perturb": {"scale": {"debt_ratio": 1.2}},
            "max_flip_rate": 1.0,
            "max_score_change": 0.1,
            "max_fail_rate": 1.0,
        },
        {"perturb": {"set": {"children": [0, 2]}}, "max_flip_rate": 1.0},
        {"perturb": {"resample": ["region"]}, "max_flip_rate": 1.0, "slicing_specs": [{"feature_keys": ["channel"]}]},
    ]
    dirs = [
        {"perturb": {"shift": {"gain": 1000}}, "expect": "not_decrease"},
        {"perturb": {"shift": {"debt_ratio": 0.5}}, "expect": "not_increase"},
        {"perturb": {"scale": {"income": 1.5}}, "expect": "not_decrease", "tolerance": 0.01},
        {"perturb": {"shift": {"score_a": 0.2}}, "expect": "increase"},
    ]
    suite = [{"kind": "invariance", **t} for t in inv] + [
        {"kind": "directional", "max_fail_rate": 1.0, **t} for t in dirs
    ]
    suite += [{"kind": "cases", "cases": "cases.csv", "min_pass_rate": 0.0}] * 2
    return [{"name": f"t{k + 1}", **t} for k, t in enumerate(suite)]


def _perturbed_frames(frame: pd.DataFrame, spec: dict[str, Any], rng: np.random.Generator) -> list[pd.DataFrame]:
    """The reference's perturbed frames, with pandas (scored, not timed)."""
    if spec["kind"] == "cases":
        return [pd.read_csv(spec["_path"])]
    rows = frame if "where" not in spec else frame[frame["age"] >= 30]
    ((kind, body),) = spec["perturb"].items()
    if kind == "set":
        ((f, values),) = body.items()
        return [
            rows.assign(
                **{f: pd.Categorical([v] * len(rows), dtype=rows[f].dtype) if rows[f].dtype == "category" else v}
            )
            for v in values
        ]
    if kind == "shift":
        return [rows.assign(**{f: rows[f] + a for f, a in body.items()})]
    if kind == "scale":
        return [rows.assign(**{f: rows[f] * a for f, a in body.items()})]
    if kind == "swap":
        a, b = body
        return [rows.assign(**{a: rows[b].to_numpy(), b: rows[a].to_numpy()})]
    return [
        rows.assign(
            **{f: rows[f].sample(len(rows), replace=True, random_state=rng.integers(1 << 30)).to_numpy() for f in body}
        )
    ]


def rows(n_rows: int, repeat: int) -> list[tuple[str, float, float, str]]:
    frame, features, _, _ = make_data(n_rows, seed=0)
    models = _models(frame, features)
    session = Session(frame, models, label="y")
    session.score_all()  # the data's own scores: made once when the data is opened
    with tempfile.TemporaryDirectory() as tmp:
        suite = _suite(frame, Path(tmp))
        config = parse_config({"threshold": 0.5, "behaviors": suite}, source=str(Path(tmp) / "c.toml"))
        rng = np.random.default_rng(0)
        for spec in suite:
            spec["_path"] = str(Path(tmp) / "cases.csv")
        frames = [f[features] for spec in suite for f in _perturbed_frames(frame, spec, rng)]
        n_scored = sum(len(f) for f in frames)
        ours = ref = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = validate_session(session, config, candidate=1, baseline=0)
            ours = min(ours, time.perf_counter() - t0)
            t0 = time.perf_counter()
            for f in frames:
                for m in models:
                    m.estimator.predict_proba(f)
            ref = min(ref, time.perf_counter() - t0)
    assert len({o.behavior for o in result.behaviors}) == 20
    name = f"each model's predict_proba on the {n_scored:,} perturbed rows (target: ratio <= 1.5 at 1M rows)"
    return [("behaviour tests: a 20-test suite on 2 models (validate_session)", ours, ref, name)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args(argv)
    print(f"{'operation':<66} {'ours s':>8} {'ref s':>8} {'ratio':>7}  reference")
    for op, ours, ref, name in rows(args.rows, args.repeat):
        print(f"{op:<66} {ours:>8.2f} {ref:>8.2f} {ours / ref:>7.3g}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
