"""Which rows fail a behaviour test on one model: the rows perturbed and re-scored in chunks, each row's verdict
per measure (flip rate, fail rate, pass rate), and the worst variant of each failing row for its example."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wit_tui.engine.data.scoring import Scores, score_frame
from wit_tui.engine.predicate_slices import predicate_mask
from wit_tui.engine.session.session import Session
from wit_tui.engine.validation.behavior_perturb import Variant, describe_change, variants
from wit_tui.engine.validation.behavior_spec import BehaviorSpec

#: rows perturbed and scored at a time: the memory of a test is a few chunks, whatever the data's size
CHUNK = 65_536


@dataclass(frozen=True)
class Measure:
    """One gated rate of a test: each tested row's ``fail`` flag, how bad (``severity``, for the worst examples),
    and for perturbation tests the variant that was worst and its score and decision."""

    name: str  # flip_rate | fail_rate | pass_rate
    limit: float
    fail: np.ndarray
    severity: np.ndarray
    variant: np.ndarray
    after_score: np.ndarray
    after_dec: np.ndarray


@dataclass(frozen=True)
class Tested:
    """A test's rows on one model: their positions in ``frame`` (the data, or the cases file), the scores and
    decisions before, and the measures. ``example_change(j, v)``: what variant ``v`` changed in tested row ``j``."""

    frame: pd.DataFrame
    rows: np.ndarray
    before_score: np.ndarray
    before_dec: np.ndarray
    measures: tuple[Measure, ...]
    decision_names: np.ndarray
    example_change: Callable[[int, int], str]


@dataclass(frozen=True)
class Reader:
    """How one model's scores are read: its decision (``threshold`` for binary, argmax otherwise) and the score a
    test follows (the positive score; the probability of ``cls``, or of each row's predicted class)."""

    session: Session
    index: int
    threshold: float | None
    cls: str | None

    def decision(self, s: Scores) -> np.ndarray:
        task = self.session.tasks[self.index]
        if task.kind == "binary":
            assert self.threshold is not None, "a binary model has a decision threshold"
            return (s.score >= self.threshold).astype(np.int64)
        return np.argmax(np.nan_to_num(s.class_scores, nan=-np.inf), axis=1)

    def names(self) -> np.ndarray:
        task = self.session.tasks[self.index]
        classes = np.asarray(task.classes, dtype=object)
        if task.kind == "binary":
            return np.array([classes[1 - task.positive_index], task.positive], dtype=object)
        return classes

    def followed(self, s: Scores, row_class: np.ndarray) -> np.ndarray:
        task = self.session.tasks[self.index]
        if task.kind == "binary":
            if self.cls is None or self.cls == str(task.positive):
                return s.score
            return 1.0 - s.score if task.probabilities else -s.score
        proba = s.class_scores
        if self.cls is not None:
            return proba[:, [str(c) for c in task.classes].index(self.cls)]
        return proba[np.arange(len(proba)), row_class]

    def score(self, frame: pd.DataFrame) -> Scores:
        m = self.session.models[self.index]
        X = self.session.model_input(self.index, frame)
        return score_frame(m.estimator, X, self.session.tasks[self.index], model_name=m.name)


def chosen_rows(session: Session, spec: BehaviorSpec) -> np.ndarray:
    """The rows a perturbation test runs on: the ``where`` rows (all without one), a seeded ``sample`` of them."""
    n = session.n_rows
    rows = np.arange(n) if spec.where is None else np.flatnonzero(predicate_mask(session.data, spec.where))
    if spec.sample is not None and spec.sample < len(rows):
        rng = np.random.default_rng(spec.seed)
        rows = np.sort(rng.choice(rows, spec.sample, replace=False))
    return rows


def _violation(spec: BehaviorSpec, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Directional: does each row move against ``expect`` beyond ``tolerance``, and by how much."""
    tol = spec.tolerance
    by = {
        "increase": tol - delta,  # must rise by more than the tolerance
        "not_decrease": -delta - tol,  # may not fall by more than it
        "decrease": delta + tol,
        "not_increase": delta - tol,
    }[str(spec.expect)]
    bad = by >= 0 if spec.expect in ("increase", "decrease") else by > 0
    return bad & ~np.isnan(delta), by


def _measure_rules(spec: BehaviorSpec) -> list[tuple[str, float, Callable[[np.ndarray, np.ndarray], tuple]]]:
    """Each measure's name, limit and rule ``(delta, flipped) -> (bad, severity)``."""
    if spec.kind == "directional":
        return [("fail_rate", float(spec.max_fail_rate or 0.0), lambda d, _f: _violation(spec, d))]
    rules: list[tuple[str, float, Callable[[np.ndarray, np.ndarray], tuple]]] = []
    if spec.max_flip_rate is not None:
        rules.append(("flip_rate", spec.max_flip_rate, lambda d, f: (f, np.abs(d))))
    if spec.max_score_change is not None:
        msc = spec.max_score_change
        rules.append(("fail_rate", float(spec.max_fail_rate or 0.0), lambda d, _f: (np.abs(d) > msc, np.abs(d))))
    return rules


def _empty_measure(name: str, limit: float, n: int) -> Measure:
    return Measure(
        name,
        limit,
        np.zeros(n, bool),
        np.full(n, -np.inf),
        np.zeros(n, np.int64),
        np.full(n, np.nan),
        np.zeros(n, np.int64),
    )


def _update(
    m: Measure, sl: slice, v: int, bad: np.ndarray, sev: np.ndarray, score: np.ndarray, dec: np.ndarray
) -> None:
    """Keep, per row, whether any variant failed and the worst failing one."""
    worse = bad & (~m.fail[sl] | (sev > m.severity[sl]))
    m.fail[sl] |= bad
    for arr, new in ((m.severity, sev), (m.variant, v), (m.after_score, score), (m.after_dec, dec)):
        arr[sl] = np.where(worse, new, arr[sl])


def perturbed(reader: Reader, spec: BehaviorSpec, rows: np.ndarray, chunk: int = CHUNK) -> Tested:
    """Every variant of every row in ``rows``, scored in chunks; each row's verdict per measure."""
    session = reader.session
    assert spec.perturb is not None, "a perturbation test has a perturbation"
    base = session.scores(reader.index)
    rows = rows[~np.isnan(base.score[rows])]  # rows the model could not score are not tested
    before_all = reader.decision(base)
    before_dec = before_all[rows]
    before = reader.followed(base, before_all)[rows]
    vs: list[Variant] = variants(spec.perturb, session.data, len(rows), spec.seed)
    measures = [_empty_measure(name, limit, len(rows)) for name, limit, _ in _measure_rules(spec)]
    rules = _measure_rules(spec)
    for a in range(0, len(rows), chunk):
        sl = slice(a, min(a + chunk, len(rows)))
        frame = session.data.iloc[rows[sl]]
        for v, variant in enumerate(vs):
            s = reader.score(variant.apply(frame, np.arange(sl.start, sl.stop)))
            dec = reader.decision(s)
            after = reader.followed(s, before_dec[sl])
            delta = after - before[sl]
            flipped = (dec != before_dec[sl]) & ~np.isnan(s.score)
            for m, (_, _, rule) in zip(measures, rules, strict=True):
                bad, sev = rule(delta, flipped)
                _update(m, sl, v, bad & ~np.isnan(delta), sev, after, dec)

    def change(j: int, v: int) -> str:
        one = session.data.iloc[rows[j : j + 1]]
        return describe_change(one, vs[v].apply(one, np.array([j])), vs[v].features)

    return Tested(session.data, rows, before, before_dec, tuple(measures), reader.names(), change)


__all__ = ["CHUNK", "Measure", "Reader", "Tested", "chosen_rows", "perturbed"]
