"""Helpers for the datapoint-editor tests: a private copy of a demo session that shares its cached scores."""

from __future__ import annotations

import pytest

from wit_tui.engine.session.session import Session


def fresh_session(src: Session) -> Session:
    """A new Session over the same data and models (own overlay and cache), reusing ``src``'s scores."""
    src.score_all()
    s = Session(src.data, src.models, label=src.label, features=src.features, positive=src.task.positive, name=src.name)
    s._scores = dict(src._scores)  # scoring is tested elsewhere; do not pay for it again
    return s


@pytest.fixture(autouse=True)
def one_openmp_thread():
    """Reference model calls on one OpenMP thread: on a busy machine a thread pool turns 20 ms into seconds."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        yield
