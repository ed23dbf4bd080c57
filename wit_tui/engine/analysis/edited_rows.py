"""Which rows the what-if overlay changed, as a frame that reads like the dataset.

The edited loaded rows (in id order, edits applied) and then the added points, with the data's column types
where they fit, so their statistics compare with the dataset's.
"""

from __future__ import annotations

import pandas as pd

from wit_tui.engine.analysis.stats import edited_frame
from wit_tui.engine.session.session import Session


def edited_rows_frame(session: Session) -> pd.DataFrame:
    """The session's edited and added datapoints (features only) as one frame typed like ``session.data``."""
    rows = [session.row(i) for i in sorted(session.overlay.edits)] + [dict(r) for r in session.overlay.added]
    return edited_frame(rows, session.data, session.features)


__all__ = ["edited_rows_frame"]
