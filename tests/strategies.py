"""Hypothesis strategies for hostile user data: names and values that look like markup, hold control characters
(terminal escape sequences among them), unusual unicode, and numbers that are not finite.

Shared by the render, CLI and UI tests (``from tests.strategies import ...``): whatever they draw, every screen and
every report must show it as text, never as markup and never as raw control characters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

#: text that rich or Textual would read as markup, or that a naive renderer would drop
MARKUP = ["[/]", "[bold]", "weight [kg]", "speed [m/s]", "[link=http://a]x", "[red]", "[@click=quit]"]
#: escape sequences and lone controls: clear screen, window title (OSC 0), clipboard write (OSC 52), C1 CSI, ...
CONTROLS = ["\x1b[2J", "\x1b]0;pwn\x07", "\x1b]52;c;aGk=\x07", "\x07", "\r", "\x08", "\x9b2J", "\x85", "\x7f", "\t"]
#: combining marks, wide CJK, right-to-left text and a bidi override
UNICODE = ["e\u0301", "\u6570\u636e", "\u05e9\u05dc\u05d5\u05dd", "\u202eevil", "\U0001f600"]

#: every character of these is a terminal control that must never be printed raw (a line break or a tab is
#: whitespace, harmless)
RAW_CONTROLS = frozenset(chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))) - {"\n", "\t"}
#: the controls rich itself lets through (it drops only BEL, BS, VT, FF and CR): the ones that reached the terminal
ESCAPES = ["\x1b[2J", "\x1b]0;pwn\x07", "\x1b]52;c;aGk=\x07", "\x9b2J", "\x85", "\x7f"]


def raw_controls(text: str) -> set[str]:
    """The control characters (line breaks and tabs aside) in ``text``."""
    return {ch for ch in text if ch in RAW_CONTROLS}


_word = st.text(alphabet="abcxyz", min_size=1, max_size=4)
_any = st.sampled_from(MARKUP + CONTROLS + UNICODE)


@st.composite
def hostile_name(draw: st.DrawFn) -> str:
    """A plain word with a markup-like piece and an escape sequence, and perhaps unusual unicode or another
    control: each name alone crashed the app or reached the terminal raw before names were shown as text."""
    pieces = [draw(st.sampled_from(MARKUP)), draw(st.sampled_from(ESCAPES))]
    pieces += draw(st.lists(_any, max_size=1))
    order = draw(st.permutations(pieces))
    return draw(_word) + "".join(order)


@st.composite
def hostile_names(draw: st.DrawFn, n: int) -> list[str]:
    """``n`` distinct hostile names."""
    return draw(st.lists(hostile_name(), min_size=n, max_size=n, unique=True))


def hostile_values(k: int = 3) -> st.SearchStrategy[list[str]]:
    """``k`` distinct category values, hostile the same way."""
    return st.lists(hostile_name(), min_size=k, max_size=k, unique=True)


@st.composite
def hostile_frames(draw: st.DrawFn, n: int = 120) -> tuple[pd.DataFrame, str, str]:
    """A frame with a numeric and a categorical feature under hostile names, hostile category values and a 0/1
    label ``y``; returns the frame and the two feature names (numeric, categorical)."""
    num, cat = draw(hostile_names(2))
    values = draw(hostile_values())
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    frame = pd.DataFrame({num: rng.normal(50, 10, n), cat: rng.choice(values, n)})
    frame["y"] = ((frame[num] > 50) ^ (frame[cat] == values[0])).astype(int)
    return frame, num, cat


#: values a numeric column may hold that are not finite numbers
NON_FINITE = st.sampled_from([np.inf, -np.inf, np.nan, 1e308])
