"""Models that raise on some rows, models from another sklearn, data too big for memory: keep going, say so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from wit_tui.engine import Session
from wit_tui.engine.data.loading import LoadedModel


class FlakyClassifier(LogisticRegression):
    """Raises on any batch holding a row with a > 2.5, like a model with a validation step."""

    def predict_proba(self, X):
        if (np.asarray(X, dtype=float)[:, 0] > 2.5).any():
            raise ValueError("a out of range")
        return super().predict_proba(X)


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=6000), "b": rng.normal(size=6000)})
    X["y"] = (X.a + X.b + rng.normal(scale=0.5, size=len(X)) > 0).astype(int)
    X["target"] = 2 * X.a - X.b
    return X


@pytest.mark.bad_input
async def test_app_tells_which_rows_failed(frame, notifications, screen_text, settle):
    from wit_tui.tui.app import WitApp

    model = FlakyClassifier().fit(frame[["a", "b"]], frame.y)
    s = Session(frame[["a", "b", "y"]], [LoadedModel("flaky", model)], label="y")
    app = WitApp(s)
    messages = notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        first = str(int(np.flatnonzero(frame.a > 2.5)[0]))
        assert any("raised on" in m and first in m and "left out" in m for m in messages), messages
        await pilot.press("2")
        await settle(app, pilot)
        assert "accuracy" in screen_text(app)
