"""Shared fixtures: the demo sessions, trained once per test run into a private cache dir."""

from __future__ import annotations

import os
import tempfile

import pytest

# Keep the user's real cache untouched and make runs independent of earlier ones.
os.environ.setdefault("WIT_TUI_CACHE_DIR", tempfile.mkdtemp(prefix="wit-tui-test-cache-"))
os.environ["WIT_TUI_DATA_DIR"] = tempfile.mkdtemp(prefix="wit-tui-test-data-")


@pytest.fixture(autouse=True)
def private_autosave_dir(tmp_path_factory, monkeypatch):
    """Each test autosaves into its own folder, so no test is offered another's edits (or the user's)."""
    monkeypatch.setenv("WIT_TUI_DATA_DIR", str(tmp_path_factory.mktemp("wit-data")))


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
