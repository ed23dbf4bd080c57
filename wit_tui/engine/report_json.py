"""How a report becomes safe JSON: numbers JSON can hold, and no character a terminal would obey."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np


def json_safe(x: Any) -> Any:
    """JSON-safe values: NaN/inf -> None, numpy scalars -> Python."""
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {str(k): json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    if isinstance(x, np.ndarray):
        return [json_safe(v) for v in x.tolist()]
    return x


#: characters json.dumps(ensure_ascii=False) leaves raw that a terminal acts on (only ever inside JSON strings)
TERMINAL_CONTROLS = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


__all__ = ["TERMINAL_CONTROLS", "json_safe"]
