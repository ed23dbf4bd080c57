"""The importance panel: permutation importance of every model over the raw input columns (``e``: over the
pipeline's engineered columns), with each model's own weights; ``I`` sets the sample, repeats and seed.

Its inputs are the loaded rows, the label (or, without one, each model's own default predictions) and the
settings: the app's decisions (thresholds, truth, class) and the edited datapoints do not enter it, so it
never goes stale; the status line says it is computed on the loaded rows.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static

from wit_tui.engine.analysis.importance import (
    DEFAULT_REPEATS,
    DEFAULT_SAMPLE,
    ModelImportance,
    check_repeats,
    check_sample_size,
)
from wit_tui.engine.analysis.session_importance import importance_rows, session_importance
from wit_tui.engine.core.errors import WitError
from wit_tui.tui.dialogs.form import FormField, FormScreen
from wit_tui.tui.jobs import JobDone
from wit_tui.tui.views.features.common import FeatureContext, FeaturePanel, bar, cells, num, panel_key
from wit_tui.tui.widgets.text_static import TextStatic
from wit_tui.tui.widgets.text_table import TextTable

IMPORTANCE_GROUP = "features.importance"


def best_importance(results: list[ModelImportance] | None) -> dict[str, float]:
    """Each raw feature's largest mean permutation importance over the models (what the sort uses)."""
    out: dict[str, float] = {}
    for r in results or []:
        for name, value in zip(r.raw.names, r.raw.mean.tolist(), strict=True):
            out[name] = max(out.get(name, -math.inf), value)
    return out


def check_seed(text: str) -> int:
    try:
        seed = int(text)
    except ValueError:
        raise WitError(
            f"The seed {text!r} is not a whole number.", f"Give a whole number from 0 to {2**32 - 1:,}."
        ) from None
    if not 0 <= seed < 2**32:  # what numpy's and sklearn's random states accept
        raise WitError(f"The seed must be from 0 to {2**32 - 1:,}, not {seed:,}.", "0 is the usual choice.")
    return seed


