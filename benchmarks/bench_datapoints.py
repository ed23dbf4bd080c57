"""Datapoint editor benchmark rows: ours vs the call a user would otherwise make, timed in the same run.

``rows(n_rows, repeat)`` returns ``(operation, ours_seconds, reference_seconds, reference_name)`` tuples for
``benchmarks/run.py``; ``python benchmarks/bench_datapoints.py [--rows N] [--repeat R]`` prints them alone.

- nearest counterfactual (What-If Tool distance, missing values and categories included, candidates masked)
  vs a plain numpy L1 scan ``np.abs(M - x).sum(axis=1)`` + argmin of the same float32 matrix (numeric
  columns already scaled, category codes as floats) — the issue's target: ours no slower;
- encoding the data for distances (once per session) vs building that float32 matrix with pandas;
- re-inference of one edited row (dict → typed one-row frame → the model) vs the model's own
  ``predict_proba`` on a prepared one-row frame (target: at most 2x);
- a table page at row 999,000 of a sorted view vs the same page at row 0 (target: the same cost);
- sort by a column (np.argsort, stable) vs ``DataFrame.sort_values(kind="stable")``;
- a filter expression through our parser vs ``DataFrame.eval`` (which hands the text to Python/numexpr);
- the minimal-edit search on the Adult demo models (both models, one point) vs the issue's 1 s budget.

Every result is checked before it is timed (the counterfactual against a float64 brute force on a sample,
the filter and the sort against pandas).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

N_NUMERIC = 10
CAT_LEVELS = (3, 7, 12, 20, 30)


def make_frame(n: int, seed: int = 0) -> tuple[pd.DataFrame, list[str], np.ndarray]:
    """1M x 15 synthetic features (10 numeric, 1% missing in two; 5 categorical), a binary label, scores."""
    rng = np.random.default_rng(seed)
    cols: dict[str, Any] = {
        "age": np.round(rng.normal(40, 12, n).clip(17, 90)),
        "income": rng.lognormal(10.5, 0.6, n),
        "hours": rng.normal(40, 10, n).clip(1, 99),
        "tenure": rng.exponential(5.0, n),
        "balance": rng.normal(0, 1_000, n),
        "score_a": rng.uniform(0, 1, n),
        "score_b": rng.beta(2, 5, n),
        "debt_ratio": rng.gamma(2.0, 0.2, n),
        "children": rng.poisson(1.2, n).clip(0, 6).astype(np.float64),
        "gain": np.where(rng.random(n) < 0.9, 0.0, rng.lognormal(7, 1, n)),
    }
    for name in ("income", "tenure"):
        cols[name][rng.random(n) < 0.01] = np.nan
    logit = -1.0 + 0.03 * (cols["age"] - 40) + 0.04 * (cols["hours"] - 40) - 0.8 * cols["debt_ratio"]
    for name, levels in zip(("region", "channel", "segment", "occupation", "country"), CAT_LEVELS, strict=True):
        p = 1.0 / np.arange(1, levels + 1) ** 0.8
        codes = rng.choice(levels, size=n, p=p / p.sum())
        cols[name] = pd.Categorical.from_codes(codes, categories=[f"{name}_{k}" for k in range(levels)])
        logit = logit + rng.normal(0, 0.4, levels)[codes]
    frame = pd.DataFrame(cols)
    features = list(frame.columns)
    score = 1.0 / (1.0 + np.exp(-(logit + rng.normal(0, 0.8, n))))
    frame["y"] = (rng.random(n) < score).astype(np.int64)
    return frame, features, score


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _session(frame: pd.DataFrame, features: list[str], score: np.ndarray):
    """A Session over the synthetic frame with a small fitted pipeline; its whole-data scores are the
    synthetic ones (scoring a million rows is run.py's own row, not this one's)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder

    from wit_tui.engine.data.loading import LoadedModel
    from wit_tui.engine.data.scoring import Scores, labels_from
    from wit_tui.engine.session.session import Session

    cats = [f for f in features if isinstance(frame[f].dtype, pd.CategoricalDtype)]
    nums = [f for f in features if f not in cats]
    prep = ColumnTransformer([("cat", OrdinalEncoder(), cats), ("num", "passthrough", nums)])
    model = make_pipeline(
        prep, HistGradientBoostingClassifier(max_iter=50, random_state=0, categorical_features=list(range(len(cats))))
    )
    fit = frame.iloc[: min(50_000, len(frame))]
    model.fit(fit[features], fit["y"])
    s = Session(frame, [LoadedModel("hgb", model)], label="y", features=features)
    s._scores[0] = Scores(score=score, label=labels_from(score, None, s.task))
    return s, model


