"""The one writer of the app's decisions: thresholds (per model and per slice), strategy, cost ratio, tolerance,
ground truth and positive class. Every other part of the screen (and the other screens) reads ``app.decisions``
and redraws when it is replaced."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import numpy as np

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.ground_truth import GroundTruth, label_choices
from wit_tui.engine.analysis.threshold_strategies import model_strategies
from wit_tui.engine.analysis.warm_up import prepare_truth
from wit_tui.engine.metrics.threshold_values import (
    check_cost_ratio,
    check_tolerance,
    nudge_threshold,
    parse_number,
    parse_thresholds,
    threshold_range,
)
from wit_tui.engine.metrics.thresholds import CONSTRAINED, STRATEGIES, STRATEGY_HELP, StrategyResult
from wit_tui.engine.session.session import Session
from wit_tui.tui.dialogs.form import FormField, FormScreen
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.views.base import SessionView
from wit_tui.tui.views.performance.common import PerfState, StrategyRun, effective, exact

PREPARE, STRATEGY = "perf.prepare", "perf.strategy"
ACTIONS = frozenset(
    {"threshold", "reset_threshold", "type_threshold", "cost_ratio", "cost_optimal", "strategy", "tolerance"}
)


def threshold_ranges(session: Session) -> str:
    """What a typed threshold may be, per model when their scores differ: "from 0 to 1", "lr from 0 to 1, svc
    any finite number (margins)"."""

    def one(p: bool) -> str:
        return "from 0 to 1" if p else "any finite number (margins)"

    kinds = session.probabilities
    if len(set(kinds)) == 1:
        return one(kinds[0])
    return ", ".join(f"{name} {one(p)}" for name, p in zip(session.model_names, kinds, strict=True))


