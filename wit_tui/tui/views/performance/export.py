"""The decisions that leave the app: ``ctrl+e`` writes them to a TOML file, ``--decisions F`` brings them back.

The file (docs/decisions-file.md) holds what ``report --decisions`` and ``validate --decisions`` need to decide
as the screen does: each model's threshold and per-slice thresholds, the strategy, cost ratio, tolerance, the
slicing with its bucket edges, the label and positive class, each model file's hash. Loading sets the slicing
first and the per-slice thresholds once its slices are built, by slice name, so no strategy is run again.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from wit_tui.engine.analysis.decisions_export import screen_decisions
from wit_tui.engine.analysis.decisions_file import DecisionsFile, decisions_toml
from wit_tui.engine.core.atomic import atomic_write
from wit_tui.engine.core.errors import WitError
from wit_tui.tui.dialogs.confirm import ConfirmScreen
from wit_tui.tui.dialogs.form import FormField, FormScreen
from wit_tui.tui.views.base import SessionView
from wit_tui.tui.views.performance.common import PerfState
from wit_tui.tui.views.performance.decisions import DecisionEditor

DEFAULT_PATH = "wit-decisions.toml"


def _path_of(values: dict[str, str]) -> Path:
    text = values["path"].strip()
    if not text:
        raise WitError("Type the path of the file to write.", f"E.g. ./{DEFAULT_PATH}.")
    path = Path(text).expanduser()
    if path.is_dir():
        raise WitError(f"{text!r} is a folder.", f"Name a file in it, e.g. {Path(text) / DEFAULT_PATH}.")
    return path


class DecisionsExporter:
    """``ctrl+e``: the current decisions to a file (asked for; never overwritten without a yes), atomically."""

    ACTIONS = frozenset({"export_decisions"})

    def __init__(self, host: SessionView, state: PerfState) -> None:
        self.host = host
        self.state = state
        self.last_path: Path | None = None

    def can(self, action: str, parameters: tuple = ()) -> bool:
        d = self.host.decisions
        return self.host.ready and d.truth is not None and self.host.session.task.kind == "binary"

    def current(self) -> DecisionsFile:
        """The decisions shown, as the file stores them."""
        slices = self.state.slices
        spec = slices.spec if slices.active else None
        return screen_decisions(self.host.session, self.host.decisions, spec, slices.slicing, slices.key)

    def action_export_decisions(self) -> None:
        default = str(self.last_path) if self.last_path is not None else f"./{DEFAULT_PATH}"
        note = "Apply them with --decisions FILE (wit-tui, report, validate); docs/decisions-file.md has the format."
        form = FormScreen("Export the decisions", [FormField("path", "file to write (TOML)", default)], _path_of, note)
        self.host.app.push_screen(form, self._chosen)

    def _chosen(self, path: Path | None) -> None:
        if path is None:
            return
        if path.exists():

            def answer(yes: bool | None) -> None:
                if yes:
                    self.write(path)

            self.host.app.push_screen(ConfirmScreen(f"Overwrite {path}? It exists already."), answer)
            return
        self.write(path)

    def write(self, path: Path) -> None:
        try:
            atomic_write(path, decisions_toml(self.current()), what="decisions file")
        except WitError as exc:
            self.host.notify(f"{exc.message} {exc.hint}", severity="error", timeout=8)
            return
        self.last_path = path
        if self.host.decisions.strategy == "equalized_odds_randomized":
            # the file holds thresholds, not mixes: CI decides each row deterministically
            self.host.notify(
                f"Decisions written to {path}. Randomized thresholds are stored as each slice's more likely "
                "threshold: --decisions applies those, so CI's rates can differ from the expected rates shown.",
                severity="warning",
                timeout=10,
            )
            return
        self.host.say(f"Decisions written to {path}.")


class DecisionsLoader:
    """``--decisions F`` on screen 2: cost ratio and tolerance with the ground truth, the file's slicing, then
    its per-slice thresholds and strategy once those slices are built."""

    def __init__(self, host: SessionView, state: PerfState, editor: DecisionEditor, applied: Any) -> None:
        self.host = host
        self.state = state
        self.editor = editor  # the one writer of the decisions
        self.applied = applied  # AppliedDecisions | None: None once applied (or never given)

    def truth_ready(self) -> None:
        """The first ground truth: the file's cost ratio, tolerance (and strategy when it has no slices), and its
        slicing for the slicer to build."""
        if self.applied is None:
            return
        f: DecisionsFile = self.applied.file
        d = replace(self.host.decisions, cost_ratio=f.cost_ratio, tolerance=f.tolerance)
        has_slices = f.slicing is not None and any(p is not None for p in self.applied.slice_thresholds)
        if not has_slices:
            d = replace(d, strategy=f.strategy)
            self.applied = None
        else:
            assert f.slicing is not None
            self.state.slices.set_spec(f.slicing)  # bucket edges and predicate included: the file's rows
        self.editor.write(d)

    def slices_ready(self) -> None:
        """The file's slicing is built: each slice's thresholds by name (slices the file lacks: the model's)."""
        applied, slicing, slices = self.applied, self.state.slices.slicing, self.state.slices
        if applied is None or slicing is None or slices.key is None:
            return
        self.applied = None
        names = [slicing.name(k) for k in range(slicing.n_slices)]
        d = self.host.decisions
        per_slice = []
        for i, name in enumerate(self.host.session.model_names):
            stored = applied.file.model(name)
            own = applied.slice_thresholds[i] is not None and stored is not None
            by_name = stored.slice_thresholds if own else {}
            per_slice.append(np.array([by_name.get(s, d.thresholds[i]) for s in names], dtype=np.float64))
        missing = sorted(set().union(*(m.slice_thresholds for m in applied.file.models)) - set(names))
        if missing:
            self.host.say(f"Not on this data: {', '.join(missing)}; their thresholds are unused.", seconds=10)
        self.editor.write(
            replace(d, per_slice=tuple(per_slice), slicing_key=slices.key, strategy=applied.file.strategy)
        )


__all__ = ["DEFAULT_PATH", "DecisionsExporter", "DecisionsLoader"]
