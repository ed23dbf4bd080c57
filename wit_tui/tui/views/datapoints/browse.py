"""Which datapoints the table shows, in what order: the filter, the quick filters, the sort and go-to.

A plain class over the engine's :mod:`wit_tui.engine.whatif.browse`: it keeps the
user's choices, builds the ids to show (``None``: every id in id order) and hands
them to its host (the view), which puts them in the table. The one slow step, the
first argsort of a column, is a job (``dp.sort``); the view hands its result back
to :meth:`Browser.sorted`. A filter on predictions is computed at the thresholds of
the moment; once they change, the status line says so (rows never jump by
themselves: ``/`` or ``f`` re-applies it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol

import numpy as np
from textual.app import App

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif import browse
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.jobs import Jobs
from wit_tui.tui.widgets.prompt_bar import PromptBar

FilterKind = Literal["expr"] | browse.QuickFilter

NO_MATCH = (
    "No datapoint matches the filter (text compares exactly, case included); / then enter on an empty line clears it."
)
SORT_GROUP = "dp.sort"


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
        self.filter_kind: FilterKind | None = None
        self.filter_text = ""
        self.filter_model: int | None = None
        self.filter_at: tuple[float, ...] | None = None  # the thresholds the filter was applied at
        self.pending_sort: browse.SortSpec | None = None  # chosen, waiting for its column's order (a job)

    # -- the ids ---------------------------------------------------------------------------------
    def filter_mask(self) -> np.ndarray | None:
        """The current filter over every id (None: no filter); WitError when it no longer applies."""
        thresholds = self.host.thresholds
        if self.filter_kind is None:
            return None
        if self.filter_kind == "expr":
            return browse.expression_mask(self.session, self.filter_text, thresholds)
        return browse.quick_filter_mask(self.session, self.filter_kind, self.filter_model, thresholds)

    def rebuild(self, mask: np.ndarray | None = None, *, keep_position: bool = False) -> None:
        """Re-apply the sort and filter (edited points at their current values) and show the result
        (``keep_position``: the cursor stays on its row, not on its datapoint: ids were renumbered)."""
        if mask is None and self.filter_kind is not None:
            try:
                mask = self.filter_mask()
            except WitError as exc:
                self.host.note(f"{exc.message} {exc.hint}", error=True)
                self.filter_kind, self.filter_text = None, ""
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
        self.host.prompt.ask(
            "filter",
            "/",
            self.filter_text if self.filter_kind == "expr" else "",
            f'e.g. age > 40 and sex == "Female" · columns: {cols}, … · empty clears · esc cancels',
        )

    def apply_expression(self, text: str) -> None:
        prompt = self.host.prompt
        if not text.strip():
            self.filter_kind, self.filter_text = None, ""
            prompt.close()
            self.rebuild()
            return
        try:
            mask = browse.expression_mask(self.session, text, self.host.thresholds)
        except WitError as exc:
            prompt.error(f"{exc.message}")
            return
        self.filter_kind, self.filter_text = "expr", text.strip()
        prompt.close()
        self.rebuild(mask)

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
            self.filter_kind, self.filter_model = kind, model
            self.filter_text = label.lower() if kind else ""
            self.rebuild()

        note = "" if s.has_label else "No label: only the edited filter applies."
        self.host.app.push_screen(PickScreen("Quick filter", [o[0] for o in options], None, note), picked)

    def filter_is_stale(self) -> bool:
        """The filter is on predictions and the thresholds moved since it was applied."""
        on_predictions = self.filter_kind in ("misclassified", "false_positives", "false_negatives") or (
            self.filter_kind == "expr" and "pred_" in self.filter_text
        )
        return on_predictions and self.filter_at is not None and self.filter_at != self.host.thresholds

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
        choices = self.sort_choices()

        def picked(k: int | None) -> None:
            if k is None:
                return
            key, label = choices[k]
            sort = None if key == "id" and not descending else browse.SortSpec(key, label.split(" (")[0], descending)
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

        title = f"Sort {'descending' if descending else 'ascending'} by"
        self.host.app.push_screen(PickScreen(title, [c[1] for c in choices]), picked)

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
        if self.ids is not None and (self.filter_kind or len(self.ids) != s.n_total):  # not when only sorted
            parts[0] = f"{len(self.ids):,} of {s.n_total:,} shown"
        if self.filter_kind:
            stale = " (at earlier thresholds: / or f applies it again)" if self.filter_is_stale() else ""
            parts.append(f"filter: {self.filter_text}{stale}")
        if self.sort is not None:
            parts.append(f"sort: {self.sort.label} {'↓' if self.sort.descending else '↑'}")
        if n_changed:
            parts.append(f"{n_changed} changed" + (" (unsaved)" if unsaved else ""))
        return parts


__all__ = ["NO_MATCH", "SORT_GROUP", "BrowseHost", "Browser", "FilterKind"]
