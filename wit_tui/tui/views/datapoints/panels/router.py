"""Which analysis panel the datapoint editor shows on the left, and the keys that open, close and drive it.

A plain class the view owns (``view.router``): it keeps the panel shown (``"table"``:
none) and the regression gap the counterfactual and minimal-edit panels share, builds
the :class:`~wit_tui.tui.views.datapoints.common.PointContext` a panel is shown for, and
routes a panel's key to it. The view keeps the keys that open panels; a panel's own
keys are bound on the panel (the footer shows them while it has focus) and reach
here when they change what the panels share (the regression gap, the class of a
multi-class question, C) or when pressed while another part has focus.
Escape closes the prompt, else cancels the jobs, else closes the panel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol, cast

import numpy as np
from textual.widget import Widget
from textual.widgets import ContentSwitcher

from wit_tui.engine.session.session import Session
from wit_tui.tui.jobs import Jobs
from wit_tui.tui.views.datapoints.common import PointContext
from wit_tui.tui.views.datapoints.inspector import Inspector
from wit_tui.tui.views.datapoints.panels.base import PointPanel
from wit_tui.tui.views.datapoints.panels.curves import CurvesPanel
from wit_tui.tui.views.datapoints.table import PointTable
from wit_tui.tui.widgets.prompt_bar import PromptBar

PanelName = Literal["table", "cf", "min", "ice", "attr", "hist"]
#: each panel in words, for "press c to open the nearest counterfactual panel"
PANEL_WORDS = {
    "cf": "nearest counterfactual",
    "min": "minimal edits",
    "ice": "ICE / partial dependence",
    "attr": "attributions",
    "hist": "run history",
}


class RouterHost(Protocol):
    """What the router needs from the view."""

    @property
    def thresholds(self) -> tuple[float, ...]: ...

    ready: bool
    session: Session
    selected: int
    version: int
    jobs: Jobs
    grid: PointTable
    inspector: Inspector
    prompt: PromptBar

    def sync(self) -> None: ...
    def note(self, text: str, error: bool = False) -> None: ...
    def focus_target(self) -> Widget: ...
    def refresh_bindings(self) -> None: ...
    def call_after_refresh(self, callback: Callable[[], Any]) -> bool: ...


class PanelSwitcher(ContentSwitcher):
    """The left pane: the table (``dp-grid``) or one panel (``dp-<name>``). A panel's key whose setting the panels
    share (:class:`PointPanel.Key`) stops here, for the router."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.route: Callable[..., None] | None = None  # the router's ``key``

    def on_point_panel_key(self, message: PointPanel.Key) -> None:
        message.stop()
        if self.route is not None:
            self.route(message.name, *message.args)


