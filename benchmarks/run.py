"""Benchmark the wit_tui engine against the calls a user would otherwise make.

A plain script, never a test: ``python benchmarks/run.py [--rows N] [--repeat R] [--markdown]``.

It builds a seeded synthetic dataset (default 1,000,000 rows x 15 features:
10 numeric, 5 categorical with 3-30 levels), a binary label correlated with the
features and realistic scores (sigmoid of a noisy linear combination). Every
engine result is first checked against its reference (metrics within 1e-9);
the script aborts if one differs. Then each operation and its reference are
timed in the same run, best of R, and printed as a table. Ratios
(ours / reference) are the comparable figures; absolute times depend on the
machine and its load.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)

from wit_tui.engine.analysis.stats import dataset_stats, histogram
from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.data.scoring import DEFAULT_CHUNK, score_frame
from wit_tui.engine.data.tasks import detect_task
from wit_tui.engine.metrics.binary import ThresholdIndex

# Per-screen benchmarks live beside this script; each exposes rows(n_rows, repeat) -> [(op, ours_s, ref_s, ref)].
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
SCREEN_BENCHMARKS = [
    m
    for m in ("bench_datapoints", "bench_performance", "bench_intervals", "bench_features", "bench_behaviors")
    if os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{m}.py"))
]

TOL = 1e-9
N_NUMERIC = 10
CAT_LEVELS = (3, 7, 12, 20, 30)
N_MOVES = 100
# A reference loop longer than this (estimated, per repetition) is timed on a subset and extrapolated.
MOVES_BUDGET_S = 1.0
SCORING_MAX_REPEAT = 3  # 2 below 500,000 rows, to keep a quick check quick
FIT_ROWS = 50_000
VERIFY_SCORING_ROWS = 3 * DEFAULT_CHUNK + 1_000


# -- data -------------------------------------------------------------------
def make_data(n: int, seed: int = 0) -> tuple[pd.DataFrame, list[str], np.ndarray, np.ndarray]:
    """Synthetic frame (15 features + label ``y``), the feature names, boolean labels and scores."""
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
        "children": rng.poisson(1.2, n).clip(0, 6).astype(np.float64),  # few integer values
        "gain": np.where(rng.random(n) < 0.9, 0.0, rng.lognormal(7, 1, n)),  # mostly zeros
    }
    # about 1% missing values in two numeric columns
    for name in ("income", "tenure"):
        cols[name][rng.random(n) < 0.01] = np.nan
    cat_names = ["region", "channel", "segment", "occupation", "country"]
    codes = {}
    for name, levels in zip(cat_names, CAT_LEVELS, strict=True):
        p = 1.0 / np.arange(1, levels + 1) ** 0.8  # Zipf-like: a clear top value
        p /= p.sum()
        codes[name] = rng.choice(levels, size=n, p=p)
        cols[name] = pd.Categorical.from_codes(codes[name], categories=[f"{name}_{k}" for k in range(levels)])
    frame = pd.DataFrame(cols)
    features = list(frame.columns)
    assert len(features) == N_NUMERIC + len(CAT_LEVELS)

    z = {c: np.nan_to_num((frame[c] - frame[c].mean()) / frame[c].std()) for c in features[:N_NUMERIC]}
    logit = (
        -1.0
        + 0.8 * z["age"]
        + 0.6 * z["income"]
        + 0.4 * z["hours"]
        - 0.5 * z["debt_ratio"]
        + 0.3 * z["score_a"]
        + 0.7 * z["gain"]
        - 0.2 * z["children"]
    )
    for name, levels in zip(cat_names, CAT_LEVELS, strict=True):
        logit = logit + rng.normal(0, 0.4, levels)[codes[name]]
    y = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    frame["y"] = y.astype(np.int64)
    # a model's view: the true logit, a little miscalibrated, plus noise
    score = 1.0 / (1.0 + np.exp(-(0.9 * logit + rng.normal(0, 0.8, n))))
    return frame, features, y, score.astype(np.float64)


# -- timing -----------------------------------------------------------------
@dataclass
class Timed:
    """One thing to time: ``fn(setup())``; ``setup`` (optional) runs outside the clock before each call."""

    fn: Callable[[Any], Any]
    setup: Callable[[], Any] | None = None
    repeat: int | None = None  # fewer repetitions for a slow reference (default: the run's --repeat)


def best_of(specs: list[Timed], repeat: int, min_time: float = 0.02) -> list[float]:
    """Best-of-``repeat`` seconds per call of each spec, the specs interleaved so that load drift hits all alike.

    A call faster than ``min_time`` is looped (as timeit does) so that the clock resolves it; a slow
    call's warm-up run counts as its first repetition.
    """
    setups = [s.setup or (lambda: None) for s in specs]
    number, best, done = [], [], []
    for spec, setup in zip(specs, setups, strict=True):
        arg = setup()
        t0 = time.perf_counter()
        spec.fn(arg)  # warm-up, and a first estimate of the cost
        one = time.perf_counter() - t0
        slow = one >= min_time
        number.append(1 if slow else max(1, int(min_time / max(one, 1e-7))))
        best.append(one if slow else float("inf"))
        done.append(1 if slow else 0)
    for _ in range(repeat):
        for i, spec in enumerate(specs):
            if done[i] >= (spec.repeat or repeat):
                continue
            args = [setups[i]() for _ in range(number[i])]
            t0 = time.perf_counter()
            for a in args:
                spec.fn(a)
            best[i] = min(best[i], (time.perf_counter() - t0) / number[i])
            done[i] += 1
    return best


@dataclass
class Row:
    operation: str
    ours: float  # seconds
    reference: float  # seconds
    reference_name: str

    @property
    def ratio(self) -> float:
        return self.ours / self.reference if self.reference else float("nan")


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1e3
    if ms >= 100:
        return f"{ms:,.0f}"
    if ms >= 10:
        return f"{ms:.1f}"
    if ms >= 1:
        return f"{ms:.2f}"
    return f"{ms:.3g}"


def fmt_ratio(r: float) -> str:
    if r != r:
        return "n/a"
    if r >= 0.1:
        return f"{r:.2f}"
    if r >= 0.001:
        return f"{r:.4f}"
    return f"{r:.1e}"


def print_table(rows: list[Row], markdown: bool) -> None:
    head = ["operation", "ours (ms)", "reference (ms)", "ratio (ours/reference)", "reference"]
    body = [[r.operation, fmt_ms(r.ours), fmt_ms(r.reference), fmt_ratio(r.ratio), r.reference_name] for r in rows]
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join(["---", "---:", "---:", "---:", "---"]) + "|")
        for b in body:
            print("| " + " | ".join(b) + " |")
        return
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    right = {1, 2, 3}

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(head))
    print("  ".join("-" * w for w in widths))
    for b in body:
        print(line(b))


# -- correctness ------------------------------------------------------------
class CheckFailed(AssertionError):
    pass


def check(cond: bool, what: str) -> None:
    if not cond:
        raise CheckFailed(what)


def close(a: Any, b: Any, what: str, tol: float = TOL) -> None:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    check(a.shape == b.shape, f"{what}: shapes differ {a.shape} vs {b.shape}")
    with np.errstate(invalid="ignore"):  # inf - inf
        diff = np.abs(a - b)
    same = (a == b) | (diff <= tol) | (np.isnan(a) & np.isnan(b))
    check(bool(np.all(same)), f"{what}: max difference {np.nanmax(diff):.3g} > {tol:g}")


def sk_metrics_at(y: np.ndarray, score: np.ndarray, t: float) -> tuple[np.ndarray, float, float, float, float]:
    """The reference for one threshold: sklearn's confusion matrix and scores of ``score >= t``."""
    pred = score >= t
    cm = confusion_matrix(y, pred, labels=[False, True])
    p, r, f, _ = precision_recall_fscore_support(y, pred, average="binary", zero_division=0.0)
    return cm, float(accuracy_score(y, pred)), float(p), float(r), float(f)


