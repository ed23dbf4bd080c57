"""What the Features screen computes: which statistics (all rows or the edited ones) and how a histogram splits.

A split is described by a small frozen :class:`Split` (by the ground truth, by a
model's prediction at a threshold, or by another feature); :func:`split_groups_of`
turns it into one group code per row, and :func:`feature_plot` draws one feature's
histogram, split or not, in one call (what the screen's plot job runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from wit_tui.engine.analysis.edited_rows import edited_rows_frame
from wit_tui.engine.analysis.split_histograms import SplitHistogram, split_groups, split_histogram
from wit_tui.engine.analysis.stats import DatasetProfile, Histogram, dataset_profile, histogram, session_profile
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import IsCancelled, Progress
from wit_tui.engine.data.scoring import labels_from
from wit_tui.engine.session.session import Session

SplitKind = Literal["truth", "pred", "feature"]


@dataclass(frozen=True)
class Split:
    """How to split a histogram: by the truth, by model ``model``'s prediction at ``threshold``, or by ``feature``."""

    kind: SplitKind
    model: int = 0
    threshold: float = 0.5
    feature: str | None = None


@dataclass(frozen=True)
class SplitGroups:
    """One group code per row (``-1``: in no group), the groups' names, and a caption ("by sex")."""

    codes: np.ndarray
    names: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class FeatureRows:
    """The rows the statistics describe: every loaded row, or (``edited``) the edited and added datapoints."""

    frame: pd.DataFrame
    edited: bool


def feature_rows(session: Session, edited: bool) -> FeatureRows:
    """The loaded data, or a fresh frame of the edited and added datapoints (the overlay's rows now)."""
    return FeatureRows(edited_rows_frame(session) if edited else session.data, edited)


def features_profile(
    session: Session,
    rows: FeatureRows,
    *,
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> DatasetProfile:
    """The statistics of ``rows``: the loaded data's profile once per session, the edited rows' every time."""
    if rows.edited:
        return dataset_profile(rows.frame, session.features, progress=progress, is_cancelled=is_cancelled)
    return session_profile(session, progress=progress, is_cancelled=is_cancelled)


def _class_groups(session: Session, values: np.ndarray, desc: str) -> SplitGroups:
    """Groups by class (classification) or by quartile (regression); rows without a value are in none."""
    if session.task.kind == "regression":
        codes, names = split_groups(pd.Series(np.asarray(values, dtype=np.float64)))
        return SplitGroups(codes, names, desc.replace(" (", " quartiles (", 1) if " (" in desc else desc + " quartiles")
    classes = list(session.task.classes)
    codes = pd.Index(classes, dtype=object).get_indexer(np.asarray(values, dtype=object)).astype(np.int64)
    return SplitGroups(codes, tuple(str(c) for c in classes), desc)


def split_groups_of(session: Session, frame: pd.DataFrame, split: Split) -> SplitGroups:
    """The groups of ``split`` over ``frame``'s rows (truth and prediction splits need the loaded rows)."""
    if split.kind == "feature":
        if split.feature is None:
            raise WitError("A split by a feature needs the feature.", "Pick one with C.")
        codes, names = split_groups(frame[split.feature])
        return SplitGroups(codes, names, f"by {split.feature}")
    if split.kind == "truth":
        if session.y is None:
            raise WitError("There is no ground truth to split by.", "Load the data with a label column.")
        return _class_groups(session, session.y, f"by {session.label} (ground truth)")
    sc = session.scores(split.model)
    pred = labels_from(sc.score, sc.proba, session.tasks[split.model], split.threshold)
    at = f" at {split.threshold:.2f}" if session.task.kind == "binary" else ""
    return _class_groups(session, pred, f"by {session.models[split.model].name}'s prediction{at}")


@dataclass(frozen=True)
class FeaturePlot:
    """One feature's histogram (``split`` is None) or its split by groups, with the split's caption."""

    histogram: Histogram
    split: SplitHistogram | None = None
    description: str = ""


def feature_plot(
    session: Session,
    frame: pd.DataFrame,
    name: str,
    bins: int,
    split: Split | None = None,
    hist: Histogram | None = None,
) -> FeaturePlot:
    """Feature ``name``'s histogram over ``frame`` (``hist`` when already known), split when ``split`` is given."""
    hist = hist if hist is not None else histogram(frame[name], bins=bins)
    if split is None:
        return FeaturePlot(hist)
    groups = split_groups_of(session, frame, split)
    return FeaturePlot(hist, split_histogram(frame[name], hist, groups.codes, groups.names), groups.description)


__all__ = [
    "FeaturePlot",
    "FeatureRows",
    "Split",
    "SplitGroups",
    "SplitKind",
    "feature_plot",
    "feature_rows",
    "features_profile",
    "split_groups_of",
]
