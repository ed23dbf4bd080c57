"""What the Features panels share: the selected feature, bins and log scale, the jobs, the status line, and cells."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.session.events import SessionEvent
from wit_tui.engine.session.session import Session
from wit_tui.render.format import fmt
from wit_tui.tui.jobs import Jobs
from wit_tui.tui.options import RunOptions

BAR_WIDTH = 8
PanelName = Literal["stats", "importance", "drift"]


@dataclass
class FeatureContext:
    """The view's state every panel reads: one selected feature across panels, one histogram setting."""

    session: Session
    options: RunOptions
    jobs: Jobs
    status: Callable[[str | Text], None]
    say: Callable[[str], None]  # a short note that fades (the view's StatusNote)
    selected_name: str | None = None
    bins: int = 20
    log_scale: bool = False
    ready: bool = False  # every model has scored the loaded rows


class FeaturePanel(Vertical):
    """One panel of the Features view: the actions it serves, how it draws, and what it does on a change."""

    #: the view's actions this panel serves while it is the active one
    ACTIONS: ClassVar[frozenset[str]] = frozenset()
    #: the panel's name in the view's router (its widget id is ``panel-<name>``)
    NAME: ClassVar[PanelName] = "stats"

    class Shown(Message):
        """The panel asks to be the active one (it started work the user waits for)."""

        def __init__(self, panel: PanelName) -> None:
            super().__init__()
            self.panel = panel

    def __init__(self, ctx: FeatureContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctx = ctx

    def handler(self, action: str) -> Callable[..., None]:
        """The method that serves ``action`` (one of ``ACTIONS``)."""
        return getattr(self, action)

    def allows(self, action: str) -> bool:
        """Whether ``action`` applies now (asked only for actions in ``ACTIONS``)."""
        return not self.why_not(action, ())

    def why_not(self, action: str, parameters: tuple[Any, ...]) -> str:
        """Why the panel's key ``action`` does not apply now, in words ("": it applies)."""
        return ""

    # -- the panel's own keys (bound on the panel: the footer shows them while it has focus) --------------------
    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        if action == "panel_key":
            return parameters[0] in self.ACTIONS and self.allows(parameters[0])
        return True

    def action_panel_key(self, action: str, *args: Any) -> None:
        self.handler(action)(*args)

    def render_panel(self) -> None:
        """Draw the panel (and its status line) from what it has."""

    def focus_target(self) -> Widget:
        return self

    def decisions_changed(self, decisions: Decisions) -> None:
        """The app's decisions (thresholds, truth…) were replaced."""

    def session_changed(self, event: SessionEvent) -> None:
        """The session changed (edits, scores)."""


def panel_key(key: str, call: str, description: str, id: str, show: bool = True) -> Binding:
    """A key of one panel: ``call`` is the panel's method and its arguments (``"bins(1)"``)."""
    name, _, args = call.partition("(")
    action = f"panel_key('{name}'" + (f", {args}" if args else ")")
    return Binding(key, action, description, show=show, id=id)


def bar(value: float, top: float) -> str:
    """A text bar proportional to ``value / top`` (nothing for ≤ 0)."""
    if not top or not np.isfinite(value) or value <= 0:
        return ""
    eighths = int(round(BAR_WIDTH * 8 * min(1.0, value / top)))
    return "█" * (eighths // 8) + ("▏▎▍▌▋▊▉"[eighths % 8 - 1] if eighths % 8 else "")


def cells(values: Iterable[Any]) -> list[Any]:
    """Table cells as Text: data values (a category called "[x]") must never be read as markup."""
    return [Text(v) if isinstance(v, str) else v for v in values]


def num(value: float | None) -> str:
    """Importances and weights: fixed 4 decimals, so columns line up and small values stay readable."""
    if value is None or math.isnan(value):
        return "–"
    return f"{value:.4f}" if abs(value) < 1000 else fmt(value)


def pvalue(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "–"
    return "< 0.0001" if value < 1e-4 else f"{value:.4f}"


__all__ = ["FeatureContext", "PanelName", "FeaturePanel", "bar", "cells", "num", "panel_key", "pvalue"]
