"""Benchmark the intervals beside the performance screen's numbers against sklearn, in the same run.

``rows(n_rows, repeat)`` returns ``(operation, ours_seconds, reference_seconds, reference_name)`` tuples, best
of ``repeat``, timed interleaved. On the seeded synthetic data of ``run.py`` sliced by ``hours`` in 8 quantile
buckets (as ``bench_performance``), with the score sort (``ThresholdIndex``) and the slice indexes built once,
as the screen builds them when the data is scored or sliced:

- **a threshold move with intervals**: every overall metric and the 8-slice table's rates *and* their intervals
  at 95% (Wilson for every proportion, overall and per slice; the multinomial bootstrap at 1,000 resamples for
  F1 overall and per slice and for every fairness gap between the slices), against
  ``sklearn.metrics.confusion_matrix`` of ``score >= t`` alone (issue target: at least 20x faster, ratio at
  most 0.05): with the slicing's (slice, label) draws made once and two binomials per slice on the move
  (``move_intervals``), with one fresh multinomial over every cell (``table_intervals``: what the screen does,
  one draw per model and move shared by the slice table and the fairness summary), and with the three
  separate calls (``confusion_intervals`` overall and per slice, ``gap_intervals``), each with its own draw;
- **DeLong AUC intervals overall and for the 8 slices**, on the indexes already built, and including building
  them (the sorts), against ``roc_auc_score`` on all rows (target: no slower than 3x, ratio at most 3);
- **the row bootstraps** (average precision, log loss, Brier score; 1,000 resamples on at most 100,000 rows per
  slice), overall and for the 8 slices, which run in a worker: against ``average_precision_score`` on all rows,
  for scale only (no target).

Checked before timing: counts against ``confusion_matrix``, the AUC DeLong is centred on against
``roc_auc_score`` (1e-9), and every interval brackets its number. Run alone: ``python
benchmarks/bench_intervals.py [--rows N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, confusion_matrix, roc_auc_score

from wit_tui.engine.metrics.binary import ThresholdIndex
from wit_tui.engine.metrics.fairness import SUMMARY_RATES
from wit_tui.engine.metrics.intervals import sorted_auc_variance
from wit_tui.engine.metrics.move_intervals import LabelDraws, label_draws, table_intervals_at
from wit_tui.engine.metrics.row_bootstrap import binary_row_intervals
from wit_tui.engine.metrics.slice_index import SliceIndex, binary_rates
from wit_tui.engine.metrics.slice_intervals import (
    DEFAULT_INTERVALS,
    confusion_intervals,
    gap_intervals,
    index_auc_intervals,
    table_intervals,
)
from wit_tui.engine.slicing import slice_by

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_performance import N_SLICES, SLICE_FEATURE, _best_of, _close
from run import make_data


def _move(index: ThresholdIndex, sidx: SliceIndex, t: float, draws: LabelDraws | None = None) -> tuple:
    """A threshold move as the screen computes it with intervals on: the numbers and every interval, from the
    slicing's label draws (made once) or from one fresh draw."""
    m = index.at(t)
    overall = (m.accuracy, m.precision, m.recall, m.f1, m.fpr, m.fnr, m.selection_rate)
    counts = sidx.counts_at(t)
    if draws is None:
        return overall, binary_rates(counts), table_intervals(counts, SUMMARY_RATES, DEFAULT_INTERVALS)
    return overall, binary_rates(counts), table_intervals_at(draws, counts, SUMMARY_RATES)


def _move_separately(index: ThresholdIndex, sidx: SliceIndex, t: float) -> tuple:
    """The same with the three separate calls, each with its own draw."""
    m = index.at(t)
    counts = sidx.counts_at(t)
    whole = np.array([[m.tn, m.fp, m.fn, m.tp]])
    return (
        binary_rates(counts),
        confusion_intervals(whole, DEFAULT_INTERVALS),
        confusion_intervals(counts, DEFAULT_INTERVALS),
        gap_intervals(counts, SUMMARY_RATES, DEFAULT_INTERVALS),
    )


def _delong(whole: SliceIndex, sidx: SliceIndex) -> tuple:
    return index_auc_intervals(whole), index_auc_intervals(sidx)


