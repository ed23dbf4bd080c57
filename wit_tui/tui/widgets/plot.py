"""The app's plots: a Textual ``PlotextPlot`` shows a render figure, drawn by the same code as the CLI's."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from wit_tui.render.figures import TITLE_MARGIN, Figure, fit_title, printable_canvas


def show_figure(plot: PlotextPlot, figure: Figure) -> None:
    """Draw ``figure`` on ``plot`` at the plot's current size (its labels printable), and repaint it."""
    figure.draw(printable_canvas(plot.plt), plot.size.width, plot.size.height)
    plot.refresh()


def set_title(plot: PlotextPlot, title: str) -> None:
    """The plot's title, shortened with … to fit the plot's current width (plotext drops a longer one)."""
    plot.plt.title(fit_title(title, plot.size.width))


__all__ = ["TITLE_MARGIN", "set_title", "show_figure"]
