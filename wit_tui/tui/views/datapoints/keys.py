"""The datapoint editor's keys (ids unchanged: the tests and the help screen use them).

A key of the point runs ``point(<editor method>)``, a key of the table ``browse(<browser method>)``; a panel's own
keys are bound on the panel (:data:`PANELS`), and reach the view as ``panel_key(<panel action>)`` when pressed while
another part has focus: the view routes each one to the part that serves it and asks that part
whether it applies now (``check_action``). A key that does not apply is never silent: it reaches the view as a
plain key press (:data:`BY_KEY` finds its binding) and the part says why (``why_not``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from textual.actions import parse
from textual.binding import Binding, BindingType

from wit_tui.tui.views.datapoints.panels.attributions import AttributionsPanel
from wit_tui.tui.views.datapoints.panels.counterfactual import CounterfactualPanel
from wit_tui.tui.views.datapoints.panels.curves import CurvesPanel
from wit_tui.tui.views.datapoints.panels.minimal_edits import MinimalEditsPanel

if TYPE_CHECKING:  # typing only: the parts import this module's keys
    from wit_tui.tui.views.datapoints.edits import PointEditor
    from wit_tui.tui.views.datapoints.panels.router import PanelRouter


def _key(key: str, action: str, text: str, id_: str, show: bool = False, display: str | None = None) -> Binding:
    return Binding(key, action, text, show=show, key_display=display, id=f"datapoints.{id_}")


KEYS: list[BindingType] = [
    _key("slash", "browse('ask_filter')", "Filter", "filter", True, "/"),
    _key("f", "browse('ask_quick_filter')", "Quick filters", "quick_filter"),
    _key("backspace", "browse('remove_filter')", "Remove the last filter", "unfilter_last"),
    _key("u", "browse('ask_remove_filter')", "Remove a filter…", "unfilter"),
    _key("U", "browse('clear_filters')", "Clear all filters", "unfilter_all"),
    _key("ctrl+o", "browse('ask_sort', False)", "Sort by a column…", "sort_pick"),
    _key("backslash", "side_panel", "Side panel", "side_panel", True, "\\"),
    _key("percent_sign", "class_columns", "Class probability columns", "class_columns", display="%"),
    _key("colon", "browse('ask_jump')", "Go to datapoint", "jump", display=":"),
    _key("e", "point('edit')", "Edit", "edit", True),
    _key("plus,equals_sign", "point('step', 1)", "Step value up", "step_up", display="+"),
    _key("minus", "point('step', -1)", "Step value down", "step_down", display="-"),
    _key("r", "point('revert_feature')", "Revert feature", "revert_feature"),
    _key("R", "point('revert_point')", "Revert point", "revert_point"),
    _key("D", "point('duplicate')", "Duplicate point", "duplicate"),
    _key("A", "point('add')", "Add a point", "add"),
    _key("x,delete", "point('delete')", "Delete added point", "delete"),
    _key("ctrl+s", "save", "Save", "save"),
    _key("c", "panel('cf')", "Counterfactual", "counterfactual"),
    _key("m", "panel('min')", "Minimal edits", "minimal"),
    _key("p", "panel('ice')", "ICE", "ice"),
    _key("v", "rank", "Rank by variation", "rank"),
    _key("a", "panel('attr')", "Attributions", "attr"),
    _key("H", "panel('hist')", "Run history", "history"),
    _key("J", "next_point(1)", "Next datapoint", "next"),
    _key("K", "next_point(-1)", "Previous datapoint", "prev"),
    _key("escape", "escape", "Cancel / back to table", "back"),
    _key("d", "focus_detail", "Features", "detail"),
    _key("t", "focus_table", "Table", "table"),
]


#: the panels whose own keys (bound on the panel, in the footer while it has focus) the view still answers for
#: when pressed elsewhere: run on the panel shown, or said why (the panel that serves it is closed)
PANELS = (CounterfactualPanel, MinimalEditsPanel, CurvesPanel, AttributionsPanel)


def _by_key() -> dict[str, tuple[str, tuple[Any, ...], str]]:
    out = {}
    for b in KEYS:
        assert isinstance(b, Binding)
        _, action, parameters = parse(b.action)
        for key in b.key.split(","):
            out[key.strip()] = (action, parameters, b.key_display or key.strip())
    for panel in PANELS:  # a panel's key is ``panel_key(<its action>, ...)`` for the router
        for b in panel.BINDINGS:
            assert isinstance(b, Binding)
            _, action, parameters = parse(b.action)
            if action in panel.ACTIONS:
                for key in b.key.split(","):
                    out.setdefault(key.strip(), ("panel_key", (action, *parameters), b.key_display or key.strip()))
    return out


#: key name -> (action, parameters, the key as shown): what a key press that did not run would have done
BY_KEY = _by_key()


class KeyHost(Protocol):
    """What :func:`why_silent` asks of the view."""

    ready: bool
    editor: PointEditor
    router: PanelRouter

    def check_action(self, action: str, parameters: tuple) -> bool | None: ...


def why_silent(view: KeyHost, key: str) -> str:
    """Why the view's key ``key`` did not run, in words ("" when it is not the view's, or it ran)."""
    bound = BY_KEY.get(key)
    if bound is None or view.check_action(bound[0], bound[1]):
        return ""
    action, parameters, shown = bound
    if not view.ready:
        return f"{shown}: the datapoints are still being scored; it works once they are."
    if action == "point":
        return view.editor.why_not(parameters[0])
    if action == "panel_key":
        return view.router.why_not(parameters, shown)
    return ""


__all__ = ["BY_KEY", "KEYS", "PANELS", "KeyHost", "why_silent"]
