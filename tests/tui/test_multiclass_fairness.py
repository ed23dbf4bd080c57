"""Screen 2 on a multi-class task, sliced: the fairness summary shows the class ``p`` picked against the rest by
slice (the engine's numbers), and the largest gap over every class with its class."""

from __future__ import annotations

import pytest

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.multiclass_groups import session_multiclass_fairness
from wit_tui.render.format import num
from wit_tui.tui.app import WitApp
from wit_tui.tui.views.performance.multiclass_fairness import MulticlassFairnessBox


async def _summary_text(app, pilot, screen_text) -> str:
    """Everything the fairness summary shows, read screen by screen as a user scrolls it."""
    scroll = app.query_one("#fair-scroll")
    box = app.query_one(MulticlassFairnessBox)
    scroll.scroll_to_widget(box, animate=False, top=True)
    await pilot.pause()
    seen = [screen_text(app)]
    while scroll.scroll_y < scroll.max_scroll_y:
        scroll.scroll_to(y=scroll.scroll_y + max(1, scroll.size.height - 1), animate=False, immediate=True)
        await pilot.pause()
        seen.append(screen_text(app))
    return "\n".join(seen)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_class_picked_against_the_rest_and_the_largest_gap_over_classes(
    wine_session, open_view, screen_text, settle, type_into, size
):
    session = wine_session
    app = WitApp(session)
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "alcohol")
        box = app.query_one(MulticlassFairnessBox)
        assert box.display and box.fairness is not None
        slicing = app.query_one("#panel-slices").state.slices.slicing
        truth = ground_truth(session)
        expected = [session_multiclass_fairness(session, i, slicing, truth=truth) for i in range(2)]
        text = await _summary_text(app, pilot, screen_text)
        assert "class class_0 against the rest" in text
        dp = "demographic parity difference" if size[0] >= 100 else "DP difference"
        row = next(line for line in text.splitlines() if dp in line)
        assert num(expected[0].of("class_0").gaps["demographic_parity_difference"]) in row
        top = expected[0].largest("demographic_parity_difference")
        assert top.cls == "class_1"  # the largest gap is not the class shown
        assert "Largest over classes" in text and f"DPD {num(top.value)} (class_1)" in text.replace("\n ", " ")
        assert "95% intervals: Wilson for rates" in text
        # p picks class_1: the summary follows (the slice table is rebuilt for the class)
        await pilot.press("p")
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        text = await _summary_text(app, pilot, screen_text)
        assert "class class_1 against the rest" in text
        row = next(line for line in text.splitlines() if dp in line)
        assert num(expected[0].of("class_1").gaps["demographic_parity_difference"]) in row
        recall = expected[1].of("class_1").frames["recall"].by_group
        assert any(num(v) in text for v in recall.values())
