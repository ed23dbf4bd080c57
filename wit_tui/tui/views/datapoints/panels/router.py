"""Which analysis panel the datapoint editor shows on the left, and the keys that open, close and drive it.

A plain class the view owns (``view.router``): it keeps the panel shown (``"table"``:
none) and the regression gap the counterfactual and minimal-edit panels share, builds
the :class:`~wit_tui.tui.views.datapoints.common.PointContext` a panel is shown for, and
routes a panel's key to it. The view keeps the bindings and delegates each key here
in one line; escape closes the prompt, else cancels the jobs, else closes the panel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol, cast

from textual.widget import Widget
from textual.widgets import ContentSwitcher

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


class PanelRouter:
    """The panel shown, opening and closing it, its keys, and the context it is shown for."""

    def __init__(self, host: RouterHost, panels: Mapping[str, PointPanel], left: ContentSwitcher) -> None:
        self.host = host
        self.panels = panels
        self.left = left  # the left pane: the table (``dp-grid``) or one panel (``dp-<name>``)
        self.name: PanelName = "table"
        self.gap_steps = 0  # the regression gap, ±10% a step ({ }): what counts as another prediction

    @property
    def active(self) -> PointPanel | None:
        return self.panels.get(self.name)

    def context(self) -> PointContext:
        host = self.host
        feature = host.inspector.current_feature()
        return PointContext(host.selected, host.thresholds, host.version, feature, self.gap_steps)

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
        """A key of the panel shown; the regression gap is the router's (both panels that use it share it)."""
        panel = self.active
        if panel is None:
            return
        if name == "gap":
            self.gap_steps = max(-9, self.gap_steps + args[0])
            self.refresh()
        else:
            getattr(panel, f"action_{name}")(*args)

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


__all__ = ["PanelName", "PanelRouter", "RouterHost"]
