"""The analysis engine: pure Python/numpy/pandas, no Textual, usable from a notebook.

from wit_tui.engine import open_session, model_performance
s = open_session(model="model.skops", data="data.csv", label="y")
model_performance(s, 0, threshold=0.4).binary.f1
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wit_tui.engine.analysis.data_checks import check_session
from wit_tui.engine.analysis.performance import ModelPerformance, model_performance, threshold_index
from wit_tui.engine.analysis.stats import dataset_stats, histogram
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.loading import LoadedModel, check_needed_columns, load_data, load_model, read_data
from wit_tui.engine.demo import load_demo
from wit_tui.engine.metrics.binary import BinaryMetrics, ThresholdIndex
from wit_tui.engine.report import Report, build_report
from wit_tui.engine.session.autosave import file_identity
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import Slicing, slice_by
from wit_tui.engine.validation.config import load_config
from wit_tui.engine.validation.result import ValidationResult
from wit_tui.engine.validation.run import validate_session
from wit_tui.engine.validation.specs import ValidationConfig


def open_session(
    model: str | Path | Sequence[str | Path],
    data: str | Path,
    label: str | None = None,
    *,
    positive: Any = None,
    features: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    trust: bool = False,
) -> Session:
    """Load one or two models and a data file into a :class:`Session`, with the warnings about its data."""
    paths = [model] if isinstance(model, (str, Path)) else list(model)
    names = list(names or [])
    models = [load_model(p, trust=trust, name=names[i] if i < len(names) else None) for i, p in enumerate(paths)]
    if len(models) == 2 and models[0].name == models[1].name:
        models[1] = LoadedModel(models[1].name + "-2", models[1].estimator, models[1].path)
    loaded = read_data(data)
    check_needed_columns(loaded, models, label, features)
    source = [["data", *file_identity(data)], *(["model", *file_identity(p)] for p in paths)]
    session = Session(
        loaded.frame, models, label=label, features=features, positive=positive, name=Path(data).name, source=source
    )
    session.warnings.extend(loaded.warnings)  # said with the other data warnings
    return check_session(session)


__all__ = [
    "BinaryMetrics",
    "LoadedModel",
    "ModelPerformance",
    "Report",
    "Session",
    "Slicing",
    "ThresholdIndex",
    "ValidationConfig",
    "ValidationResult",
    "WitError",
    "build_report",
    "check_session",
    "dataset_stats",
    "histogram",
    "load_config",
    "load_data",
    "load_demo",
    "load_model",
    "model_performance",
    "open_session",
    "slice_by",
    "threshold_index",
    "validate_session",
]
