"""Features: what is in the data and what the model relies on.

Three panels over one selected feature: statistics with the feature's histogram
(``t``, :mod:`.stats`), global importance (``i``, :mod:`.importance`) and drift
against a reference (``d``, :mod:`.drift`); the surrogate rules open in their
own dialog (``u``). The view holds the keys of the whole screen; each panel
holds its own (``panel_key('<action>')`` bindings on the panel class), so the
footer shows them while that panel has focus, and says why one does not apply
(``why_not``). Every slow computation is a job of the view's
:class:`~wit_tui.tui.jobs.Jobs`, shown on one progress line, stopped by escape.

What follows the app's decisions and the session (each panel's docstring says why):
the split by prediction redraws at the new thresholds; the edited rows'
statistics recompute on each edit; importance, drift and the loaded rows'
statistics do not depend on either; the surrogate dialog is modal and fits at
the thresholds current when it opens.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static
from textual.worker import Worker, WorkerState

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.session.session import Session
from wit_tui.tui.dialogs.surrogate import SurrogateScreen
from wit_tui.tui.jobs import JobLine
from wit_tui.tui.options import RunOptions
from wit_tui.tui.views.base import SessionUpdated, SessionView
from wit_tui.tui.views.features.common import FeatureContext, FeaturePanel, PanelName
from wit_tui.tui.views.features.drift import DriftPanel
from wit_tui.tui.views.features.histogram import FeatureHistogram
from wit_tui.tui.views.features.importance import ImportancePanel
from wit_tui.tui.views.features.stats import StatsPanel
from wit_tui.tui.widgets.status_note import StatusNote
from wit_tui.tui.widgets.text_static import TextStatic
from wit_tui.tui.widgets.wide_table import WideTable

NOT_SCORED = "Scoring is still running; drift of the predictions needs them. Try again in a moment."


class FeaturesView(SessionView):
    TITLE = "3 Features"
    HELP = (
        "Per-feature statistics, flags and the selected feature's histogram (split by truth, prediction or a "
        "feature); permutation importance (raw and engineered columns) and the model's own weights; a surrogate "
        "tree with its fidelity; drift against --reference or a column value."
    )
    HELP_NOTES = (
        "std is the sample standard deviation (n−1), as pandas' describe(). non-unif. = 1 − normalised "
        "entropy of the feature's 10-bucket (numeric) or per-value (categorical) histogram: 1 = one value, "
        "0 = even spread. ⚑ flags: all missing, > 2% missing, a single value, > 10% zeros, ±inf. "
        "Surrogate dialog: +/- depth, x export the rules, tab next model, escape close."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "show_panel('stats')", "Stats", id="features.stats"),
        Binding("i", "importance", "Importance", id="features.importance"),
        Binding("I", "importance_settings", "Importance settings…", show=False, id="features.importance_settings"),
        Binding("u", "surrogate", "Surrogate", show=False, id="features.surrogate"),
        Binding("d", "drift", "Drift", id="features.drift"),
        Binding("escape", "cancel", "Cancel the running job", show=False, id="features.cancel"),
    ]
    #: the panels' own keys (the footer shows them while the panel has focus) and their tables'
    KEY_HOSTS: ClassVar[tuple[type[DOMNode], ...]] = (
        StatsPanel,
        FeatureHistogram,
        ImportancePanel,
        DriftPanel,
        WideTable,
    )

    def __init__(self, session: Session, options: RunOptions | None = None, **kwargs: Any) -> None:
        super().__init__(session, options, **kwargs)
        first = session.features[0] if session.features else None
        self.ctx = FeatureContext(session, self.options, self.jobs, self.status, self.say, selected_name=first)
        self.panel: PanelName = "stats"
        self.stats_panel = StatsPanel(self.ctx, id="panel-stats")
        self.importance_panel = ImportancePanel(self.ctx, id="panel-importance")
        self.drift_panel = DriftPanel(self.ctx, id="panel-drift")

    def compose(self) -> ComposeResult:
        with Vertical(id="feat-body"):
            yield TextStatic("Computing statistics…", id="feat-status")
            yield StatusNote(id="feat-note")
            yield JobLine(id="feat-job")
            with ContentSwitcher(id="feat-panels", initial="panel-stats"):
                yield self.stats_panel
                yield self.importance_panel
                yield self.drift_panel

    def on_mount(self) -> None:
        self.watch(self.app, "decisions", self._on_decisions, init=False)
        self.stats_panel.compute(False)

    @property
    def panels(self) -> tuple[FeaturePanel, ...]:
        return (self.stats_panel, self.importance_panel, self.drift_panel)

    def active(self) -> FeaturePanel:
        return {"stats": self.stats_panel, "importance": self.importance_panel, "drift": self.drift_panel}[self.panel]

    def focus_target(self) -> Widget:
        return self.active().focus_target()

    def status(self, text: str | Text) -> None:
        """Status line; plain strings are shown as they are (feature names and file names are not markup)."""
        self.query_one("#feat-status", Static).update(text if isinstance(text, Text) else Text(text))

    # -- the router ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "cancel":
            return self.jobs.running()
        if action == "show_panel":  # t: to the statistics, or computes them again after a cancel
            return self.panel != "stats" or self.stats_panel.needs_stats()
        if action in ("importance", "drift"):
            return self.panel != action
        return True

    def why_not(self, action: str, parameters: tuple[Any, ...]) -> str:
        """Why a key of the view (or of its active panel) does not apply now ("": it does)."""
        if action == "cancel":
            return "Nothing is running: escape cancels a running job."
        if action in ("show_panel", "importance", "drift"):
            return f"The {'statistics' if action == 'show_panel' else action} panel is already shown."
        if action == "panel_key":
            return self.active().why_not(parameters[0], parameters[1:])
        return ""

    def action_show_panel(self, panel: PanelName) -> None:
        if panel == "stats" and self.stats_panel.needs_stats():
            self.stats_panel.compute(self.stats_panel.show_edited)
        self.panel = panel
        self.query_one("#feat-panels", ContentSwitcher).current = f"panel-{panel}"
        self.refresh_bindings()
        self.active().render_panel()
        self.focus_target().focus()

    def on_feature_panel_shown(self, message: FeaturePanel.Shown) -> None:
        self.action_show_panel(message.panel)

    def action_cancel(self) -> None:
        cancelled = ", ".join(self.jobs.cancel())
        self.stats_panel.cancelled()
        self.active().render_panel()
        self.status(f"Cancelled: {cancelled}.")

    # -- changes from the app --------------------------------------------------------------
    def _on_decisions(self, decisions: Decisions) -> None:
        for panel in self.panels:
            panel.decisions_changed(decisions)

    def on_session_updated(self, message: SessionUpdated) -> None:
        for panel in self.panels:
            panel.session_changed(message.event)

    @on(Worker.StateChanged)
    def _worker_ended(self, event: Worker.StateChanged) -> None:
        """Edits made while the statistics ran are computed once that worker has ended (this handler runs before
        the base class's, so it ends the job itself; ending it twice is harmless)."""
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.jobs.worker_ended(event.worker)
            self.stats_panel.refresh_edited()

    def session_ready(self) -> None:
        super().session_ready()
        self.ctx.ready = True
        self.refresh_bindings()

    # -- what the panels serve ------------------------------------------------------------------
    def on_stats_panel_wants_importance(self, message: StatsPanel.WantsImportance) -> None:
        self.importance_panel.ensure()

    def on_importance_panel_ready(self, message: ImportancePanel.Ready) -> None:
        self.stats_panel.importance_ready(message.best)

    # -- importance, surrogate, drift -----------------------------------------------------------
    def action_importance_settings(self) -> None:
        """I: from any panel (the sample size, repeats and seed are set before a run)."""
        self.importance_panel.settings_form()

    def action_importance(self) -> None:
        self.importance_panel.ensure()
        self.action_show_panel("importance")

    def action_surrogate(self) -> None:
        if not self.ready:
            msg = "Scoring is still running: the surrogate mimics the predictions, so it waits for them."
            self.say(msg)
            return
        thresholds = self.decisions.point_thresholds(self.session.default_thresholds)
        self.app.push_screen(SurrogateScreen(self.session, list(thresholds)))

    def action_drift(self) -> None:
        if not self.ready:
            self.say(NOT_SCORED)
        elif self.drift_panel.has_work():
            self.action_show_panel("drift")
        else:
            self.drift_panel.start()


__all__ = ["FeaturesView"]
