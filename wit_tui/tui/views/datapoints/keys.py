"""The datapoint editor's keys (ids unchanged: the tests and the help screen use them).

A key of the point runs ``point(<editor method>)``, a key of the table ``browse(<browser method>)``, a key of the
panel shown ``panel_key(<panel action>)``: the view routes each one to the part that serves it and asks that part
whether it applies now (``check_action``). A key that does not apply is never silent: it reaches the view as a
plain key press (:data:`BY_KEY` finds its binding) and the part says why (``why_not``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from textual.actions import parse
from textual.binding import Binding, BindingType

if TYPE_CHECKING:  # typing only: the parts import this module's keys
    from wit_tui.tui.views.datapoints.edits import PointEditor
    from wit_tui.tui.views.datapoints.panels.router import PanelRouter


def _key(key: str, action: str, text: str, id_: str, show: bool = False, display: str | None = None) -> Binding:
    return Binding(key, action, text, show=show, key_display=display, id=f"datapoints.{id_}")


KEYS: list[BindingType] = [
    _key("slash", "browse('ask_filter')", "Filter", "filter", True, "/"),
    _key("f", "browse('ask_quick_filter')", "Quick filters", "quick_filter"),
    _key("s", "browse('ask_sort', False)", "Sort ascending", "sort"),
    _key("S", "browse('ask_sort', True)", "Sort descending", "sort_desc"),
    _key("colon", "browse('ask_jump')", "Go to datapoint", "jump", display=":"),
    _key("e", "point('edit')", "Edit", "edit", True),
    _key("plus,equals_sign", "point('step', 1)", "Step value up", "step_up", display="+"),
    _key("minus", "point('step', -1)", "Step value down", "step_down", display="-"),
    _key("r", "point('revert_feature')", "Revert feature", "revert_feature"),
    _key("R", "point('revert_point')", "Revert point", "revert_point"),
    _key("D", "point('duplicate')", "Duplicate point", "duplicate"),
    _key("A", "point('add')", "Add a point", "add"),
    _key("x,delete", "point('delete')", "Delete added point", "delete"),
    _key("ctrl+s", "save", "Save", "save", True),
    _key("c", "panel('cf')", "Counterfactual", "counterfactual", True),
    _key("L", "panel_key('toggle_metric')", "L1/L2 distance", "metric"),
    _key("w", "panel_key('restrict')", "Restrict CF search…", "restrict"),
    _key("F", "panel_key('pick_features')", "CF features…", "cf_features", True),
    _key("right_curly_bracket", "panel_key('gap', 1)", "Regression gap +", "gap_up", display="}"),
    _key("left_curly_bracket", "panel_key('gap', -1)", "Regression gap −", "gap_down", display="{"),
    _key("o", "panel_key('open_cf', 0)", "Go to its CF (model 1)", "open_cf"),
    _key("O", "panel_key('open_cf', 1)", "Go to its CF (model 2)", "open_cf2"),
    _key("m", "panel('min')", "Minimal edits", "minimal"),
    _key("p", "panel('ice')", "ICE", "ice", True),
    _key("P", "panel_key('toggle_pd')", "Partial dependence", "pd"),
    _key("v", "rank", "Rank by variation", "rank"),
    _key("C", "panel_key('cycle_class')", "Next class (multi-class)", "class"),
    _key("a", "panel('attr')", "Attributions", "attr"),
    _key("H", "panel('hist')", "Run history", "history"),
    _key("J", "next_point(1)", "Next datapoint", "next"),
    _key("K", "next_point(-1)", "Previous datapoint", "prev"),
    _key("escape", "escape", "Cancel / back to table", "back"),
    _key("d", "focus_detail", "Features", "detail"),
    _key("t", "focus_table", "Table", "table"),
]


def _by_key() -> dict[str, tuple[str, tuple[Any, ...], str]]:
    out = {}
    for b in KEYS:
        assert isinstance(b, Binding)
        _, action, parameters = parse(b.action)
        for key in b.key.split(","):
            out[key.strip()] = (action, parameters, b.key_display or key.strip())
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


__all__ = ["BY_KEY", "KEYS", "KeyHost", "why_silent"]
