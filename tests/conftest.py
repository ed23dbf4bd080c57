"""Shared fixtures: the demo sessions, trained once per test run into a private cache dir."""

from __future__ import annotations

import os
import tempfile

import pytest

# Keep the user's real cache untouched and make runs independent of earlier ones.
os.environ.setdefault("WIT_TUI_CACHE_DIR", tempfile.mkdtemp(prefix="wit-tui-test-cache-"))


@pytest.fixture(scope="session")
def adult_session():
    from wit_tui.engine import load_demo

    return load_demo("adult")


@pytest.fixture(scope="session")
def wine_session():
    from wit_tui.engine import load_demo

    return load_demo("wine")


@pytest.fixture(scope="session")
def diabetes_session():
    from wit_tui.engine import load_demo

    return load_demo("diabetes")