class DecisionEditor:
    """The keys that change the decisions, as new ``Decisions`` values written to the app (never mutated)."""

    ACTIONS = ACTIONS | {"ground_truth", "positive"}

    def __init__(self, host: SessionView, state: PerfState) -> None:
        self.host = host
        self.state = state
        self.session = host.session
        self.pending_strategy: str | None = None  # asked for while the slices are being built

    @property
    def decisions(self) -> Decisions:
        return self.host.decisions

    @property
    def probabilities(self) -> tuple[bool, ...]:
        """Per model: are its scores probabilities (thresholds in [0, 1]) or margins (any finite number)?"""
        return self.session.probabilities

    def write(self, decisions: Decisions) -> None:
        cast(Any, self.host.app).decisions = decisions

    def can(self, action: str, parameters: tuple = ()) -> bool:
        d, ready = self.decisions, self.host.ready
        if action == "ground_truth":
            return ready
        if action == "positive":
            return ready and d.truth is not None and self.session.task.kind != "regression"
        return ready and d.truth is not None and self.session.task.kind == "binary"

    # -- ground truth -------------------------------------------------------------
    def start_prepare(self, label: str | None, positive: Any) -> None:
        session = self.session
        self.host.jobs.invalidate(STRATEGY)
        self.host.jobs.run(
            PREPARE,
            "Sorting scores and building curves…",
            lambda _progress, cancelled: prepare_truth(session, label, positive, cancelled),
        )

    def truth_ready(self, truth: GroundTruth) -> None:
        """The prepared ground truth: another one starts from the default thresholds (ratio and tolerance stay)."""
        d = self.decisions
        if d.truth is None or d.truth.key != truth.key:
            self.state.strategy_run = None
            d = d.reset(self.session.default_thresholds)
        self.write(replace(d, truth=truth))

    def action_ground_truth(self) -> None:
        choices = label_choices(self.session)
        truth = self.decisions.truth
        current = choices.index(truth.label) if truth is not None and truth.label in choices else None

        def picked(k: int | None) -> None:
            if k is not None:
                self.start_prepare(choices[k], None)

        hint = "type to filter · enter pick · esc cancel · model inputs are listed last"
        title = "Ground truth: which column holds the true answer?"
        self.host.app.push_screen(PickScreen(title, choices, current, hint), picked)

    def action_positive(self) -> None:
        classes = list(self.session.task.classes)
        truth = self.decisions.truth
        assert truth is not None  # p needs a prepared ground truth
        binary = self.session.task.kind == "binary"
        if binary:
            title, current = "Positive class (the one the threshold is applied to)", str(truth.positive)
        else:
            title, current = "Class for one-vs-rest curves and slice metrics", str(classes[self.decisions.ovr_class])
        options = [(str(j), ("● " if str(c) == current else "  ") + str(c)) for j, c in enumerate(classes)]

        def chose(key: str | None) -> None:
            if key is None:
                return
            j = int(key)
            if not binary:
                self.write(replace(self.decisions, ovr_class=j))  # the view re-slices for the new class
            elif classes[j] != truth.positive:
                self.start_prepare(truth.label, classes[j])

        self.host.app.push_screen(PickScreen(title, options), chose)

    # -- thresholds ----------------------------------------------------------------
    def action_threshold(self, steps: int) -> None:
        if self.can("threshold"):
            self.write(self.decisions.nudged(steps, self.probabilities))

    def action_reset_threshold(self) -> None:
        self.state.strategy_run = None
        self.write(self.decisions.reset(self.session.default_thresholds))

    def _parse(self, text: str) -> list[float]:
        return parse_thresholds(text, len(self.session.models), self.probabilities)

    def action_type_threshold(self) -> None:
        ts = self.decisions.thresholds
        current = ", ".join(exact(t) for t in ts) if len(set(ts)) > 1 else exact(ts[0])
        rng = threshold_ranges(self.session)

        def done(values: list[float] | None) -> None:
            if values is not None:
                self.write(self.decisions.with_thresholds(values))

        field = FormField("t", f"threshold ({rng}); one, or one per model: 0.4, 0.6", current)
        note = "A row is predicted positive when its score ≥ the threshold. Per-slice thresholds are cleared."
        form = FormScreen("Threshold", [field], lambda v: self._parse(v["t"]), note=note)
        self.host.app.push_screen(form, done)

    def edit_slice_threshold(self, k: int | None) -> None:
        slicing = self.state.slices.slicing
        if k is None or slicing is None or not self.can("threshold"):
            return
        now = [float(effective(self.decisions, self.state.slices, i)[k]) for i in range(len(self.session.models))]
        current = exact(now[0]) if len(set(now)) == 1 else ", ".join(exact(v) for v in now)

        def done(values: list[float] | None) -> None:
            if values is not None:
                self._set_slice(k, values)

        field = FormField(
            "t", f"threshold ({threshold_ranges(self.session)}); one, or one per model: 0.4, 0.6", current
        )
        note = "Only this slice's rows use it; the strategy becomes Custom."
        title = f"Threshold for {' × '.join(slicing.labels[k])}"
        self.host.app.push_screen(FormScreen(title, [field], lambda v: self._parse(v["t"]), note=note), done)

    def slice_step(self, k: int | None, steps: int) -> None:
        if k is None or not self.can("threshold"):
            return
        now = [float(effective(self.decisions, self.state.slices, i)[k]) for i in range(len(self.session.models))]
        self._set_slice(k, [nudge_threshold(v, steps, p) for v, p in zip(now, self.probabilities, strict=True)])

    def _set_slice(self, k: int, values: list[float]) -> None:
        slices = self.state.slices
        if slices.key is not None:
            self.write(self.decisions.with_slice_threshold(k, values, slices.key, slices.n_slices))

    # -- cost ratio, tolerance, strategies -------------------------------------------
    def action_cost_ratio(self) -> None:
        def done(r: float | None) -> None:
            if r is not None:
                self.write(replace(self.decisions, cost_ratio=r))
                if self.decisions.strategy != "custom":
                    self.run_strategy(self.decisions.strategy)

        field = FormField("r", "cost of a false positive / cost of a false negative", f"{self.decisions.cost_ratio:g}")
        note = (
            "1 = equal; 4 = a false positive costs four false negatives; 0.25 = the reverse. "
            "Cost = ratio·FP + FN on raw counts (the What-If Tool's)."
        )
        check = lambda v: check_cost_ratio(parse_number(v["r"], "The cost ratio"))  # noqa: E731
        self.host.app.push_screen(FormScreen("Cost ratio FP:FN", [field], check, note=note), done)

    def action_cost_optimal(self) -> None:
        self.run_strategy("single")

    def action_tolerance(self) -> None:
        def done(t: float | None) -> None:
            if t is not None:
                self.write(replace(self.decisions, tolerance=t))
                if self.decisions.strategy in CONSTRAINED:
                    self.run_strategy(self.decisions.strategy)

        label = "largest gap allowed between the slices' rates (0 to 1)"
        field = FormField("t", label, f"{self.decisions.tolerance:g}")
        note = (
            "Demographic parity, equal opportunity and equal accuracy find the cheapest thresholds whose "
            "rates are all within this of each other."
        )
        check = lambda v: check_tolerance(parse_number(v["t"], "The tolerance"))  # noqa: E731
        self.host.app.push_screen(FormScreen("Fairness tolerance", [field], check, note=note), done)

    def action_strategy(self) -> None:
        now = self.decisions.strategy
        options = [
            (key, f"{'● ' if key == now else '  '}{title} — {STRATEGY_HELP[key]}") for key, title in STRATEGIES.items()
        ]

        def chose(key: str | None) -> None:
            if key == "custom":
                self.state.strategy_run = None
                self.write(replace(self.decisions, strategy="custom"))
            elif key is not None:
                self.run_strategy(key)

        note = f"Cost ratio FP:FN {self.decisions.cost_ratio:g} · slices: {self.state.slices.name()}"
        self.host.app.push_screen(PickScreen("Threshold strategy (each model separately)", options, note=note), chose)

    def run_strategy(self, strategy: str) -> None:
        slices, d = self.state.slices, self.decisions
        if strategy != "single" and slices.sidx is None:
            if slices.active:
                self.pending_strategy = strategy  # the slices are being built: run when they are ready
            else:
                self.host.say(f"{STRATEGIES[strategy]} needs slices: press b to slice by a feature first.")
            return
        truth, session, indexes, slicing_key = d.truth, self.session, slices.sidx, slices.key
        assert truth is not None  # strategies need a prepared ground truth
        ratio, tolerance = d.cost_ratio, d.tolerance
        upper = [threshold_range(p)[1] for p in self.probabilities]
        min_size = self.host.options.min_group_size
        labels = None if slices.slicing is None else [" × ".join(map(str, lab)) for lab in slices.slicing.labels]

        def run(_progress, cancelled) -> tuple[str, tuple[Any, ...] | None, list[StrategyResult]]:
            found = model_strategies(
                session,
                truth,
                strategy,
                ratio,
                tolerance,
                indexes,
                upper,
                is_cancelled=cancelled,
                labels=labels,
                min_group_size=min_size,
            )
            return strategy, slicing_key, found

        self.host.jobs.run(STRATEGY, f"{STRATEGIES[strategy]}: searching every distinct score…", run)

    def strategy_done(self, strategy: str, slicing_key: tuple[Any, ...] | None, results: list[StrategyResult]) -> None:
        d = self.decisions
        if strategy == "single":
            thresholds = tuple(float(r.threshold) for r in results if r.threshold is not None)
            new = replace(d, thresholds=thresholds, per_slice=None, slicing_key=None, strategy=strategy)
        else:
            per_slice = tuple(np.array(r.thresholds, dtype=np.float64) for r in results)
            new = replace(d, per_slice=per_slice, slicing_key=slicing_key, strategy=strategy)
        self.state.strategy_run = StrategyRun(
            strategy, d.cost_ratio, results, new.thresholds, strategy != "single", new.key
        )
        for note in {r.note for r in results if r.note}:
            self.host.say(note, seconds=10)
        self.write(new)

    # -- the slices changed ----------------------------------------------------------
    def slices_changed(self) -> None:
        """Per-slice thresholds belong to the old slices: cleared; a slice strategy reruns on the new ones."""
        d = self.decisions
        self.host.jobs.invalidate(STRATEGY)
        if d.per_slice is not None and d.strategy == "custom":
            self.host.say("Per-slice thresholds cleared: the slices changed.")
        strategy = d.strategy
        if strategy not in ("custom", "single"):
            if self.state.slices.active:
                self.pending_strategy = strategy
            else:
                strategy = "custom"
            self.state.strategy_run = None
        self.write(replace(d, per_slice=None, slicing_key=None, strategy=strategy))

    def slices_ready(self) -> None:
        pending, self.pending_strategy = self.pending_strategy, None
        if pending is not None and self.session.task.kind == "binary":
            self.run_strategy(pending)


__all__ = ["ACTIONS", "DecisionEditor"]
