"""The nearest-counterfactual panel: the closest other datapoint each model predicts differently.

Its result depends on the point, the overlay (edited points are candidates too),
the thresholds (binary), the regression gap, the distance (L1/L2), the features
the distance counts (W; default the models' inputs, or ``--cf-features``), the
restriction (a ground-truth value or the current filter) and, multi-class, the class
it must be predicted as (C; default any other class); any change recomputes it.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.values import same
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif import point as point_questions
from wit_tui.engine.whatif.counterfactual import Counterfactual
from wit_tui.engine.whatif.distance_features import checked_features, describe, model_inputs
from wit_tui.engine.whatif.distance_space import Metric, space_ready
from wit_tui.render.format import fmt
from wit_tui.tui.dialogs.checklist import ChecklistScreen
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.jobs import JobFn, Jobs
from wit_tui.tui.views.datapoints.browse import Browser
from wit_tui.tui.views.datapoints.common import MODEL_COLORS, GoToPoint, PointContext, PointNote, labels_of
from wit_tui.tui.views.datapoints.panels.base import CLASS_KEY, PanelScroll, PointPanel, panel_binding
from wit_tui.tui.widgets.text_static import TextStatic

Restrict = tuple[Literal["truth", "filter"], Any] | None


class CounterfactualPanel(PointPanel):
    BINDINGS = [
        panel_binding("L", "toggle_metric", "L1/L2 distance", "metric", True),
        panel_binding("w", "restrict", "Restrict CF search…", "restrict", True),
        panel_binding("W", "pick_features", "CF features…", "cf_features", True),
        panel_binding("o", "open_cf(0)", "Go to its CF", "open_cf", True),
        panel_binding("O", "open_cf(1)", "Go to its CF (model 2)", "open_cf2"),
        panel_binding("right_curly_bracket", "gap(1)", "Regression gap +", "gap_up", True, "}"),
        panel_binding("left_curly_bracket", "gap(-1)", "Regression gap −", "gap_down", True, "{"),
        CLASS_KEY,
    ]
    ACTIONS = frozenset({"toggle_metric", "restrict", "gap", "open_cf", "pick_features", "cycle_class"})
    KEY = "c"
    GROUP = "dp.cf"

    def __init__(
        self, session: Session, jobs: Jobs, browser: Browser, features: tuple[str, ...] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(session, jobs, **kwargs)
        self.browser = browser
        self.metric: Metric = "L1"
        self.restrict: Restrict = None
        #: the features the distance counts (checked); None: the models' inputs
        self.features: tuple[str, ...] | None = features

    def compose(self) -> ComposeResult:
        with PanelScroll(classes="panel-scroll", can_focus=True):
            yield TextStatic(id="dp-cf-text")

    def head(self) -> Static:
        return self.query_one("#dp-cf-text", Static)

    def can(self, action: str, parameters: tuple[Any, ...]) -> bool:
        if action == "open_cf":
            return parameters[0] < len(self.session.models)
        return super().can(action, parameters)

    def why_not(self, action: str, parameters: tuple[Any, ...]) -> str:
        if action == "gap":
            return (
                f"{{ and }} change the gap of a regression; for a {self.session.task.kind} task a counterfactual "
                "is another predicted class."
            )
        if action == "open_cf":
            return "O goes to the second model's counterfactual, and one model is loaded; o goes to its."
        return super().why_not(action, parameters)

    # -- computing ---------------------------------------------------------------------------
    def inputs(self, context: PointContext) -> tuple[Any, ...]:
        in_filter = self.browser.filter_text if self.restrict is not None and self.restrict[0] == "filter" else None
        settings = (context.gap_steps, self.metric, self.restrict, in_filter, self.features, context.target_class)
        return (*super().inputs(context), *settings)

    def computing_text(self, context: PointContext) -> str:
        if not space_ready(self.session):
            n = self.session.n_rows
            return f"Encoding {n:,} rows for distances (once), then the nearest counterfactual… (computing)"
        return "Finding the nearest counterfactual… (computing)"

    def job(self, context: PointContext) -> tuple[str, JobFn] | None:
        try:
            restrict = self._restrict_mask()
        except WitError as exc:
            self.restrict, restrict = None, None
            self.post_message(PointNote(f"{exc.message} {exc.hint}", error=True))
        s, i, thr, metric, steps = self.session, context.point, context.thresholds, self.metric, context.gap_steps
        features, target_class = self.features, context.target_class

        def fn(progress, cancelled):
            return point_questions.counterfactuals(
                s,
                i,
                thr,
                metric=metric,
                gap_steps=steps,
                restrict=restrict,
                features=features,
                target_class=target_class,
                progress=progress,
                cancelled=cancelled,
            )

        return "Nearest counterfactual…", fn

    def _restrict_mask(self) -> np.ndarray | None:
        if self.restrict is None:
            return None
        kind, value = self.restrict
        if kind == "truth":
            return truth_mask(self.session, value)
        return self.browser.filter_mask()

    def _restrict_label(self) -> str:
        if self.restrict is None:
            return "among all datapoints"
        kind, value = self.restrict
        if kind == "truth":
            return f"among {self.session.label} = {value}"
        return f"within the filter ({self.browser.filter_text})"

    # -- keys -------------------------------------------------------------------------------------
    def action_toggle_metric(self) -> None:
        self.metric = "L2" if self.metric == "L1" else "L1"
        self.refresh_shown()

    def action_restrict(self) -> None:
        """Pick what the counterfactual is searched among."""
        s = self.session
        options: list[tuple[str, Restrict]] = [("All datapoints", None)]
        if s.has_label and s.task.is_classification:
            options += [(f"{s.label} = {c}", ("truth", c)) for c in s.task.classes]
        if self.browser.filter_kind:
            options.append((f"Datapoints in the current filter ({self.browser.filter_text})", ("filter", None)))

        def picked(k: int | None) -> None:
            if k is not None:
                self.restrict = options[k][1]
                self.refresh_shown()

        self.app.push_screen(PickScreen("Look for the counterfactual among", [o[0] for o in options]), picked)

    def action_pick_features(self) -> None:
        """Tick the features the distance counts (default: the models' inputs)."""
        s = self.session
        default = model_inputs(s)
        counted = self.features if self.features is not None else default
        options = [(f, f + ("" if f in default else "  (no model reads it)")) for f in s.features]

        def picked(chosen: list[str] | None) -> None:
            if chosen is None:
                return
            try:
                features = checked_features(s, chosen, source="The pick")
            except WitError as exc:
                self.post_message(PointNote(f"{exc.message} {exc.hint}", error=True))
                return
            self.features = None if features == default else features
            self.post_message(PointNote(f"Counterfactual distance over {describe(s, features)}."))
            self.refresh_shown()

        note = "Ticked features count in the distance. By default: the columns the models read."
        self.app.push_screen(
            ChecklistScreen("Features the counterfactual distance counts", options, counted, default, note), picked
        )

    def action_open_cf(self, m: int) -> None:
        results: list[Counterfactual] = self.result if self.current else []
        index = results[m].index if m < len(results) else None
        if index is None:
            self.post_message(PointNote("No counterfactual to go to.", error=True))
            return
        self.post_message(GoToPoint(index))

    # -- drawing ------------------------------------------------------------------------------------
    def draw(self, context: PointContext) -> None:
        results: list[Counterfactual] = self.result
        head = self._summary(context, results)
        columns = _distinct(results)
        if not columns:
            self.head().update(head)
            return
        table = self._table(context, columns)
        s = self.session
        keys = "o / O go to it in the table" if len(s.models) > 1 else "o goes to it in the table"
        foot = Text(
            f"\nHighlighted: values that differ. {keys} · L switches L1/L2 · w restricts the search · W features"
            + (" · { } change the gap" if s.task.kind == "regression" else "")
            + (" · C the class" if s.task.kind == "multiclass" else ""),
            style="dim",
        )
        self.head().update(Group(head, table, foot))

    def _summary(self, context: PointContext, results: list[Counterfactual]) -> Text:
        head = Text()
        head.append(f"Nearest counterfactual of #{context.point}", style="bold")
        if self.session.task.kind == "multiclass":
            k = context.target_class
            head.append(" · any other class" if k is None else f" · predicted {self.session.task.classes[k]}", "bold")
        head.append(f" · {self.metric} · {self._restrict_label()}\n", style="dim")
        head.append(self._features_line(results), style="dim")
        rules = sorted({r.rule for r in results})
        if len(rules) > 1:  # e.g. regression: each model has its own prediction and gap
            rules = [f"{r.model}: {r.rule}" for r in results]
        head.append("counts: " + "; ".join(rules) + "\n", style="dim")
        width = max(len(r.model) for r in results)
        for r in results:
            head.append(f"{r.model:<{width}} ", style=f"bold {MODEL_COLORS[r.model_index]}")
            if r.index is None:
                head.append("none — no datapoint qualifies\n", style="red")
                continue
            head.append(f"#{r.index}", style="bold")
            head.append(f" distance {r.distance:.4f}", style="bold")
            head.append(f" (of {r.n_candidates:,})\n", style="dim")
        return head

    def _features_line(self, results: list[Counterfactual]) -> str:
        """Which features the distance counted, in words (and the ID-like ones it leaves out)."""
        s = self.session
        chosen = self.features if self.features is not None else model_inputs(s)
        line = f"distance over {describe(s, chosen)}"
        counted = set(results[0].features) if results else set(chosen)
        id_like = [f for f in chosen if f not in counted]
        if id_like:
            line += f"; ID-like, not counted: {', '.join(id_like)}"
        return line + " · W changes\n"

    def _table(self, context: PointContext, columns: list[tuple[int, list[Counterfactual]]]) -> Table:
        s, i, thr = self.session, context.point, context.thresholds
        longest = max([len(f) for f in s.features] + [len(s.label or "")] + [len(m.name) for m in s.models])
        feat_w, col_w = cf_widths(self.size.width or 60, longest, 1 + len(columns))
        this, others = s.row(i), [s.row(idx) for idx, _ in columns]
        col_w = max(col_w, number_width([i] + [idx for idx, _ in columns], [this, *others]))  # numbers: never cut
        table = Table(box=None, padding=(0, 1), pad_edge=False, header_style="bold", expand=False)
        table.add_column("feature", no_wrap=True, max_width=feat_w, overflow="ellipsis")
        table.add_column(f"#{i}", no_wrap=True, max_width=col_w, overflow="ellipsis")
        for idx, group in columns:
            who = "both" if len(group) == len(s.models) > 1 else "/".join(r.model for r in group)
            title = Text(f"#{idx}\n{who}", style=MODEL_COLORS[group[0].model_index])  # the id is never cut
            table.add_column(title, no_wrap=True, max_width=col_w, overflow="ellipsis")
        mine = labels_of(s, s.point_scores(i), thr)
        theirs = [labels_of(s, s.point_scores(idx), thr) for idx, _ in columns]
        for m, model in enumerate(s.models):
            cells: list[Text | str] = [Text(model.name, style=f"dim {MODEL_COLORS[m]}"), Text(fmt(mine[m]))]
            cells += [Text(fmt(t[m]), style="bold" if t[m] != mine[m] else "") for t in theirs]
            table.add_row(*cells)
        if s.has_label:
            assert s.label is not None  # a session has ground truth only with a label column
            table.add_row(Text(s.label, style="dim"), fmt(s.truth(i)), *(fmt(s.truth(idx)) for idx, _ in columns))
        differing = {f for f in s.features for o in others if not same(this[f], o[f])}
        order = [f for f in s.features if f in differing] + [f for f in s.features if f not in differing]
        for f in order:
            cells = [Text(f, style="bold" if f in differing else ""), fmt(this[f])]
            for o in others:
                diff = not same(this[f], o[f])
                cells.append(Text(fmt(o[f]), style="bold black on yellow" if diff else "dim"))
            table.add_row(*cells)
        return table


def _distinct(results: list[Counterfactual]) -> list[tuple[int, list[Counterfactual]]]:
    """One column per distinct counterfactual (both models often agree), in model order."""
    columns: dict[int, list[Counterfactual]] = {}
    for r in results:
        if r.index is not None:
            columns.setdefault(r.index, []).append(r)
    return list(columns.items())


def number_width(ids: list[int], rows: list[dict[str, Any]]) -> int:
    """The widest id or number the table shows: a value column is never narrower (shorten words, not numbers)."""
    numbers = [
        fmt(v) for r in rows for v in r.values() if isinstance(v, int | float | np.number) and not isinstance(v, bool)
    ]
    return max([len(f"#{j}") for j in ids] + [len(n) for n in numbers])


def cf_widths(panel_width: int, longest_name: int, n_values: int) -> tuple[int, int]:
    """Widths of the counterfactual table's name column and of each value column, so the table fits the panel.

    The panel has one column of padding on each side and may show a 2-column scrollbar; rich puts two
    columns between table columns (padding (0, 1), no edge padding).
    """
    usable = max(20, panel_width - 4)
    feat_w = min(18, longest_name)
    col_w = (usable - feat_w) // n_values - 2
    if col_w < 10:
        feat_w = min(12, longest_name)
        col_w = (usable - feat_w) // n_values - 2
    return feat_w, max(6, min(30, col_w))


def truth_mask(session: Session, value: Any) -> np.ndarray:
    """Which datapoints (added ones too) have ground truth ``value``."""
    mask = np.zeros(session.n_total, dtype=bool)
    mask[: session.n_rows] = np.asarray(session.y == value, dtype=bool)
    for i in range(session.n_rows, session.n_total):
        mask[i] = session.truth(i) == value
    return mask


__all__ = ["CounterfactualPanel", "cf_widths", "number_width", "truth_mask"]
