"""Which rows each slice of a :class:`~wit_tui.engine.slice_spec.SliceSpec` holds, on any data.

One function turns a spec into a :class:`~wit_tui.engine.slicing.Slicing` for the screen, the decisions file,
``report`` and ``validate``: its features crossed (numeric ones in ``edges`` when the spec gives them, else
``buckets`` quantile or equal-width buckets), crossed with its predicate (``where``) when it has one. It is a
module of its own, not part of ``slice_spec``, because the predicate uses the filter language: ``SliceSpec``
stays importable from every engine layer, this from the layers above the filter's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.edge_slices import edge_slices
from wit_tui.engine.predicate_slices import WHERE, predicate_slices
from wit_tui.engine.slice_spec import SliceSpec
from wit_tui.engine.slicing import FeatureSlices, Slicing, check_buckets, check_columns, cross, feature_slices, overall


def spec_parts(frame: pd.DataFrame, spec: SliceSpec) -> list[FeatureSlices]:
    """Each feature's slices (and the predicate's, last) before crossing."""
    features = list(spec.features)
    if len(set(features)) != len(features):
        raise WitError(f"A feature is listed twice in the slicing {', '.join(features)}.", "Name each feature once.")
    if WHERE in features and spec.where is not None:
        raise WitError(
            f"The slicing has both a feature named {WHERE!r} and a predicate.",
            "Rename the column or drop the predicate.",
        )
    check_columns(frame, features)
    stray = sorted(set(spec.edges) - set(features))
    if stray:
        raise WitError(
            f"Bucket edges are given for {', '.join(stray)}, which the slicing does not use.",
            "Give edges only for features of the slicing.",
        )
    buckets = check_buckets(spec.buckets)
    parts = [
        edge_slices(frame[f], spec.edges[f], f)
        if f in spec.edges
        else feature_slices(frame[f], buckets, f, equal_width=spec.equal_width)
        for f in features
    ]
    if spec.where is not None:
        parts.append(predicate_slices(frame, spec.where))
    return parts


def spec_slicing_of(frame: pd.DataFrame, spec: SliceSpec, rows: np.ndarray | None = None) -> Slicing:
    """The slices of ``frame`` that ``spec`` names, counting only ``rows`` (a boolean mask) if given.

    Equal to ``slice_by(frame, spec.features, spec.buckets, rows, equal_width=spec.equal_width)`` for a spec
    without edges or predicate; a WitError for a bad spec (unknown column, bad edges, bad expression)."""
    parts = spec_parts(frame, spec)
    if not parts:
        return overall(len(frame), rows)
    return cross(parts, rows)


__all__ = ["spec_parts", "spec_slicing_of"]