def _check(index: ThresholdIndex, whole: SliceIndex, sidx: SliceIndex, y: np.ndarray, score: np.ndarray) -> None:
    t = 0.43
    _, rates, table = _move(index, sidx, t)
    m = index.at(t)
    _close(confusion_matrix(y, score >= t, labels=[False, True]).ravel(), [m.tn, m.fp, m.fn, m.tp], "overall counts")
    for name in ("recall", "precision", "selection_rate", "f1"):
        iv = table.slices[name]
        assert np.all((iv.low <= rates[name]) & (rates[name] <= iv.high)), f"{name} outside its interval"
    _close(sorted_auc_variance(*whole.slice_arrays(0)).auc, roc_auc_score(y, score), "DeLong's AUC vs roc_auc_score")
    overall, _ = _delong(whole, sidx)
    auc = roc_auc_score(y, score)
    assert overall.low[0] < auc < overall.high[0], "the AUC outside its DeLong interval"


def rows(n_rows: int, repeat: int) -> list[tuple[str, float, float, str]]:
    """The interval rows of the benchmark table: (operation, ours s, reference s, reference name)."""
    frame, _features, y, score = make_data(n_rows, seed=0)
    slicing = slice_by(frame, [SLICE_FEATURE], N_SLICES)
    index = ThresholdIndex(score, y)
    sidx = SliceIndex(score, y, slicing.codes, slicing.n_slices, order=index.order)
    whole = SliceIndex(score, y, np.zeros(len(y), dtype=np.int64), 1, order=index.order)
    _check(index, whole, sidx, y, score)
    draws = label_draws(sidx.counts_at(0.5), DEFAULT_INTERVALS)  # once per slicing, as the screen would
    _, rates, table = _move(index, sidx, 0.43, draws)
    assert np.all((table.slices["f1"].low <= rates["f1"]) & (rates["f1"] <= table.slices["f1"].high))
    thresholds = iter(np.linspace(0.2, 0.8, 997).tolist() * 1000)
    few = max(1, min(repeat, 2))

    def built() -> tuple:
        ix = ThresholdIndex(score, y)
        return _delong(
            SliceIndex(score, y, np.zeros(len(y), dtype=np.int64), 1, order=ix.order),
            SliceIndex(score, y, slicing.codes, slicing.n_slices, order=ix.order),
        )

    moved, move, separate, ref_cm, delong, delong_built, ref_auc, boot, ref_ap = _best_of(
        [
            lambda: _move(index, sidx, next(thresholds), draws),
            lambda: _move(index, sidx, next(thresholds)),
            lambda: _move_separately(index, sidx, next(thresholds)),
            lambda: confusion_matrix(y, score >= next(thresholds), labels=[False, True]),
            lambda: _delong(whole, sidx),
            built,
            lambda: roc_auc_score(y, score),
            lambda: (binary_row_intervals(whole, DEFAULT_INTERVALS), binary_row_intervals(sidx, DEFAULT_INTERVALS)),
            lambda: average_precision_score(y, score),
        ],
        [repeat, repeat, repeat, repeat, repeat, few, repeat, 1, few],
    )
    cm = "sklearn confusion_matrix(y, score >= t) alone (target: ratio <= 0.05)"
    auc = "sklearn roc_auc_score(y, score) on all rows (target: ratio <= 3)"
    return [
        (f"threshold move + {N_SLICES}-slice table with intervals, label draws made once", moved, ref_cm, cm),
        (f"threshold move + {N_SLICES}-slice table with intervals, one draw (the screen's path)", move, ref_cm, cm),
        (f"threshold move + {N_SLICES}-slice table with intervals, three separate draws", separate, ref_cm, cm),
        (f"DeLong AUC intervals, overall + {N_SLICES} slices, indexes built", delong, ref_auc, auc),
        (f"DeLong AUC intervals, overall + {N_SLICES} slices, with the sorts", delong_built, ref_auc, auc),
        (
            f"AP + log loss + Brier bootstraps, overall + {N_SLICES} slices (worker)",
            boot,
            ref_ap,
            "sklearn average_precision_score on all rows (scale only: no target)",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    print(f"{'operation':<78} {'ours ms':>10} {'ref ms':>10} {'ratio':>9}  reference")
    for op, ours, ref, name in rows(args.rows, args.repeat):
        print(f"{op:<78} {ours * 1e3:>10.3f} {ref * 1e3:>10.1f} {ours / ref:>9.3g}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
