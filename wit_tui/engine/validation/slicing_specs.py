"""Which slices a TFMA ``SlicingSpec`` names: every combination of its ``feature_keys`` within the rows that have
each of its ``feature_values`` (the value rules are :func:`~wit_tui.engine.slicing.value_mask`'s), numeric keys
cut at the spec's ``edges`` when it gives them, crossed with its ``where`` predicate (the rows matching a filter
expression and the rest) when it has one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.edge_slices import edge_slices
from wit_tui.engine.predicate_slices import predicate_slices
from wit_tui.engine.slicing import DEFAULT_BUCKETS, FeatureSlices, Slicing, cross, feature_slices, overall, value_mask


def spec_slicing(
    frame: pd.DataFrame,
    feature_keys: Sequence[str] = (),
    feature_values: Sequence[tuple[str, Any]] = (),
    buckets: int = DEFAULT_BUCKETS,
    rows: np.ndarray | None = None,
    *,
    where: str | None = None,
    edges: Sequence[tuple[str, tuple[float, ...]]] = (),
    name: str = "the slicing spec",
) -> tuple[Slicing, str]:
    """The slices a TFMA ``SlicingSpec`` produces: every combination of ``feature_keys`` (``edges`` cutting the
    numeric ones they name) within the rows that have every ``feature_values`` value, crossed with ``where``.
    Returns the slicing and, when it has no slice, why; a bad expression or edges is a WitError naming ``name``."""
    fixed = dict(feature_values)
    both = sorted(set(feature_keys) & set(fixed))
    if both:
        raise WitError(
            f"A slicing spec names {', '.join(both)} in both feature_keys and feature_values.",
            "TFMA forbids this: keep it in one of them.",
        )
    absent = [f for f in [*feature_keys, *fixed] if f not in frame.columns]
    if absent:
        return overall(len(frame), np.zeros(len(frame), bool)), f"the data has no column {', '.join(map(repr, absent))}"
    keep = np.ones(len(frame), dtype=bool) if rows is None else np.asarray(rows, dtype=bool).copy()
    if not keep.any():
        return overall(len(frame), keep), "no rows to slice"
    parts = []
    for f, v in fixed.items():
        mask, key_value, label = value_mask(frame[f], v, buckets)
        keep &= mask
        parts.append(
            FeatureSlices(
                f, "value", np.zeros(len(frame), np.int64), (label,), (key_value,), np.array([int(mask.sum())])
            )
        )
        if not keep.any():
            return overall(len(frame), keep), "no row has " + " and ".join(f"{g} = {w!r}" for g, w in fixed.items())
    cut = dict(edges)
    try:
        parts += [
            edge_slices(frame[f], cut[f], f) if f in cut else feature_slices(frame[f], buckets, f) for f in feature_keys
        ]
        if where is not None:
            parts.append(predicate_slices(frame, where))
    except WitError as exc:
        raise WitError(f"{name}: {exc.message}", exc.hint) from None
    slicing = cross(parts, keep) if parts else overall(len(frame), keep)
    return slicing, "" if slicing.n_slices else "no row matches"


__all__ = ["spec_slicing"]
