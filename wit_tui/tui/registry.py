"""The views of the app, in tab order: the one list the tabs, the help screen and the command palette read."""

from __future__ import annotations

from wit_tui.tui.views.base import SessionView
from wit_tui.tui.views.datapoints.view import DatapointView
from wit_tui.tui.views.features.view import FeaturesView
from wit_tui.tui.views.performance.view import PerformanceView

VIEWS: tuple[tuple[str, type[SessionView]], ...] = (
    ("datapoints", DatapointView),
    ("performance", PerformanceView),
    ("features", FeaturesView),
)
