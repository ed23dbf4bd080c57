"""Benchmark the Features screen's engine against what a user would otherwise call, in the same run.

``rows(n_rows, repeat)`` returns ``(operation, ours_seconds, reference_seconds, reference_name)`` tuples, best of
``repeat``, timed interleaved so that load drift hits both sides alike:

- the whole statistics table plus every feature's histogram (``stats.dataset_profile``: count, missing, zeros,
  mean, std, min, median, max, unique, top, freq, entropy, non-uniformity, flags, and a 20-bin histogram or the
  top categories per column) against ``DataFrame.describe(include="all")`` alone (the issue's target: ratio ≤ 1.5);
- drift of every feature between two datasets of ``n_rows`` (``drift.dataset_drift``: PSI, Jensen–Shannon,
  KS or chi-square) against the scipy calls done naively per feature: ``ks_2samp`` on each numeric column's
  non-missing values, and ``pd.crosstab`` + ``chi2_contingency`` + ``jensenshannon`` on each categorical one.

Results are checked before they are timed (statistics against describe, KS and chi-square against scipy).
Run alone: ``python benchmarks/bench_features.py [--rows N] [--repeat R]``; ``benchmarks/run.py`` can import
``rows`` and add them to its table.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, ks_2samp

from wit_tui.engine.analysis.drift import dataset_drift
from wit_tui.engine.analysis.stats import dataset_profile
from wit_tui.engine.core.columns import is_numeric

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import make_data

REFERENCE_STATS = 'pandas frame.describe(include="all")'
REFERENCE_DRIFT = "scipy per feature: ks_2samp / crosstab + chi2_contingency + jensenshannon"


def _best_of(fns: list[Callable[[], Any]], repeat: int) -> list[float]:
    """Best-of-``repeat`` seconds of each function, the functions interleaved (after one warm-up call each)."""
    best = [float("inf")] * len(fns)
    for fn in fns:
        fn()
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


def naive_drift(reference: pd.DataFrame, current: pd.DataFrame, columns: list[str]) -> dict[str, tuple]:
    """What a user writes by hand: one scipy call per feature, no shared binning, no PSI."""
    out = {}
    for c in columns:
        if is_numeric(reference[c]):
            r = ks_2samp(reference[c].dropna(), current[c].dropna())
            out[c] = (r.statistic, r.pvalue)
        else:
            side = np.r_[np.zeros(len(reference), np.int8), np.ones(len(current), np.int8)]
            values = pd.concat([reference[c], current[c]], ignore_index=True)
            table = pd.crosstab(side, values).to_numpy()
            chi2, p, _, _ = chi2_contingency(table)
            js = jensenshannon(table[0] / table[0].sum(), table[1] / table[1].sum(), base=2)
            out[c] = (chi2, p, js)
    return out


def _check(frame: pd.DataFrame, features: list[str], reference: pd.DataFrame, current: pd.DataFrame) -> None:
    desc = frame[features].describe(include="all")
    for st in dataset_profile(frame, features).stats:
        d = desc[st.name]
        assert st.count == int(d["count"]), st.name
        if st.kind == "numeric":
            got = [st.mean, st.std, st.min, st.median, st.max]
            want = [d["mean"], d["std"], d["min"], d["50%"], d["max"]]
            np.testing.assert_allclose(got, np.asarray(want, dtype=float), rtol=1e-9, err_msg=st.name)
        else:
            assert (st.unique, st.top, st.freq) == (d["unique"], d["top"], d["freq"]), st.name
    ours = dataset_drift(reference, current, features).by_name()
    for c, ref in naive_drift(reference, current, features).items():
        d = ours[c]
        if d.kind == "numeric":
            assert (d.ks_statistic, d.ks_pvalue) == ref, c
        else:  # no missing values in the categorical columns: the same table
            np.testing.assert_allclose([d.chi2, d.chi2_pvalue, d.js_distance], ref, rtol=1e-9, err_msg=c)


def rows(n_rows: int, repeat: int) -> list[tuple[str, float, float, str]]:
    """The Features rows of the benchmark table: (operation, ours s, reference s, reference name)."""
    frame, features, _, _ = make_data(n_rows, seed=0)
    current, _, _, _ = make_data(n_rows, seed=1)
    # a little real drift in the current data, so neither side takes a shortcut
    current["age"] = current["age"] + 1.0
    _check(frame, features, frame, current)
    X = frame[features]
    stats_ours, stats_ref = _best_of([lambda: dataset_profile(X, features), lambda: X.describe(include="all")], repeat)
    drift_ours, drift_ref = _best_of(
        [lambda: dataset_drift(frame, current, features), lambda: naive_drift(frame, current, features)],
        max(1, min(repeat, 3)),
    )
    n = len(features)
    return [
        (f"statistics table + every histogram ({n} columns): dataset_profile", stats_ours, stats_ref, REFERENCE_STATS),
        (
            f"drift of {n} features, {n_rows:,} vs {n_rows:,} rows (PSI, JS, KS / χ²): dataset_drift",
            drift_ours,
            drift_ref,
            REFERENCE_DRIFT,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    print(f"{'operation':<78} {'ours ms':>9} {'ref ms':>9} {'ratio':>6}  reference")
    for op, ours, ref, name in rows(args.rows, args.repeat):
        print(f"{op:<78} {ours * 1e3:>9.1f} {ref * 1e3:>9.1f} {ours / ref:>6.2f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