def cm_metrics(cm: np.ndarray) -> tuple[float, float, float, float]:
    """accuracy, precision, recall, f1 read off a 2x2 confusion matrix (zero_division=0)."""
    (tn, fp), (fn, tp) = cm
    n = tn + fp + fn + tp
    return (
        (tp + tn) / n,
        tp / (tp + fp) if tp + fp else 0.0,
        tp / (tp + fn) if tp + fn else 0.0,
        2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
    )


def numpy_metrics_at(y: np.ndarray, score: np.ndarray, t: float) -> tuple[float, float, float, float]:
    """One vectorised pass, the fastest thing a user could write by hand."""
    pred = score >= t
    tp = np.count_nonzero(pred & y)
    pp = np.count_nonzero(pred)
    pos = np.count_nonzero(y)
    fp, fn = pp - tp, pos - tp
    tn = len(y) - tp - fp - fn
    return cm_metrics(np.array([[tn, fp], [fn, tp]]))


def ref_histogram(series: pd.Series, bins: int = 20) -> Any:
    """What a user would call per column: np.histogram of the non-missing values, or value_counts."""
    if is_numeric(series):
        return np.histogram(series.dropna().to_numpy(), bins=bins)
    return series.value_counts()


def verify(frame: pd.DataFrame, features: list[str], y: np.ndarray, score: np.ndarray, thresholds: np.ndarray) -> None:
    idx = ThresholdIndex(score, y)
    # one threshold: against sklearn, including the extremes
    for t in (
        0.5,
        float(thresholds[0]),
        float(thresholds[-1]),
        0.0,
        1.0 + 1e-12,
        float(np.median(score)),
        float(score[0]),
    ):
        m = idx.at(t)
        cm, acc, p, r, f = sk_metrics_at(y, score, t)
        check(
            np.array_equal(m.confusion_matrix, cm),
            f"confusion matrix at t={t}: {m.confusion_matrix.tolist()} vs {cm.tolist()}",
        )
        close([m.accuracy, m.precision, m.recall, m.f1], [acc, p, r, f], f"accuracy/precision/recall/f1 at t={t}")
    # the 100 moves: against a direct numpy count (sklearn is checked above on the same code path)
    for t in thresholds:
        close([*_read(idx.at(float(t)))], numpy_metrics_at(y, score, float(t)), f"metrics at t={t}")
    # ROC: same points as sklearn without dropping intermediate ones; AUC and AP
    fpr, tpr, thr = roc_curve(y, score, drop_intermediate=False)
    roc = idx.roc_curve
    close(roc.fpr, fpr, "ROC fpr")
    close(roc.tpr, tpr, "ROC tpr")
    close(roc.thresholds, thr, "ROC thresholds")
    close(idx.roc_auc, roc_auc_score(y, score), "ROC AUC")
    close(idx.average_precision, average_precision_score(y, score), "average precision")
    # feature statistics: against describe(include="all")
    desc = frame[features].describe(include="all")
    for st in dataset_stats(frame, features):
        d = desc[st.name]
        check(st.count == int(d["count"]), f"count of {st.name}: {st.count} vs {d['count']}")
        if st.kind == "numeric":
            ref = [d["mean"], d["std"], d["min"], d["50%"], d["max"]]
            scale = max(1.0, float(np.nanmax(np.abs(np.asarray(ref, dtype=np.float64)))))  # relative for large values
            close([st.mean, st.std, st.min, st.median, st.max], ref, f"statistics of {st.name}", tol=TOL * scale)
        else:
            check(
                (st.unique, st.top, st.freq) == (d["unique"], d["top"], d["freq"]),
                f"unique/top/freq of {st.name}: {(st.unique, st.top, st.freq)} vs {(d['unique'], d['top'], d['freq'])}",
            )
    # histograms: against np.histogram / value_counts
    for c in features:
        ours, ref = histogram(frame[c]), ref_histogram(frame[c])
        s = frame[c]
        if is_numeric(s) and ours.edges is not None:
            check(np.array_equal(ours.counts, ref[0]), f"histogram counts of {c}")
            close(ours.edges, ref[1], f"histogram edges of {c}")
        elif is_numeric(s):  # one bar per integer value
            u, n = np.unique(s.dropna().to_numpy(), return_counts=True)
            check(np.array_equal(ours.counts, n) and ours.labels == tuple(f"{v:g}" for v in u), f"value bars of {c}")
        else:
            head = ref.iloc[: len(ours.labels)]
            k = min(len(ours.labels), 15)
            check(
                list(ours.counts[:k]) == list(head.iloc[:k]) and int(ours.counts.sum()) == int(ref.sum()),
                f"category counts of {c}",
            )
        check(ours.missing == int(s.isna().sum()), f"missing count of {c}")


