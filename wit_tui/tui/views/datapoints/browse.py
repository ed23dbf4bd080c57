"""Which datapoints the table shows, in what order: the filters, the sort and go-to.

A plain class over the engine's :mod:`wit_tui.engine.whatif.browse`: it keeps the
user's choices, builds the ids to show (``None``: every id in id order) and hands
them to its host (the view), which puts them in the table. Filters stack: each
expression (``/``), quick filter (``f``) or value picked in the frequency view is a
chip, and a row is shown when it passes every chip (``backspace`` drops the last
one, ``u`` picks one to drop, ``U`` drops them all). The one slow step, the
first argsort of a column, is a job (``dp.sort``); the view hands its result back
to :meth:`Browser.sorted`. A filter on predictions is computed at the thresholds of
the moment; once they change, the status line says so (rows never jump by
themselves: adding or removing a filter re-applies them all).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
from textual.app import App

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif import browse
from wit_tui.tui.dialogs.frequency import FrequencyScreen
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.jobs import Jobs
from wit_tui.tui.widgets.prompt_bar import PromptBar

FilterKind = Literal["expr"] | browse.QuickFilter

NO_MATCH = (
    "No datapoint matches the filters (text compares exactly, case included); backspace drops the last one, "
    "U all of them."
)
SORT_GROUP = "dp.sort"


@dataclass(frozen=True)
class FilterChip:
    """One filter of the stack: an expression (``kind`` "expr", ``text`` the expression) or a quick filter
    (``text`` its name, ``model`` the model it asks about, None: any)."""

    kind: FilterKind
    text: str
    model: int | None = None

    @property
    def chip(self) -> str:
        """How the status line shows it: ``[age >= 30 ×]``."""
        return f"[{self.text} ×]"


class BrowseHost(Protocol):
    """What the browser needs from the view."""

    @property
    def app(self) -> App[Any]: ...
    @property
    def prompt(self) -> PromptBar: ...
    @property
    def thresholds(self) -> tuple[float, ...]: ...

    jobs: Jobs

    def show_ids(self, ids: np.ndarray | None, *, keep_position: bool = False) -> None: ...
    def go_to(self, point: int) -> bool: ...
    def note(self, text: str, error: bool = False) -> None: ...


class Browser:
    """The filter, sort and go-to of the datapoint table."""

    def __init__(self, host: BrowseHost, session: Session) -> None:
        self.host = host
        self.session = session
        self.ids: np.ndarray | None = None  # the ids shown, in order (None: all, by id)
        self.sort: browse.SortSpec | None = None
        self.filters: tuple[FilterChip, ...] = ()  # every one applies (AND), in the order added
        self.filter_at: tuple[float, ...] | None = None  # the thresholds the filter was applied at
        self.pending_sort: browse.SortSpec | None = None  # chosen, waiting for its column's order (a job)

    # -- the ids ---------------------------------------------------------------------------------
    @property
    def filter_kind(self) -> FilterKind | None:
        """The last filter's kind (None: no filter)."""
        return self.filters[-1].kind if self.filters else None

    @property
    def filter_text(self) -> str:
        """Every filter in words, joined by "and" ("" when none)."""
        return " and ".join(f.text for f in self.filters)

    def chip_mask(self, chip: FilterChip) -> np.ndarray:
        thresholds = self.host.thresholds
        if chip.kind == "expr":
            return browse.expression_mask(self.session, chip.text, thresholds)
        return browse.quick_filter_mask(self.session, chip.kind, chip.model, thresholds)

    def filter_mask(self) -> np.ndarray | None:
        """Every filter over every id, ANDed (None: no filter); WitError when one no longer applies."""
        mask: np.ndarray | None = None
        for chip in self.filters:
            one = self.chip_mask(chip)
            mask = one if mask is None else mask & one
        return mask

    def rebuild(self, mask: np.ndarray | None = None, *, keep_position: bool = False) -> None:
        """Re-apply the sort and filter (edited points at their current values) and show the result
        (``keep_position``: the cursor stays on its row, not on its datapoint: ids were renumbered)."""
        if mask is None and self.filters:
            try:
                mask = self.filter_mask()
            except WitError as exc:
                self.host.note(f"{exc.message} {exc.hint}", error=True)
                self.filters = ()
        self.filter_at = self.host.thresholds
        self.ids = browse.build_view(self.session, self.sort, mask, self.host.thresholds)
        self.host.show_ids(self.ids, keep_position=keep_position)

    def grow(self, new: Sequence[int]) -> None:
        """Points were added (ids ``new``): they join the end of the ids shown, whatever the filter."""
        if self.ids is not None:
            self.ids = np.append(self.ids, np.asarray(new, dtype=np.int64))

    def shows(self, point: int) -> bool:
        """Datapoint ``point`` is in the table (not hidden by the filter)."""
        return 0 <= point < self.session.n_total and (self.ids is None or bool(np.any(self.ids == point)))

    @property
    def n_shown(self) -> int:
        return self.session.n_total if self.ids is None else len(self.ids)

    # -- filter ---------------------------------------------------------------------------------------
    def ask_filter(self) -> None:
        cols = ", ".join(self.session.features[:4])
        also = " · adds to the filters shown" if self.filters else ""
        self.host.prompt.ask(
            "filter",
            "/",
            "",
            f'e.g. age > 40 and sex == "Female" · columns: {cols}, …{also} · empty clears all · esc cancels',
        )

    def apply_expression(self, text: str) -> None:
        """The prompt's expression joins the filters (an empty one clears them all)."""
        prompt = self.host.prompt
        if not text.strip():
            prompt.close()
            self.clear_filters()
            return
        try:
            browse.expression_mask(self.session, text, self.host.thresholds)  # refused here, in the prompt
        except WitError as exc:
            prompt.error(f"{exc.message}")
            return
        prompt.close()
        self.add_filter(FilterChip("expr", text.strip()))

    def add_filter(self, chip: FilterChip) -> None:
        """``chip`` joins the filters (ANDed with the others; the same filter twice counts once)."""
        if chip not in self.filters:
            self.filters = (*self.filters, chip)
        self.rebuild()

    def remove_filter(self, index: int = -1) -> None:
        """Drop one filter (default: the last added)."""
        if not self.filters:
            self.host.note("No filter to remove.", error=True)
            return
        chips = list(self.filters)
        chips.pop(index)
        self.filters = tuple(chips)
        self.rebuild()

    def clear_filters(self) -> None:
        self.filters = ()
        self.rebuild()

    def ask_remove_filter(self) -> None:
        """Pick one filter to drop."""
        if not self.filters:
            self.host.note("No filter to remove.", error=True)
            return

        def picked(k: int | None) -> None:
            if k is not None:
                self.remove_filter(k)

        options = [chip.text for chip in self.filters]
        self.host.app.push_screen(PickScreen("Remove a filter", options, len(options) - 1), picked)

    def ask_quick_filter(self) -> None:
        s = self.session
        options: list[tuple[str, browse.QuickFilter | None, int | None]] = [("All datapoints (no filter)", None, None)]
        if s.has_label and s.task.is_classification:
            options.append(("Misclassified by any model", "misclassified", None))
            options += [(f"Misclassified by {model.name}", "misclassified", m) for m, model in enumerate(s.models)]
            if s.task.kind == "binary":
                for m, model in enumerate(s.models):
                    options.append((f"False positives of {model.name}", "false_positives", m))
                    options.append((f"False negatives of {model.name}", "false_negatives", m))
        options.append(("Edited or added", "edited", None))

        def picked(k: int | None) -> None:
            if k is None:
                return
            label, kind, model = options[k]
            if kind is None:
                self.clear_filters()
            else:
                self.add_filter(FilterChip(kind, label.lower(), model))

        note = "" if s.has_label else "No label: only the edited filter applies."
        self.host.app.push_screen(PickScreen("Quick filter", [o[0] for o in options], None, note), picked)

    def filter_is_stale(self) -> bool:
        """The filter is on predictions and the thresholds moved since it was applied."""
        on_predictions = any(
            chip.kind in ("misclassified", "false_positives", "false_negatives")
            or (chip.kind == "expr" and "pred_" in chip.text)
            for chip in self.filters
        )
        return on_predictions and self.filter_at is not None and self.filter_at != self.host.thresholds

    def ask_frequency(self, key: str, label: str, decisions: Decisions) -> None:
        """The frequency view of table column ``key`` over the rows shown; enter on a value adds its filter."""
        s = self.session
        column = s.label if key == "truth" else (key[2:] if key.startswith("f:") else None)
        if column is None:
            self.host.note(f"F counts the values of a data column; {label} is not one (move to a feature).")
            return

        def picked(expression: str | None) -> None:
            if expression:
                self.add_filter(FilterChip("expr", expression))

        self.host.app.push_screen(FrequencyScreen(s, column, self.ids, decisions), picked)

    # -- sort ---------------------------------------------------------------------------------------------
    def sort_choices(self) -> list[tuple[str, str]]:
        s = self.session
        out = [("id", "# (datapoint id)")]
        if s.has_label:
            out.append(("truth", f"{s.label} (ground truth)"))
        for m, model in enumerate(s.models):
            if s.task.kind == "regression":
                out.append((f"pred:{m}", f"{model.name} prediction"))
            else:
                out.append((f"score:{m}", f"{model.name} {s.tasks[m].score_label}"))
                out.append((f"pred:{m}", f"{model.name} predicted class"))
        out.extend((f"f:{f}", f) for f in s.features)
        return out

    def ask_sort(self, descending: bool) -> None:
        """Pick a column to sort by (the palette's "Sort by a column…"; s / S sort by the current column)."""
        choices = self.sort_choices()

        def picked(k: int | None) -> None:
            if k is not None:
                key, label = choices[k]
                self.sort_by(key, label.split(" (")[0], descending)

        title = f"Sort {'descending' if descending else 'ascending'} by"
        self.host.app.push_screen(PickScreen(title, [c[1] for c in choices]), picked)

    def sort_by(self, key: str, label: str, descending: bool) -> None:
        """Sort by table column ``key`` (the first sort by a column is a job; later ones are instant)."""
        sort = None if key == "id" and not descending else browse.SortSpec(key, label, descending)
        self.pending_sort = None
        if sort is None or sort.key == "id" or browse.order_ready(self.session, sort.key):
            self.sort = sort
            self.rebuild()  # cached: only a merge of the edited points and a reverse
            return
        self.pending_sort = sort
        self.host.note(f"Sorting by {label}…")
        session, column = self.session, sort.key

        def order(progress, cancelled) -> str:
            browse.base_order(session, column)  # one stable argsort (~150 ms a million rows), cached after
            return column

        self.host.jobs.run(SORT_GROUP, f"Sorting by {label}…", order)

    def sorted(self, key: str) -> None:
        """The sort job is done: show it, unless another sort replaced it meanwhile."""
        if self.pending_sort is not None and self.pending_sort.key == key:
            self.sort, self.pending_sort = self.pending_sort, None
            self.rebuild()
        self.host.note("")

    # -- go to ----------------------------------------------------------------------------------------------
    def ask_jump(self) -> None:
        self.host.prompt.ask("jump", "go to datapoint # ", "", f"0 … {self.session.n_total - 1:,}")

    def jump(self, text: str) -> None:
        prompt = self.host.prompt
        try:
            i = int(text.strip().replace(",", "").replace("_", ""))
        except ValueError:
            prompt.error(f"{text.strip()!r} is not a datapoint number.")
            return
        if not 0 <= i < self.session.n_total:
            prompt.error(f"There is no datapoint {i}; ids run from 0 to {self.session.n_total - 1:,}.")
            return
        if not self.shows(i):
            prompt.error(f"Datapoint {i} is hidden by the filter; clear it (/ then enter) to see it.")
            return
        prompt.close()
        self.host.go_to(i)

    # -- the status line ------------------------------------------------------------------------------------
    def status_parts(self, n_changed: int, unsaved: bool) -> Sequence[str]:
        s = self.session
        parts = [f"{s.n_total:,} datapoints"]
        if self.ids is not None and (self.filters or len(self.ids) != s.n_total):  # not when only sorted
            parts[0] = f"{len(self.ids):,} of {s.n_total:,} shown"
        if self.filters:
            stale = (
                " (at earlier thresholds: adding or removing a filter re-applies them)"
                if self.filter_is_stale()
                else ""
            )
            parts.append(" ".join(chip.chip for chip in self.filters) + stale)
        if self.sort is not None:
            parts.append(f"sort: {self.sort.label} {'↓' if self.sort.descending else '↑'}")
        if n_changed:
            parts.append(f"{n_changed} changed" + (" (unsaved)" if unsaved else ""))
        return parts


__all__ = ["NO_MATCH", "SORT_GROUP", "BrowseHost", "Browser", "FilterChip", "FilterKind"]
