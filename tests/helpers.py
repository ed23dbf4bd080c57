"""Small helpers for the Pilot tests."""

from __future__ import annotations


def screen_text(app) -> str:
    """The whole screen as plain text, as a user would read it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def settle(app, pilot) -> None:
    """Wait for workers and the messages they post to be handled."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