class PanelRouter:
    """The panel shown, opening and closing it, its keys, and the context it is shown for."""

    def __init__(self, host: RouterHost, panels: Mapping[str, PointPanel], left: PanelSwitcher) -> None:
        self.host = host
        self.panels = panels
        self.left = left  # the left pane: the table (``dp-grid``) or one panel (``dp-<name>``)
        left.route = self.key
        self.name: PanelName = "table"
        self.gap_steps = 0  # the regression gap, ±10% a step ({ }): what counts as another prediction
        self.target_class: int | None = None  # multi-class: the class asked about (C); None: the predicted one

    @property
    def active(self) -> PointPanel | None:
        return self.panels.get(self.name)

    def context(self) -> PointContext:
        host = self.host
        feature = host.inspector.current_feature()
        return PointContext(host.selected, host.thresholds, host.version, feature, self.gap_steps, self.target_class)

    def can_key(self, parameters: tuple[Any, ...]) -> bool:
        """Whether the panel shown serves the key ``panel_key(*parameters)`` and it applies now."""
        panel = self.active
        return panel is not None and parameters[0] in panel.ACTIONS and panel.can(parameters[0], parameters[1:])

    def why_not(self, parameters: tuple[Any, ...], key: str) -> str:
        """Why the panel key ``panel_key(*parameters)``, pressed as ``key``, does nothing now ("" when it applies)."""
        action = parameters[0]
        panel = self.active
        if panel is not None and action in panel.ACTIONS:
            if panel.can(action, parameters[1:]):
                return ""
            return panel.why_not(action, parameters[1:]) or f"{key} does not apply to this task or these models."
        owner = next((name for name, p in self.panels.items() if action in p.ACTIONS), None)
        if owner is None:
            return ""
        return f"{key} works in the {PANEL_WORDS.get(owner, owner)} panel: press {self.panels[owner].KEY} to open it."

    def open(self, name: PanelName) -> None:
        """Show a panel; its key again closes it, or computes it again when it is not computed (cancelled)."""
        host = self.host
        host.sync()
        if not host.ready:
            return
        if self.name == name:
            panel = self.panels[name]
            if panel.stale_note:
                panel.show_for(self.context(), force=True)
            else:
                self.close()
            return
        self.name = name
        self.left.current = f"dp-{name}"
        host.refresh_bindings()
        self.refresh()
        host.focus_target().focus()

    def focus_widget(self) -> Widget | None:
        """What has the focus while the panel shown is open (None: the table is shown)."""
        panel = self.active
        return None if panel is None else panel.focus_widget()

    def refresh(self) -> None:
        """Show the panel shown for the context of the moment (it recomputes only when its inputs changed)."""
        panel = self.active
        if panel is not None:
            self.host.sync()
            panel.show_for(self.context())

    def close(self) -> None:
        if self.name == "table":
            return
        host = self.host
        self.name = "table"
        self.left.current = "dp-grid"
        host.refresh_bindings()
        host.grid.focus()
        # J/K may have moved the cursor while the grid was hidden: scroll it into view once laid out again
        host.call_after_refresh(lambda: host.grid.move_cursor(host.grid.cursor_row))

    def escape(self) -> None:
        """Escape: closes the prompt, else cancels the running jobs, else goes back to the table."""
        host = self.host
        if host.prompt.is_open:
            host.prompt.action_cancel()
            return
        if host.jobs.running():
            names = ", ".join(host.jobs.cancel())
            for panel in self.panels.values():
                panel.cancelled()
            host.note(f"Cancelled: {names}.")
            return
        self.close()

    def key(self, name: str, *args: Any) -> None:
        """A key of the panel shown; the regression gap and the class are the router's (the panels share them)."""
        panel = self.active
        if panel is None:
            return
        if name == "gap":
            self.gap_steps = max(-9, self.gap_steps + args[0])
            self.refresh()
        elif name == "cycle_class":
            self.next_class()
        elif name == "feature":
            table = self.host.inspector.table
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + args[0])))
        else:
            getattr(panel, f"action_{name}")(*args)

    def next_class(self) -> None:
        """C: the next class after the one shown; back to the predicted class (None) once round."""
        host = self.host
        classes = host.session.task.classes
        predicted = int(np.argmax(host.session.point_scores(host.selected)[0].class_scores[0]))
        shown = predicted if self.target_class is None else self.target_class
        following = (shown + 1) % len(classes)
        self.target_class = None if following == predicted else following
        self.refresh()
        if self.target_class is None:
            host.note(f"Class: each model's predicted class ({classes[predicted]} here); C picks another.")
        else:
            host.note(f"Class: {classes[self.target_class]} for ICE, attributions and the counterfactual (C: next).")

    def run_elsewhere(self, bound: tuple[str, tuple[Any, ...], str] | None) -> bool:
        """A panel's key (``bound``: its entry in the view's keys) pressed while another part of the view (the
        features) has focus: run it on the panel shown when it serves it and it applies now."""
        panel = self.active
        if bound is None or bound[0] != "panel_key" or panel is None or panel.has_focus_within:
            return False
        action, parameters = bound[1][0], bound[1][1:]
        if action not in panel.ACTIONS or not panel.can(action, parameters):
            return False
        self.key(action, *parameters)
        return True

    def rank(self) -> None:
        """v: order the inspector's features by ICE variation (opens the curves), or back to data order."""
        host = self.host
        if not host.ready:
            return
        curves = cast(CurvesPanel, self.panels["ice"])
        if curves.ranked:
            curves.set_ranked(False)
            host.inspector.set_rank(None, host.selected)
            host.note("Features in data order.")
            return
        curves.set_ranked(True)
        if self.name != "ice":
            self.open("ice")
        else:
            self.refresh()
        host.note("Features ordered by how much they move the prediction of this point (ICE variation).")

    def forget(self) -> None:
        """Ids were renumbered: no panel's kept result means what it meant."""
        for panel in self.panels.values():
            panel.forget()


__all__ = ["PanelName", "PanelRouter", "PanelSwitcher", "RouterHost"]
