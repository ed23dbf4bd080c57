"""What a report is about: the data, the task, each model's threshold, and what the report cannot say (warnings),
checked before any metric is computed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wit_tui.engine.analysis.data_checks import scoring_notes, scoring_warnings
from wit_tui.engine.analysis.decisions import starting_thresholds
from wit_tui.engine.analysis.performance import labelled_mask
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.tasks import TaskInfo
from wit_tui.engine.metrics.slice_index import TASK_METRICS
from wit_tui.engine.metrics.threshold_values import GivenThresholds
from wit_tui.engine.session.session import Session


def check_options(task: TaskInfo, given: GivenThresholds, slice_features: Sequence[str], buckets: int) -> None:
    """A WitError naming the command-line option that cannot apply, before any work is done."""
    if given and task.kind != "binary":
        raise WitError(
            f"--threshold applies to binary classifiers, but the task is {task.kind}.", "Leave --threshold out."
        )
    if len(slice_features) > 2:
        raise WitError(
            f"--slice takes one feature or two (a cross), not {len(slice_features)}.", "Pass --slice A or --slice A,B."
        )
    if not 1 <= buckets <= 1000:
        raise WitError(f"--buckets must be from 1 to 1000, not {buckets}.", "Pass e.g. --buckets 4.")


def report_thresholds(session: Session, threshold: float | GivenThresholds | None = None) -> tuple[float | None, ...]:
    """Each model's decision threshold (binary; None otherwise): ``--threshold T`` for every model, ``NAME=T``
    for one, else the model's default (0.5 for probabilities, 0 for margins), checked for its kind of score."""
    given = given_thresholds(threshold)
    if session.task.kind != "binary" and not given:
        return tuple(None for _ in session.models)
    return starting_thresholds(session, given)


def given_thresholds(threshold: float | GivenThresholds | None) -> GivenThresholds:
    if threshold is None:
        return {}
    return threshold if isinstance(threshold, Mapping) else {None: float(threshold)}


def _one(values: Sequence[Any]) -> Any:
    """The value every model shares, else None (each model's own is in its summary)."""
    return values[0] if values and all(v == values[0] for v in values) else None


def task_info(session: Session, thresholds: Sequence[float | None]) -> dict[str, Any]:
    """The report's ``task`` block: kind, classes, positive class, score method and threshold (when every model
    shares them; each model's own are in ``models``), metrics."""
    task = session.task
    return {
        "kind": task.kind,
        "classes": [str(c) for c in task.classes] if task.classes else [],
        "positive": None if task.positive is None else str(task.positive),
        "score_method": _one([t.score_method for t in session.tasks]),
        "threshold": _one(list(thresholds)),
        "thresholds": dict(zip(session.model_names, thresholds, strict=True)) if task.kind == "binary" else None,
        "metrics": list(TASK_METRICS[task.kind]) if session.has_label else [],
    }


def report_warnings(session: Session, n_labelled: int) -> tuple[str, ...]:
    """The session's and the scoring's warnings, and what a missing or partial label leaves out."""
    warnings = list(session.warnings) + scoring_warnings(session) + scoring_notes(session)
    if not session.has_label:
        warnings.append("No label column was given, so there are no metrics: pass --label COLUMN.")
    elif n_labelled < session.n_rows:
        warnings.append(f"{session.n_rows - n_labelled:,} rows have no label and are left out of every metric.")
    return tuple(warnings)


def dataset_info(session: Session) -> dict[str, Any]:
    """The report's ``dataset`` block; a label column with no value at all is an error (no metric could exist)."""
    n_labelled = int(labelled_mask(session).sum()) if session.has_label else 0
    if session.has_label and n_labelled == 0:
        raise WitError(
            f"No row has a value in the label column {session.label!r}.", "Pick the column that holds the ground truth."
        )
    return {
        "name": session.name,
        "n_rows": session.n_rows,
        "n_labelled": n_labelled,
        "label": session.label,
        "features": list(session.features),
    }


__all__ = ["check_options", "dataset_info", "given_thresholds", "report_thresholds", "report_warnings", "task_info"]
