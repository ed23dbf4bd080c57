"""What was decided on the performance screen, as a file that CI can apply: the decisions file (TOML).

A file holds each model's threshold and, for a slicing, each slice's own threshold, with what they were chosen
by (strategy, cost ratio, tolerance), for which truth (label column, positive class) and on which models (a
content hash per model file, so applying them to other models warns). The slicing is a
:class:`~wit_tui.engine.slice_spec.SliceSpec` with its bucket edges pinned, so a slice holds the same rows on
other data. The schema is fixed and versioned (``schema_version = 1``, docs/decisions-file.md): Python reads
TOML (``tomllib``) but does not write it, so :func:`decisions_toml` is a small emitter for this one schema.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.threshold_values import check_cost_ratio, check_tolerance
from wit_tui.engine.metrics.thresholds import DEFAULT_TOLERANCE, STRATEGIES
from wit_tui.engine.slice_spec import SliceSpec

SCHEMA_VERSION = 1
_TOP = ("schema_version", "strategy", "cost_ratio", "tolerance", "label", "positive_class", "slicing", "models")
_MODEL = ("name", "file_hash", "threshold", "slice_thresholds")


@dataclass(frozen=True)
class ModelDecision:
    """One model's threshold, its per-slice thresholds keyed by slice name (``sex:Female``), and the content
    hash of the file it was loaded from (None: not from a file)."""

    name: str
    threshold: float
    slice_thresholds: Mapping[str, float] = field(default_factory=dict)
    file_hash: str | None = None


@dataclass(frozen=True)
class DecisionsFile:
    """The decisions of one screen, as stored. ``slicing`` is None when there are no per-slice thresholds."""

    models: tuple[ModelDecision, ...]
    strategy: str = "custom"
    cost_ratio: float = 1.0
    tolerance: float = DEFAULT_TOLERANCE
    label: str | None = None
    positive_class: str | None = None
    slicing: SliceSpec | None = None
    source: str = "decisions file"

    @property
    def strategy_title(self) -> str:
        return STRATEGIES.get(self.strategy, self.strategy)

    def model(self, name: str) -> ModelDecision | None:
        return next((m for m in self.models if m.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """The plain form of the file (JSON in the report's "decisions used")."""
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "strategy": self.strategy,
            "cost_ratio": self.cost_ratio,
            "tolerance": self.tolerance,
            "label": self.label,
            "positive_class": self.positive_class,
            "slicing": None if self.slicing is None else self.slicing.to_dict(),
            "models": [
                {
                    "name": m.name,
                    "file_hash": m.file_hash,
                    "threshold": m.threshold,
                    "slice_thresholds": dict(m.slice_thresholds),
                }
                for m in self.models
            ],
        }
        return out

    def same_as(self, other: DecisionsFile) -> bool:
        """Equal in everything stored (``source`` is where it was read from, not what it says)."""
        a, b = self.to_dict(), other.to_dict()
        a.pop("source")
        b.pop("source")
        return a == b


# ---- writing ---------------------------------------------------------------------------


def _text(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's too; DEL is a control character only TOML escapes."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _number(value: float) -> str:
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)  # the shortest text that reads back as the same float


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_text(str(k))} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")


def decisions_toml(d: DecisionsFile) -> str:
    """The file's text: scalars first, then ``[slicing]``, then one ``[[models]]`` table per model."""
    lines = [
        "# wit-tui decisions (docs/decisions-file.md); apply with --decisions FILE",
        f"schema_version = {SCHEMA_VERSION}",
        f"strategy = {_text(d.strategy)}",
        f"cost_ratio = {_number(d.cost_ratio)}",
        f"tolerance = {_number(d.tolerance)}",
    ]
    if d.label is not None:
        lines.append(f"label = {_text(d.label)}")
    if d.positive_class is not None:
        lines.append(f"positive_class = {_text(d.positive_class)}")
    if d.slicing is not None:
        spec = d.slicing.to_dict()
        edges = spec.pop("edges")
        lines += ["", "[slicing]"] + [f"{k} = {_value(v)}" for k, v in spec.items()]
        lines += [f"edges = {_value({f: [float(e) for e in es] for f, es in edges.items()})}"]
    for m in d.models:
        lines += ["", "[[models]]", f"name = {_text(m.name)}"]
        if m.file_hash is not None:
            lines.append(f"file_hash = {_text(m.file_hash)}")
        lines.append(f"threshold = {_number(m.threshold)}")
        if m.slice_thresholds:
            lines.append("[models.slice_thresholds]")
            lines += [f"{_text(k)} = {_number(v)}" for k, v in m.slice_thresholds.items()]
    return "\n".join(lines) + "\n"