def rows(n_rows: int = 1_000_000, repeat: int = 5) -> list[tuple[str, float, float, str]]:
    from wit_tui.engine.data.inference import one_thread, score_dicts
    from wit_tui.engine.whatif import browse
    from wit_tui.engine.whatif.counterfactual import nearest_counterfactual
    from wit_tui.engine.whatif.distance_space import build_space, combine, distance_space, encode, terms

    frame, features, score = make_frame(n_rows)
    s, model = _session(frame, features, score)
    out: list[tuple[str, float, float, str]] = []
    p = len(features)

    # -- counterfactual vs a plain numpy L1 scan of the same float32 matrix -------------------
    t_build = best_of(lambda: build_space(frame, features), max(1, repeat // 2))
    space = distance_space(s)

    def ref_matrix() -> np.ndarray:
        num = frame[list(space.numeric)].to_numpy(dtype=np.float32, na_value=np.nan) * space.scale.astype(np.float32)
        codes = np.column_stack([frame[c].cat.codes.to_numpy() for c in space.categorical]).astype(np.float32)
        return np.nan_to_num(np.hstack([num, codes]))

    t_ref_build = best_of(ref_matrix, max(1, repeat // 2))
    out.append(
        (
            f"encode {n_rows:,}×{p} for distances (once per session)",
            t_build,
            t_ref_build,
            "pandas → float32 matrix (scaled numbers + category codes)",
        )
    )
    M = ref_matrix()
    i = 12_345 % n_rows
    x = M[i].copy()
    cand = (score >= 0.5) != (score[i] >= 0.5)
    cand[i] = False

    def ref_scan() -> int:
        d = np.abs(M - x).sum(axis=1)
        d[~cand] = np.inf
        return int(np.argmin(d))

    cf = nearest_counterfactual(s, i, 0, metric="L1", threshold=0.5)
    # check: the winner's exact distance is the minimum over a sample of candidates (float64, term by term)
    xe = encode(space, s.row(i))
    rng = np.random.default_rng(1)
    sample = rng.choice(np.flatnonzero(cand), size=min(2_000, int(cand.sum())), replace=False)
    from wit_tui.engine.whatif.distance_space import _row_encoded

    sample_min = min(combine(terms(space, xe, _row_encoded(space, int(r))), "L1") for r in sample)
    assert cf.distance <= sample_min + 1e-9, "counterfactual is not the nearest"
    assert cf.n_candidates == int(cand.sum())
    t_cf = best_of(lambda: nearest_counterfactual(s, i, 0, metric="L1", threshold=0.5), repeat)
    t_scan = best_of(ref_scan, repeat)
    out.append(
        (
            f"nearest counterfactual, {n_rows:,}×{p} (L1, WIT terms)",
            t_cf,
            t_scan,
            "numpy |M−x|.sum(1) + argmin, same float32 matrix",
        )
    )

    # -- re-inference of one edited row vs the model's own predict_proba on one row -------------
    row = s.model_row(i)
    row["age"] = 61.0
    one = frame.iloc[[i]][features].copy()
    one["age"] = 61.0
    got = score_dicts(s, [row])[0].score[0]
    want = model.predict_proba(one)[0, 1]
    assert abs(got - want) < 1e-12, "re-inference differs from predict_proba"
    t_infer = best_of(lambda: score_dicts(s, [row]), max(repeat, 20))

    def ref_one() -> None:
        with one_thread():  # the same OpenMP setting as ours, so only the overhead is compared
            model.predict_proba(one)

    t_pp = best_of(ref_one, max(repeat, 20))
    out.append(
        (
            "re-infer one edited row (dict → frame → model)",
            t_infer,
            t_pp,
            "model.predict_proba on a prepared 1-row frame (1 OpenMP thread, as ours)",
        )
    )

    # -- a page deep in a sorted view costs what a page at the top does -------------------------
    view = browse.build_view(s, browse.SortSpec("f:balance", "balance"))
    deep = max(0, n_rows - 1_000)
    assert browse.page(s, view, deep, deep + 30).ids.tolist() == view[deep : deep + 30].tolist()
    t_deep = best_of(lambda: browse.page(s, view, deep, deep + 30, [0.5]), max(repeat, 20))
    t_top = best_of(lambda: browse.page(s, view, 0, 30, [0.5]), max(repeat, 20))
    out.append((f"table page (30 rows) at row {deep:,} of a sorted view", t_deep, t_top, "the same page at row 0"))

    # -- sort by a column: one stable argsort, then cached ----------------------------------------
    def ours_sort() -> np.ndarray:
        s.memo.discard(("browse.order", "f:hours"))
        return browse.base_order(s, "f:hours")

    order = ours_sort()
    ref_order = frame.sort_values("hours", kind="stable").index.to_numpy()
    assert np.array_equal(order, ref_order), "sort order differs from pandas"
    out.append(
        (
            "sort by a column (stable argsort, cached after)",
            best_of(ours_sort, repeat),
            best_of(lambda: frame.sort_values("hours", kind="stable"), repeat),
            'DataFrame.sort_values(kind="stable")',
        )
    )

    # -- a filter expression: our parser vs pandas' eval ------------------------------------------
    expr = 'age > 40 and region == "region_1" and not (hours < 30)'
    mask = browse.expression_mask(s, expr)
    assert np.array_equal(mask, frame.eval(expr).to_numpy()), "filter differs from pandas"
    out.append(
        (
            "filter expression → mask (parser, no eval)",
            best_of(lambda: browse.expression_mask(s, expr), repeat),
            best_of(lambda: frame.eval(expr), repeat),
            "DataFrame.eval (hands the text to Python)",
        )
    )

    # -- the minimal-edit search on the demo models -----------------------------------------------
    from wit_tui.engine.demo import load_demo
    from wit_tui.engine.whatif.minimal_edit import minimal_edits

    adult = load_demo("adult")
    adult.score_all()

    def search() -> None:
        for m in range(len(adult.models)):
            minimal_edits(adult, 0, m, threshold=0.5)

    out.append(
        (
            "minimal-edit search, Adult demo, 2 models, 1 point",
            best_of(search, max(1, repeat // 2)),
            1.0,
            "the issue's budget: 1 s",
        )
    )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    results = rows(args.rows, args.repeat)
    width = max(len(r[0]) for r in results)
    print(f"{'operation':<{width}}  {'ours ms':>9}  {'ref ms':>9}  {'ratio':>6}  reference")
    for op, ours, ref, name in results:
        print(f"{op:<{width}}  {ours * 1e3:9.2f}  {ref * 1e3:9.2f}  {ours / ref:6.2f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
