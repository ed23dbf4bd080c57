"""The colours of every plot and table, in one place, so a model has the same hue on every screen and command.

plotext and rich name some colours differently: :data:`MODEL_COLORS` (plotext) and
:data:`MODEL_STYLES` (rich) are the same hues, model by model.
"""

from __future__ import annotations

#: One plotext colour per model (the first model cyan, the second orange, ...).
MODEL_COLORS: tuple[str, ...] = ("cyan", "orange", "green", "magenta")
#: The same hues as rich styles (rich's "orange" is not plotext's: dark_orange reads the same).
MODEL_STYLES: tuple[str, ...] = ("cyan", "dark_orange", "green", "magenta")
#: One plotext colour per group of a split histogram (more groups than models are common).
GROUP_COLORS: tuple[str, ...] = ("cyan", "orange", "green", "magenta", "red", "blue", "yellow")

#: Reference lines: the ROC diagonal, y = x, the datapoint's own value.
REFERENCE = "gray"
#: The decision threshold drawn on a plot.
THRESHOLD = "red"

#: Text styles of the headless output.
WARNING = "yellow"
NOTE = "dim"
PASS = "green"
FAIL = "bold red"
GOOD = "bold green"


def model_color(i: int) -> str:
    """Model ``i``'s plotext colour (the palette repeats past four models)."""
    return MODEL_COLORS[i % len(MODEL_COLORS)]


def model_style(i: int) -> str:
    """Model ``i``'s rich style, the same hue as :func:`model_color`."""
    return MODEL_STYLES[i % len(MODEL_STYLES)]


def group_color(g: int) -> str:
    """Group ``g``'s plotext colour in a split histogram."""
    return GROUP_COLORS[g % len(GROUP_COLORS)]


def light(color: str) -> str:
    """plotext's light shade of a colour (e.g. a model's partial dependence next to its ICE)."""
    return f"{color}+"


__all__ = [
    "FAIL",
    "GOOD",
    "GROUP_COLORS",
    "MODEL_COLORS",
    "MODEL_STYLES",
    "NOTE",
    "PASS",
    "REFERENCE",
    "THRESHOLD",
    "WARNING",
    "group_color",
    "light",
    "model_color",
    "model_style",
]