# ---- reading ---------------------------------------------------------------------------


def _unknown(table: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(map(str, table)) - set(allowed))
    if unknown:
        raise WitError(f"{where} has unknown key {unknown[0]!r}.", f"Allowed keys: {', '.join(allowed)}.")


def _float(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise WitError(f"{where} must be a finite number, not {value!r}.", "E.g. 0.5.")
    return float(value)


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise WitError(f"{where} must be a non-empty string, not {value!r}.", 'E.g. "sex".')
    return value


def _model(raw: Any, k: int, where: str) -> ModelDecision:
    at = f"{where}: models[{k}]"
    if not isinstance(raw, Mapping):
        raise WitError(f"{at} must be a table, not {raw!r}.", 'Write [[models]] name = "lr" threshold = 0.5.')
    _unknown(raw, _MODEL, at)
    for key in ("name", "threshold"):
        if key not in raw:
            raise WitError(f"{at} has no key {key!r}.", "Every [[models]] table needs name and threshold.")
    name = _str(raw["name"], f"{at}.name")
    file_hash = raw.get("file_hash")
    if file_hash is not None:
        file_hash = _str(file_hash, f"{at}.file_hash")
    per_slice = raw.get("slice_thresholds", {})
    if not isinstance(per_slice, Mapping):
        raise WitError(f"{at}.slice_thresholds must be a table of slice = threshold.", '"sex:Female" = 0.4')
    slices = {str(s): _float(t, f"{at}.slice_thresholds.{s!r}") for s, t in per_slice.items()}
    return ModelDecision(name, _float(raw["threshold"], f"{at}.threshold"), slices, file_hash)


def decisions_from_dict(raw: Mapping[str, Any], source: str = "decisions file") -> DecisionsFile:
    """Check and read a parsed file; a WitError names the first bad key (missing, unknown, wrong type)."""
    _unknown(raw, _TOP, source)
    version = raw.get("schema_version")
    if version is None:
        raise WitError(
            f"{source} has no key 'schema_version'.", f"Start the file with schema_version = {SCHEMA_VERSION}."
        )
    if version != SCHEMA_VERSION or isinstance(version, bool):
        raise WitError(f"{source}: schema_version {version!r} is not one this version reads.", f"Use {SCHEMA_VERSION}.")
    strategy = raw.get("strategy", "custom")
    if strategy not in STRATEGIES:
        raise WitError(f"{source}: strategy {strategy!r} is not known.", f"One of: {', '.join(STRATEGIES)}.")
    ratio = check_cost_ratio(_float(raw.get("cost_ratio", 1.0), f"{source}: cost_ratio"))
    tolerance = check_tolerance(_float(raw.get("tolerance", DEFAULT_TOLERANCE), f"{source}: tolerance"))
    label = None if raw.get("label") is None else _str(raw["label"], f"{source}: label")
    positive = raw.get("positive_class")
    if positive is not None:
        positive = _str(positive, f"{source}: positive_class")
    slicing = None
    if "slicing" in raw:
        slicing = SliceSpec.from_dict(raw["slicing"], f"{source}: slicing")
    models = raw.get("models")
    if not isinstance(models, list) or not models:
        raise WitError(f"{source} has no [[models]] table.", 'Add [[models]] name = "lr" threshold = 0.5.')
    found = tuple(_model(m, k, source) for k, m in enumerate(models))
    names = [m.name for m in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise WitError(f"{source}: model {twice[0]!r} is listed twice.", "Give each model one [[models]] table.")
    if slicing is None and any(m.slice_thresholds for m in found):
        raise WitError(f"{source}: slice_thresholds are given but no [slicing].", "Add the [slicing] they belong to.")
    return DecisionsFile(found, strategy, ratio, tolerance, label, positive, slicing, source)


def read_decisions(path: str | Path) -> DecisionsFile:
    """Read and check a decisions file; a WitError for an unreadable file, bad TOML or a bad key."""
    p = Path(path).expanduser()
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WitError(f"Cannot read the decisions file {str(p)!r}: {exc}.", "Check the path.") from None
    return parse_decisions(text, str(p))


def parse_decisions(text: str, source: str = "decisions file") -> DecisionsFile:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WitError(f"{source} is not valid TOML: {exc}.", "Fix the file, or export it again (ctrl+e).") from None
    return decisions_from_dict(raw, source)


__all__ = [
    "SCHEMA_VERSION",
    "DecisionsFile",
    "ModelDecision",
    "decisions_from_dict",
    "decisions_toml",
    "parse_decisions",
    "read_decisions",
]
