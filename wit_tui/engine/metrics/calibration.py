"""How far a model's probabilities are from the frequencies they claim: reliability diagram, ECE, Brier, log loss.

The reliability diagram is ``sklearn.calibration.calibration_curve`` (``prob_true``, ``prob_pred`` of the
non-empty bins) with each bin's row count beside it, binned the same way (``searchsorted`` on the inner edges,
so a probability on an edge goes to the lower bin). The expected calibration error (ECE) is
``Σ_b (n_b / n) · |prob_true_b − prob_pred_b|`` over :data:`ECE_BINS` equal-width bins of the positive
class's probability — the same bins as ``calibration_curve(..., n_bins=15, strategy="uniform")``, so the ECE is
the bin-weighted gap of that diagram. Equal-width bins keep a number comparable between models and slices (a
quantile binning moves with each model's scores); 15 is the usual count in the literature. Brier score and log
loss are ``sklearn.metrics``'.

Margins (``decision_function``) are not probabilities: they have no calibration, and the result says so in
:data:`NOT_PROBABILITIES` instead of a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Strategy = Literal["uniform", "quantile"]
STRATEGIES: tuple[Strategy, ...] = ("uniform", "quantile")
#: bins of the reliability diagram (sklearn's default)
N_BINS = 10
#: equal-width bins of the ECE
ECE_BINS = 15
NOT_PROBABILITIES = "the scores are decision_function margins, not probabilities: they have no calibration"
NO_ROWS = "no labelled row"
#: the calibration numbers, as validate and the report name them
CALIBRATION_METRICS = ("ece", "brier_score", "log_loss")
#: what ``validate`` can gate on beyond the slice metrics, by task (Brier score and log loss are slice metrics)
CALIBRATION_CHECKS: dict[str, tuple[str, ...]] = {"binary": ("ece",), "multiclass": (), "regression": ()}


@dataclass(frozen=True)
class ReliabilityCurve:
    """A reliability diagram: per non-empty bin the share of positives (``prob_true``), the mean probability
    (``prob_pred``) and the rows in it (``bin_counts``), as ``calibration_curve`` bins them; ``bin_edges`` are
    all ``n_bins + 1`` edges (quantile ones are the scores' percentiles)."""

    prob_true: np.ndarray
    prob_pred: np.ndarray
    bin_counts: np.ndarray
    bin_edges: np.ndarray
    strategy: Strategy
    n_bins: int

    def to_dict(self) -> dict[str, object]:
        return {
            "strategy": self.strategy,
            "n_bins": self.n_bins,
            "prob_true": self.prob_true.tolist(),
            "prob_pred": self.prob_pred.tolist(),
            "bin_counts": self.bin_counts.tolist(),
            "bin_edges": self.bin_edges.tolist(),
        }


@dataclass(frozen=True)
class Calibration:
    """One model's calibration on some rows: ``n`` rows, their reliability curve, ECE, Brier score and log loss;
    ``reason`` says why there are none ('' when there are: then every number is set)."""

    n: int
    curve: ReliabilityCurve | None
    ece: float
    brier_score: float
    log_loss: float
    reason: str = ""

    @classmethod
    def undefined(cls, n: int, reason: str) -> Calibration:
        nan = float("nan")
        return cls(n, None, nan, nan, nan, reason)

    def value(self, name: str) -> float:
        """``ece``, ``brier_score`` or ``log_loss`` (NaN when undefined)."""
        return float(getattr(self, name))

    def to_dict(self) -> dict[str, object]:
        def num(v: float) -> float | None:
            return None if not np.isfinite(v) else float(v)

        return {
            "rows": self.n,
            "ece": num(self.ece),
            "brier_score": num(self.brier_score),
            "log_loss": num(self.log_loss),
            "reliability": None if self.curve is None else self.curve.to_dict(),
            "undefined": self.reason or None,
        }


def _inputs(y_true: np.ndarray, y_prob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true, dtype=bool)
    p = np.asarray(y_prob, dtype=np.float64)
    if y.shape != p.shape or y.ndim != 1:
        raise ValueError(f"y_true and y_prob must be 1-d of one length, got {y.shape} and {p.shape}")
    if len(p) and (np.nanmin(p) < 0 or np.nanmax(p) > 1):
        raise ValueError("y_prob has values outside [0, 1]")
    return y, p


def bin_edges(y_prob: np.ndarray, n_bins: int, strategy: Strategy) -> np.ndarray:
    """The ``n_bins + 1`` edges ``calibration_curve`` uses: equal width on [0, 1], or the scores' percentiles."""
    if strategy == "quantile":
        return np.asarray(np.percentile(y_prob, np.linspace(0, 1, n_bins + 1) * 100), dtype=np.float64)
    return np.linspace(0.0, 1.0, n_bins + 1)


def _binned(y: np.ndarray, p: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per bin: rows, positives and the sum of the probabilities (a value on an inner edge goes to the lower bin)."""
    n_bins = len(edges) - 1
    ids = np.searchsorted(edges[1:-1], p)
    total = np.bincount(ids, minlength=n_bins)
    positives = np.bincount(ids, weights=y.astype(np.float64), minlength=n_bins)
    sums = np.bincount(ids, weights=p, minlength=n_bins)
    return total, positives, sums


def reliability_curve(
    y_true: np.ndarray, y_prob: np.ndarray, *, n_bins: int = N_BINS, strategy: Strategy = "uniform"
) -> ReliabilityCurve:
    """sklearn's ``calibration_curve`` of the positives ``y_true`` (booleans) and the probabilities ``y_prob``,
    with each non-empty bin's row count."""
    # deferred: sklearn.calibration is heavy and only needed when a calibration is asked for
    from sklearn.calibration import calibration_curve

    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    y, p = _inputs(y_true, y_prob)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy, pos_label=True)
    edges = bin_edges(p, n_bins, strategy)
    total, _, _ = _binned(y, p, edges)
    counts = total[total != 0].astype(np.int64)
    assert len(counts) == len(prob_true), "the bins are calibration_curve's"
    return ReliabilityCurve(np.asarray(prob_true), np.asarray(prob_pred), counts, edges, strategy, n_bins)


def expected_calibration_error(y_true: np.ndarray, y_prob: np.ndarray, n_bins: int = ECE_BINS) -> float:
    """ECE: the mean over rows of |share of positives − mean probability| of the row's equal-width bin."""
    y, p = _inputs(y_true, y_prob)
    if not len(p):
        return float("nan")
    total, positives, sums = _binned(y, p, np.linspace(0.0, 1.0, n_bins + 1))
    full = total > 0
    gap = np.abs(positives[full] - sums[full])  # n_b · |prob_true_b − prob_pred_b|
    return float(gap.sum() / len(p))


def calibration(
    y_true: np.ndarray,
    y_prob: np.ndarray,
    *,
    n_bins: int = N_BINS,
    strategy: Strategy = "uniform",
    ece_bins: int = ECE_BINS,
) -> Calibration:
    """Everything about the calibration of ``y_prob`` (the positive class's probability) against ``y_true``."""
    # deferred: sklearn.metrics is heavy and only needed when a calibration is asked for
    from sklearn.metrics import brier_score_loss, log_loss

    y, p = _inputs(y_true, y_prob)
    if not len(p):
        return Calibration.undefined(0, NO_ROWS)
    return Calibration(
        len(p),
        reliability_curve(y, p, n_bins=n_bins, strategy=strategy),
        expected_calibration_error(y, p, ece_bins),
        float(brier_score_loss(y, p, pos_label=True, labels=[False, True])),
        float(log_loss(y, p, labels=[False, True])),
    )


def slice_calibration(
    y_true: np.ndarray,
    y_prob: np.ndarray,
    codes: np.ndarray,
    n_slices: int,
    *,
    n_bins: int = N_BINS,
    strategy: Strategy = "uniform",
    ece_bins: int = ECE_BINS,
) -> tuple[Calibration, ...]:
    """:func:`calibration` of each slice's rows (``codes[row]`` in ``[0, n_slices)``, -1 left out); one stable
    sort of the codes, so every slice costs its own rows only."""
    y, p = _inputs(y_true, y_prob)
    codes = np.asarray(codes, dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_slices + 1))
    out = []
    for k in range(n_slices):
        rows = order[bounds[k] : bounds[k + 1]]
        out.append(calibration(y[rows], p[rows], n_bins=n_bins, strategy=strategy, ece_bins=ece_bins))
    return tuple(out)


def undefined_slices(n_slices: int, sizes: Sequence[int] | np.ndarray, reason: str) -> tuple[Calibration, ...]:
    """Every slice without a calibration, for the same ``reason``."""
    return tuple(Calibration.undefined(int(sizes[k]), reason) for k in range(n_slices))


__all__ = [
    "CALIBRATION_CHECKS",
    "CALIBRATION_METRICS",
    "ECE_BINS",
    "NOT_PROBABILITIES",
    "NO_ROWS",
    "N_BINS",
    "STRATEGIES",
    "Calibration",
    "ReliabilityCurve",
    "Strategy",
    "bin_edges",
    "calibration",
    "expected_calibration_error",
    "reliability_curve",
    "slice_calibration",
    "undefined_slices",
]
