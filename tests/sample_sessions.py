"""Small sessions built for one question, shared by the engine and UI tests that ask it."""

from __future__ import annotations

import pandas as pd
from sklearn.linear_model import LogisticRegression

from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.session.session import Session


def leaky_session() -> Session:
    """x decides the prediction; ``leak`` is read by no model, yet would decide which neighbour is nearest:
    point 0 (x 0, leak 0) has a counterfactual at x 1.0 with leak 100 (#3) and one at x 1.5 with leak 0 (#4)."""
    frame = pd.DataFrame(
        {
            "x": [0.0, 0.1, 0.2, 1.0, 1.5, 2.0, 2.1, 2.2],
            "leak": [0.0, 0.0, 0.0, 100.0, 0.0, 100.0, 100.0, 100.0],
            "colour": ["r", "g", "r", "g", "r", "g", "r", "g"],
        }
    )
    frame["y"] = (frame["x"] > 0.7).astype(int)
    model = LogisticRegression(C=100).fit(frame[["x"]], frame["y"])
    return Session(frame, [LoadedModel("lr", model)], label="y", name="leaky")
