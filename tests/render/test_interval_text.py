"""An interval's text is rounded outwards, so what is printed always contains what was computed (and the point)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from wit_tui.render.intervals import PENDING, interval_note, interval_text, level_text


def _bounds(text: str) -> tuple[float, float]:
    low, high = text.rstrip("%").split("–")
    return float(low.replace("−", "-").replace(",", "")), float(high.replace("−", "-").replace(",", ""))


def test_the_form_of_an_interval():
    assert interval_text(0.84149, 0.86401) == "0.841–0.865"  # outwards: 0.86401 reads 0.865, not 0.864
    assert interval_text(0.84, 0.864) == "0.840–0.864"  # an exact bound stays
    assert interval_text(0.18800, 0.20110, "pct") == "18.8–20.2%"
    assert interval_text(-0.5, 0.25) == "−0.500–0.250"  # a minus sign, never a hyphen beside the dash
    assert interval_text(1234.5, 1500.2) == "1,234–1,501"
    assert interval_text(float("nan"), 0.3) == "–" and interval_text(None, None) == "–"
    assert PENDING == "…"


def test_the_note_names_level_methods_and_resamples():
    note = interval_note(0.95, 1000, 0)
    assert note == (
        "95% intervals: Wilson for rates, bootstrap (1,000 resamples, seed 0) for F1 and gaps, DeLong for AUC"
    )
    assert level_text(0.9) == "90%" and level_text(0.999) == "99.9%"
    assert interval_note(0.8, 200, 3, {"bootstrap": "R²"}) == "80% intervals: bootstrap (200 resamples, seed 3) for R²"


rates = st.floats(0, 1, allow_nan=False)


@given(rates, rates, rates)
def test_the_text_contains_the_interval_and_the_point_it_brackets(a, b, c):
    low, point, high = sorted((a, b, c))
    shown_low, shown_high = _bounds(interval_text(low, high))
    assert shown_low <= low + 1e-9 and high - 1e-9 <= shown_high
    assert shown_low - 1e-9 <= point <= shown_high + 1e-9  # float noise below 1e-9 is not a step
    assert shown_high - shown_low <= high - low + 0.002 + 1e-9  # never wider than one step each side
    pct_low, pct_high = _bounds(interval_text(low, high, "pct"))
    assert pct_low <= 100 * low + 1e-7 and 100 * high - 1e-7 <= pct_high
    assert math.isfinite(pct_low) and math.isfinite(pct_high)