class ImportancePanel(FeaturePanel):
    ACTIONS: ClassVar[frozenset[str]] = frozenset({"toggle_engineered"})
    NAME = "importance"
    BINDINGS: ClassVar[list[BindingType]] = [
        panel_key("e", "toggle_engineered", "Raw/engineered", "features.engineered"),
    ]

    class Ready(Message):
        """New importance numbers (the statistics table shows and sorts by them)."""

        def __init__(self, best: dict[str, float]) -> None:
            super().__init__()
            self.best = best

    def __init__(self, ctx: FeatureContext, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self.importance: list[ModelImportance] | None = None
        self.importance_settings = (DEFAULT_SAMPLE, DEFAULT_REPEATS, 0)
        self.engineered = False

    def compose(self) -> ComposeResult:
        yield TextStatic("", id="imp-note")
        with Horizontal(id="imp-tables"):
            yield TextTable(id="imp-table", cursor_type="row", zebra_stripes=True)
            yield TextTable(id="imp-table-2", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#imp-table-2").display = False

    def focus_target(self) -> Widget:
        return self.query_one("#imp-table")

    # -- computing ---------------------------------------------------------------------
    def run(self, size: int, repeats: int, seed: int) -> None:
        session = self.ctx.session
        if not self.ctx.ready and not session.has_label:
            self.ctx.say("Scoring is still running; importance without a label needs the predictions.")
            return
        size = min(size, len(importance_rows(session)))  # the default 2,000 on a smaller dataset: all of it
        self.importance_settings = (size, repeats, seed)
        self.ctx.jobs.run(
            IMPORTANCE_GROUP,
            "Permutation importance",
            lambda progress, cancelled: session_importance(
                session, size, repeats, seed, progress_for=lambda label: progress, is_cancelled=cancelled
            ),
            reply_to=self,
        )

    def ensure(self) -> None:
        """Start the run with the current settings unless there are numbers or a run already."""
        if self.importance is None and not self.ctx.jobs.running(IMPORTANCE_GROUP):
            self.run(*self.importance_settings)

    def on_job_done(self, done: JobDone) -> None:
        if done.group != IMPORTANCE_GROUP:
            return
        done.stop()
        if not self.ctx.jobs.is_current(done):
            return
        self.importance = list(done.result.results)
        self.post_message(self.Ready(best_importance(self.importance)))
        if self.display:
            self.render_panel()

    def settings_form(self) -> None:
        session = self.ctx.session
        available = len(importance_rows(session))
        size, repeats, seed = self.importance_settings

        def check(values: dict[str, str]) -> tuple[int, int, int]:
            n = check_sample_size(values["sample"], available)
            return n, check_repeats(values["repeats"]), check_seed(values["seed"])

        def done(result: tuple[int, int, int] | None) -> None:
            if result is not None:
                self.importance_settings = result
                self.run(*result)
                self.post_message(self.Shown(self.NAME))

        rows = "labelled rows" if session.has_label else "rows"
        fields = [
            FormField("sample", f"Sample size (1 to {available:,} {rows}):", str(min(size, available))),
            FormField("repeats", "Repeats per column (1 to 100):", str(repeats)),
            FormField("seed", "Random seed (sample and shuffles):", str(seed)),
        ]
        note = "Larger samples and more repeats give steadier numbers and take longer."
        self.app.push_screen(FormScreen("Permutation importance", fields, check, note=note), done)

    # -- drawing -------------------------------------------------------------------------
    def toggle_engineered(self) -> None:
        self.engineered = not self.engineered
        self.render_panel()

    def render_panel(self) -> None:
        note = self.query_one("#imp-note", Static)
        t1 = self.query_one("#imp-table", DataTable)
        t2 = self.query_one("#imp-table-2", DataTable)
        res = self.importance
        if res is None:
            size, repeats, seed = self.importance_settings
            note.update(
                Text(
                    f"Shuffling each column of {size:,} rows, {repeats} times per model (seed {seed})…"
                    if self.ctx.jobs.running(IMPORTANCE_GROUP)
                    else "No importance yet: i computes it, I sets the sample size, repeats and seed."
                )
            )
            t1.clear(columns=True)
            t2.display = False
            self.ctx.status("Permutation importance: how much each model's score drops when one column is shuffled.")
            return
        first = res[0]
        self.ctx.status(
            f"Permutation importance · drop in {first.scoring_label} vs {first.target} when one column is "
            f"shuffled · {first.n_rows:,} rows × {first.n_repeats} repeats, seed {first.random_state} · mean ± std"
        )
        if not self.engineered:
            self.raw_table(t1, res)
            t2.display = False
            own = [f"{r.model}: {r.own.description}" for r in res if r.own is not None and r.own.names == r.raw.names]
            text = "Raw input columns (e: engineered columns)."
            note.update(Text(text + (" own = " + "; ".join(own) + "." if own else "")))
            name = self.ctx.selected_name
            if name is not None and name in t1.rows:
                t1.move_cursor(row=t1.get_row_index(name))
            return
        for table, r in zip((t1, t2), res, strict=False):
            self.engineered_table(table, r)
        t2.display = len(res) > 1
        self.arrange_tables()
        note.update(Text(" ".join(self.engineered_notes(res))))

    @staticmethod
    def engineered_notes(res: list[ModelImportance]) -> list[str]:
        parts = ["(e: raw columns)"]
        if any(r.engineered is not None for r in res):
            parts.append(
                "Engineered: the pipeline's steps before the final estimator transform the sample once; "
                "each resulting column (get_feature_names_out) is shuffled and scored by the final estimator."
            )
        # a model that is not a Pipeline says so in its own table; only a failure needs the note's room
        parts += [
            f"{r.model}: {r.engineered_note}"
            for r in res
            if r.engineered is None and "raw columns directly" not in r.engineered_note
        ]
        return parts + [f"own = {r.model}'s {r.own.description}." for r in res if r.own is not None]

    def arrange_tables(self) -> None:
        """Two models' engineered tables side by side on a wide terminal, one above the other on a narrow one."""
        self.query_one("#imp-tables").styles.layout = "horizontal" if self.size.width >= 120 else "vertical"

    def on_resize(self) -> None:
        if self.display:
            self.arrange_tables()

    def raw_table(self, table: DataTable, res: list[ModelImportance]) -> None:
        table.clear(columns=True)
        cols = ["feature"]
        for r in res:
            cols += [f"{r.model} Δ{r.scoring_label}", "± std", ""]
            if r.own is not None and r.own.names == r.raw.names:
                cols.append(f"{r.model} own")
        table.add_columns(*cells(cols))
        per_model = [
            dict(zip(r.raw.names, zip(r.raw.mean.tolist(), r.raw.std.tolist(), strict=True), strict=True)) for r in res
        ]
        top = max((float(r.raw.mean.max()) for r in res if len(r.raw.mean)), default=0.0)
        imp = best_importance(res)
        for name in sorted(imp, key=lambda f: -imp[f]):
            row: list[Any] = [name]
            for r, values in zip(res, per_model, strict=True):
                mean, std = values.get(name, (math.nan, math.nan))
                row += [num(mean), num(std), bar(mean, top)]
                if r.own is not None and r.own.names == r.raw.names:
                    row.append(num(float(r.own.values[r.raw.names.index(name)])) if name in r.raw.names else "–")
            table.add_row(*cells(row), key=name)

    @staticmethod
    def engineered_table(table: DataTable, r: ModelImportance) -> None:
        table.clear(columns=True)
        if r.engineered is None:
            table.add_columns(Text(f"{r.model}: no engineered view"))
            table.add_row("same as the raw columns" if "raw columns directly" in r.engineered_note else "–")
            return
        eng = r.engineered
        own = r.own if r.own is not None and r.own.names == eng.names else None
        cols = [f"{r.model}: engineered column", f"Δ{r.scoring_label}", "± std"]
        if own is not None:
            cols.append(f"own {own.attribute}")
        table.add_columns(*cells(cols))
        for j in eng.order():
            row = [eng.names[j], num(float(eng.mean[j])), num(float(eng.std[j]))]
            if own is not None:
                row.append(num(float(own.values[j])))
            table.add_row(*cells(row), key=f"{r.model}:{eng.names[j]}")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        if event.data_table.id == "imp-table" and not self.engineered and key in self.ctx.session.features:
            self.ctx.selected_name = key


__all__ = ["IMPORTANCE_GROUP", "ImportancePanel", "best_importance", "check_seed"]