def _read(m: Any) -> tuple[float, float, float, float]:
    return m.accuracy, m.precision, m.recall, m.f1


# -- the benchmark ----------------------------------------------------------
def machine_info(load_start: float) -> list[str]:
    import joblib
    from threadpoolctl import threadpool_info

    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "")
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    pools = ", ".join(f"{p['internal_api']}={p['num_threads']}" for p in threadpool_info())
    lines = [
        f"python {platform.python_version()} on {platform.system()} {platform.machine()}; "
        f"CPU: {cpu or platform.processor() or '?'}",
        f"cores: {os.cpu_count()} logical, {usable} usable; thread pools: {pools or 'none loaded'}",
        f"numpy {np.__version__}, pandas {pd.__version__}, scikit-learn {sklearn.__version__}, "
        f"joblib {joblib.__version__}",
    ]
    if hasattr(os, "getloadavg"):
        lines.append(
            f"1-minute load average: {load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end "
            f"(this run adds about 1; other processes' load slows the multi-threaded rows most)"
        )
    if os.environ.get("OPENBLAS_CORETYPE"):
        lines.append(f"OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} (left as found)")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows of synthetic data (default 1,000,000)")
    ap.add_argument("--repeat", type=int, default=5, help="timed repetitions; the best is kept (default 5)")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    ap.add_argument("--seed", type=int, default=0, help="RNG seed (default 0)")
    ap.add_argument(
        "--only-core",
        action="store_true",
        help="skip the per-screen benchmark modules (the bench_*.py files beside this script)",
    )
    args = ap.parse_args(argv)
    if args.rows < FIT_ROWS // 10 or args.repeat < 1:
        ap.error(f"--rows must be at least {FIT_ROWS // 10} and --repeat at least 1")
    R = args.repeat
    started = time.perf_counter()

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    say(f"load average at the start: {load_start:.2f}")
    say(f"building {args.rows:,} rows x {N_NUMERIC + len(CAT_LEVELS)} features (seed {args.seed}) …")
    frame, features, y, score = make_data(args.rows, args.seed)
    rng = np.random.default_rng(args.seed + 1)
    thresholds = np.sort(rng.uniform(0.01, 0.99, N_MOVES))
    t_one = 0.5

    say("checking correctness against sklearn / pandas / numpy …")
    try:
        verify(frame, features, y, score, thresholds)
    except CheckFailed as exc:
        print(f"\nABORTED: the engine disagrees with its reference: {exc}.\nNo timings were taken.", file=sys.stderr)
        return 1

    rows: list[Row] = []
    section = [time.perf_counter()]

    def step(msg: str) -> None:
        now = time.perf_counter()
        say(f"  ({now - section[0]:.1f} s) {msg}")
        section[0] = now

    # 1. sort once
    step("timing: sort once …")
    ours, ref = best_of([Timed(lambda _: ThresholdIndex(score, y)), Timed(lambda _: roc_curve(y, score))], R)
    rows.append(Row("sort once: ThresholdIndex(score, y)", ours, ref, "sklearn roc_curve(y, score)"))
    idx = ThresholdIndex(score, y)

    # 2. one threshold
    step("timing: metrics at one threshold …")
    ours, ref_sk, ref_np = best_of(
        [
            Timed(lambda _: _read(idx.at(t_one))),
            Timed(lambda _: sk_metrics_at(y, score, t_one)),
            Timed(lambda _: numpy_metrics_at(y, score, t_one)),
        ],
        R,
    )
    rows.append(
        Row(
            "metrics at one threshold: at(t) + acc/prec/rec/f1",
            ours,
            ref_sk,
            "sklearn confusion_matrix + precision_recall_fscore_support + accuracy_score on score >= t",
        )
    )
    rows.append(
        Row(
            "metrics at one threshold (vs hand-written numpy)",
            ours,
            ref_np,
            "numpy: score >= t, count_nonzero (one pass, no validation)",
        )
    )

    # 3. 100 threshold moves
    step(f"timing: {N_MOVES} threshold moves …")

    def ours_moves(_: Any) -> None:
        for t in thresholds:
            _read(idx.at(float(t)))

    def ref_moves(ts: np.ndarray) -> None:
        for t in ts:
            cm_metrics(confusion_matrix(y, score >= t, labels=[False, True]))

    t0 = time.perf_counter()
    ref_moves(thresholds[:1])
    per_call = time.perf_counter() - t0
    if per_call * N_MOVES > MOVES_BUDGET_S:
        k = max(2, min(N_MOVES, int(MOVES_BUDGET_S / per_call)))
        sub = thresholds[:: max(1, N_MOVES // k)][:k]
        rep = min(R, 3)
        ours, ref = best_of([Timed(ours_moves), Timed(lambda _: ref_moves(sub), repeat=rep)], R)
        ref *= N_MOVES / len(sub)
        ref_name = (
            f"{N_MOVES} x sklearn confusion_matrix(y, score >= t), extrapolated from {len(sub)} calls (best of {rep})"
        )
    else:
        ours, ref = best_of([Timed(ours_moves), Timed(lambda _: ref_moves(thresholds))], R)
        ref_name = f"{N_MOVES} x sklearn confusion_matrix(y, score >= t)"
    rows.append(Row(f"{N_MOVES} threshold moves: {N_MOVES} x at(t) + metrics", ours, ref, ref_name))

    # 4. ROC + AUC and average precision: on a fresh index whose sort is done outside the clock, then with the sort
    step("timing: ROC curve + AUC, average precision …")
    fresh = lambda: ThresholdIndex(score, y)  # noqa: E731

    def ours_roc(ix: ThresholdIndex) -> None:
        _ = ix.roc_curve, ix.roc_auc  # cached properties: reading them computes them

    def ref_roc(_: Any) -> None:
        roc_curve(y, score, drop_intermediate=False)
        roc_auc_score(y, score)

    roc_pre, roc_sort, ref_roc_t, ap_pre, ap_sort, ref_ap_t = best_of(
        [
            Timed(ours_roc, setup=fresh),
            Timed(lambda _: ours_roc(fresh())),
            Timed(ref_roc),
            Timed(lambda ix: ix.average_precision, setup=fresh),
            Timed(lambda _: fresh().average_precision),
            Timed(lambda _: average_precision_score(y, score)),
        ],
        R,
    )
    ref_roc_name = "sklearn roc_curve(drop_intermediate=False) + roc_auc_score"
    rows.append(Row("ROC curve + AUC, index already built (sort excluded)", roc_pre, ref_roc_t, ref_roc_name))
    rows.append(Row("ROC curve + AUC, including the sort", roc_sort, ref_roc_t, ref_roc_name))
    rows.append(
        Row(
            "average precision, index already built (sort excluded)",
            ap_pre,
            ref_ap_t,
            "sklearn average_precision_score",
        )
    )
    rows.append(Row("average precision, including the sort", ap_sort, ref_ap_t, "sklearn average_precision_score"))

    # 5. statistics and histograms
    step("timing: feature statistics and histograms …")
    st_ours, st_ref, h_ours, h_ref = best_of(
        [
            Timed(lambda _: dataset_stats(frame, features)),
            Timed(lambda _: frame[features].describe(include="all")),
            Timed(lambda _: [histogram(frame[c]) for c in features]),
            Timed(lambda _: [ref_histogram(frame[c]) for c in features]),
        ],
        R,
    )
    rows.append(
        Row(
            f"feature statistics: dataset_stats ({len(features)} columns)",
            st_ours,
            st_ref,
            'pandas frame.describe(include="all")',
        )
    )
    rows.append(
        Row(
            f"histograms of all {len(features)} features: histogram()",
            h_ours,
            h_ref,
            "np.histogram(col.dropna(), bins=20) / col.value_counts() per column",
        )
    )

    # 6. scoring with a fitted HistGradientBoosting pipeline
    n_fit = min(FIT_ROWS, args.rows // 5)  # 50,000 rows from 250,000 rows up
    step(f"fitting a HistGradientBoostingClassifier(max_iter=50) pipeline on {n_fit:,} rows …")
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder
    from threadpoolctl import threadpool_limits

    cats = [c for c in features if not is_numeric(frame[c])]
    nums = [c for c in features if is_numeric(frame[c])]
    model = make_pipeline(
        ColumnTransformer(
            [
                ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan), cats),
                ("num", "passthrough", nums),
            ]
        ),
        HistGradientBoostingClassifier(
            max_iter=50, categorical_features=list(range(len(cats))), random_state=args.seed
        ),
    )
    X = frame[features]
    # Fitting is not timed; one OpenMP thread keeps it quick even when other processes load the CPU
    # (OpenMP's many short parallel regions stall when a core is taken).
    with threadpool_limits(1, user_api="openmp"):
        model.fit(X.iloc[:n_fit], frame["y"].iloc[:n_fit])
    task = detect_task(model)
    try:  # on the first rows only (several chunks and a partial one), to keep the run short
        Xv = X.iloc[:VERIFY_SCORING_ROWS]
        ref_p = model.predict_proba(Xv)[:, task.positive_index]
        for nj in (1, 2):
            close(score_frame(model, Xv, task, n_jobs=nj).score, ref_p, f"score_frame(n_jobs={nj}) vs predict_proba")
    except CheckFailed as exc:
        print(f"\nABORTED: the engine disagrees with its reference: {exc}.", file=sys.stderr)
        return 1
    rs = min(R, SCORING_MAX_REPEAT if args.rows >= 500_000 else SCORING_MAX_REPEAT - 1)
    step(f"timing: scoring {args.rows:,} rows (best of {rs}) …")
    ref_s, s1, s2 = best_of(
        [
            Timed(lambda _: model.predict_proba(X)),
            Timed(lambda _: score_frame(model, X, task, n_jobs=1)),
            Timed(lambda _: score_frame(model, X, task, n_jobs=2)),
        ],
        rs,
    )
    ref_name = f"model.predict_proba(X) (best of {rs})"
    rows.append(Row(f"scoring: score_frame(n_jobs=1), chunks of {DEFAULT_CHUNK:,}", s1, ref_s, ref_name))
    rows.append(Row(f"scoring: score_frame(n_jobs=2), chunks of {DEFAULT_CHUNK:,}", s2, ref_s, ref_name))
    # The same with OpenMP held to one thread: the chunking cost without OpenMP's per-region
    # synchronisation, and what joblib threads give a model that does not parallelise itself.
    with threadpool_limits(1, user_api="openmp"):
        ref_s1, s1_1, s2_1 = best_of(
            [
                Timed(lambda _: model.predict_proba(X)),
                Timed(lambda _: score_frame(model, X, task, n_jobs=1)),
                Timed(lambda _: score_frame(model, X, task, n_jobs=2)),
            ],
            rs,
        )
    ref_name1 = f"model.predict_proba(X), OpenMP held to 1 thread (best of {rs})"
    rows.append(Row("scoring: score_frame(n_jobs=1), model's OpenMP held to 1 thread", s1_1, ref_s1, ref_name1))
    rows.append(Row("scoring: score_frame(n_jobs=2), model's OpenMP held to 1 thread", s2_1, ref_s1, ref_name1))
    # -- the screens' own operations, each module beside this one ------
    for module in SCREEN_BENCHMARKS:
        if args.only_core:
            break
        step(f"{module} …")
        bench = importlib.import_module(module)
        for name, ours_s, ref_s_, ref_name_ in bench.rows(args.rows, R):
            rows.append(Row(name, ours_s, ref_s_, ref_name_))
    step("done.")

    # -- report ---------------------------------------------------------
    print(
        f"wit_tui engine benchmark: {args.rows:,} rows x {len(features)} features, best of {R} "
        f"(scoring: best of {rs}), seed {args.seed}"
    )
    for ln in machine_info(load_start):
        print(ln)
    print(
        "Ratios (ours / reference; below 1 = ours faster) are the comparable figures: absolute times vary"
        " with the machine and its load."
    )
    print("Every engine result was checked against its reference before timing (metrics within 1e-9).")
    print()
    print_table(rows, args.markdown)
    print()
    cores = os.cpu_count()
    fastest_alt = min(s1, ref_s)
    if s2 < 0.9 * fastest_alt:
        verdict = "pays"
    elif s2 > 1.1 * fastest_alt:
        verdict = "does not pay (it is slower)"
    else:
        verdict = "does not pay (within 10%)"
    print(
        f"Conclusion (scoring {args.rows:,} rows, {cores} cores): joblib chunk parallelism {verdict}: "
        f"score_frame(n_jobs=2) runs at {s1 / s2:.2f}x the speed of n_jobs=1 and {ref_s / s2:.2f}x that of plain "
        f"predict_proba. HistGradientBoosting already predicts with OpenMP threads; held to 1 OpenMP thread, "
        f"n_jobs=1 runs at {ref_s1 / s1_1:.2f}x and n_jobs=2 at {ref_s1 / s2_1:.2f}x the speed of plain predict_proba."
    )
    if load_start > 0.5:
        print(
            f"Warning: other processes were using the CPU (1-minute load average {load_start:.2f} at the start on "
            f"{cores} cores), so the multi-threaded scoring rows are the least reliable; rerun on an idle machine."
        )
    slower = [f"{r.operation} ({r.ratio:.2f}x)" for r in rows if r.ratio > 1.0]
    if slower:
        print("Slower than the reference: " + "; ".join(slower) + ".")
    print(f"Total run time {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
