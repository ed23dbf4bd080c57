"""ICE and partial dependence: each model's output as one feature of one datapoint sweeps its grid."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.data.tasks import TaskInfo
from wit_tui.engine.whatif.dependence import Curves
from wit_tui.render.figures.base import Canvas, legend, short, start, value_ticks
from wit_tui.render.format import fmt
from wit_tui.render.palette import REFERENCE, THRESHOLD, light, model_color

Series = tuple[float, ...]


def _series(curves: Curves, m: int, cls: int | None) -> Series:
    v = curves.values[m]
    return tuple((v[:, cls] if v.ndim == 2 else v).astype(float).tolist())


@dataclass(frozen=True)
class DependenceFigure:
    """Lines over a numeric grid (the point's value marked │ and ●) or horizontal bars per category (▶).

    ``pd`` holds each model's partial dependence (dotted, or a lighter bar) when asked for; ``mark`` the point's
    own value on a numeric grid (None when missing); ``thresholds`` the binary decision thresholds (red);
    ``unit`` fixes the output axis to [0, 1] (probabilities)."""

    names: tuple[str, ...]
    numeric: bool
    grid: tuple[float, ...] | tuple[str, ...]
    ice: tuple[Series, ...]
    pd: tuple[Series, ...] | None
    mark: float | None
    own: tuple[float, ...]
    thresholds: tuple[float, ...]
    xlabel: str
    unit: bool

    @classmethod
    def of(
        cls,
        curves: Curves,
        pd_curves: Curves | None,
        names: Sequence[str],
        task: TaskInfo,
        cls_index: int | None,
        thresholds: Sequence[float],
        probabilities: Sequence[bool],
    ) -> DependenceFigure:
        """The figure of ``curves`` (ICE), for class ``cls_index`` of a multi-class model; the axis is [0, 1]
        only when every model's scores are probabilities (``probabilities``, per model)."""
        n = len(names)
        numeric = curves.grid.kind == "numeric"
        if numeric:
            grid: tuple[float, ...] | tuple[str, ...] = tuple(float(v) for v in curves.grid.values)
        else:
            grid = tuple(("▶ " if v == curves.current else "") + short(str(v), 14) for v in curves.grid.values)
        cur = curves.current
        mark = float(cur) if numeric and cur is not None and not (isinstance(cur, float) and math.isnan(cur)) else None
        off_axis = mark is not None and not math.isfinite(mark)  # ±inf from the data: no place on the axis
        mark = None if off_axis else mark
        own = []
        for m in range(n) if mark is not None else ():
            v = curves.current_scores[m]
            own.append(float(v[cls_index]) if cls_index is not None else float(v))
        return cls(
            names=tuple(names),
            numeric=numeric,
            grid=grid,
            ice=tuple(_series(curves, m, cls_index) for m in range(n)),
            pd=None if pd_curves is None else tuple(_series(pd_curves, m, cls_index) for m in range(n)),
            mark=mark,
            own=tuple(own),
            thresholds=tuple(float(t) for t in thresholds[:n]) if task.kind == "binary" else (),
            xlabel=f"{curves.grid.feature} ("
            + ("this point: " if off_axis else "│ = this point: ")
            + fmt(curves.current)
            + (", off the axis)" if off_axis else ")"),
            unit=task.kind != "regression" and all(probabilities),
        )

    def draw(self, plt: Canvas, width: int | None = None, height: int | None = None) -> None:
        """Draw; the title line is the legend (the screen's heading says what is shown, and plotext's own legend
        would cover the first bar or the curves' start)."""
        start(plt)
        plt.title(legend(self.legend_entries(), width))
        if self.numeric:
            self._draw_lines(plt)
        else:
            self._draw_bars(plt)
        lo, hi = (0.0, 1.0) if self.unit else self.value_range()
        (plt.ylim if self.numeric else plt.xlim)(lo, hi)
        (plt.yticks if self.numeric else plt.xticks)(*value_ticks(lo, hi))

    def legend_entries(self) -> list[tuple[str, str]]:
        """Each model's name and colour (and its partial dependence's, when drawn)."""
        entries = [(name, model_color(m)) for m, name in enumerate(self.names)]
        if self.pd is not None:
            pd_look = "dotted" if self.numeric else "light"
            # one entry for every model's PD: per-model entries would not fit at 80 columns and be left out
            entries.append(("PD", f"{pd_look}, each model's colour"))
        return entries

    def value_range(self) -> tuple[float, float]:
        """The output axis: every value drawn (and the thresholds), with 0 in view for bars."""
        series = [*self.ice, *(self.pd or ()), self.own, self.thresholds]
        values = np.asarray([v for s in series for v in s], dtype=np.float64)
        values = values[np.isfinite(values)]
        if values.size == 0:
            return 0.0, 1.0
        lo, hi = float(values.min()), float(values.max())
        if not self.numeric:
            lo, hi = min(lo, 0.0), max(hi, 0.0)
        if hi - lo < 1e-12:
            lo, hi = lo - 0.5, hi + 0.5
        return lo, hi

    def _draw_lines(self, plt: Canvas) -> None:
        x = list(self.grid)
        for m in range(len(self.names)):
            plt.plot(x, list(self.ice[m]), marker="braille", color=model_color(m))
            if self.pd is not None:
                plt.plot(x, list(self.pd[m]), marker="dot", color=model_color(m))
        if self.mark is not None:
            plt.vline(self.mark, color=REFERENCE)
            for m in range(len(self.names)):
                plt.scatter([self.mark], [self.own[m]], marker="●", color=model_color(m))
        for t in self.thresholds:
            plt.hline(t, color=THRESHOLD)
        plt.xlabel(self.xlabel)

    def _draw_bars(self, plt: Canvas) -> None:
        labels = list(self.grid)[::-1]
        data = [list(s)[::-1] for s in self.ice]
        colors = [model_color(m) for m in range(len(self.names))]
        if self.pd is not None:  # partial dependence: one more bar per model and category
            data += [list(s)[::-1] for s in self.pd]
            colors = colors + [light(c) for c in colors]  # the light shade of each model's colour
        plt.multiple_bar(labels, data, color=colors, orientation="horizontal", width=0.3)
        if self.thresholds:
            plt.vline(self.thresholds[0], color=THRESHOLD)


__all__ = ["DependenceFigure"]
