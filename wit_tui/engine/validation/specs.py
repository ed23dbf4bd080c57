"""What ``wit-tui validate`` is asked to check: the validation config as frozen dataclasses (TFMA's names).

``config`` reads them from TOML and checks them; ``rules`` applies their thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.fairness import Method
from wit_tui.engine.slicing import DEFAULT_BUCKETS

DIRECTIONS = ("higher_is_better", "lower_is_better")
#: what a value threshold gates: the point, or an end of the metric's interval (``on = "ci_lower"``)
ON_CHOICES = ("value", "ci_lower", "ci_upper")


def check_keys(table: dict, allowed: Sequence[str], where: str, source: str, hint: str) -> None:
    """A config table holds only ``allowed`` keys: a typo such as ``lower_bund`` is an error naming it."""
    unknown = [k for k in table if k not in allowed]
    if unknown:
        raise WitError(
            f"{source}: {where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(allowed)}.",
            hint,
        )


def shown_number(x: float | None, signed: bool = False) -> str:
    """A number as messages show it (a dash for none)."""
    if x is None:
        return "—"
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    return f"{x:+.6g}" if signed else f"{x:.6g}"


@dataclass(frozen=True)
class ValueThreshold:
    """TFMA's ``GenericValueThreshold``: unset bounds are -inf / +inf; both ends inclusive. ``on`` (ours) says
    what is gated: the metric's value, or the lower / upper end of its interval — "the lower end of the 95%
    interval of the recall is at least 0.6" is a claim the data supports, the point alone is not."""

    lower_bound: float | None = None
    upper_bound: float | None = None
    on: str = "value"

    def to_dict(self) -> dict[str, Any]:
        """The bounds given; an infinite one (an open end, "no bound on this side") as None, JSON's null, since
        JSON has no infinity; ``on`` when it is not the value."""
        out: dict[str, Any] = {
            k: (v if math.isfinite(v) else None)
            for k, v in (("lower_bound", self.lower_bound), ("upper_bound", self.upper_bound))
            if v is not None
        }
        if self.on != "value":
            out["on"] = self.on
        return out

    def describe(self) -> str:
        lo = "-inf" if self.lower_bound is None else shown_number(self.lower_bound)
        hi = "+inf" if self.upper_bound is None else shown_number(self.upper_bound)
        return f"in [{lo}, {hi}]" if self.on == "value" else f"{self.on} in [{lo}, {hi}]"


@dataclass(frozen=True)
class ChangeThreshold:
    """TFMA's ``GenericChangeThreshold``: ``absolute`` on v_c - v_b, ``relative`` on v_c / v_b."""

    direction: str
    absolute: float | None = None
    relative: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"direction": self.direction}
        if self.absolute is not None:
            out["absolute"] = self.absolute
        if self.relative is not None:
            out["relative"] = self.relative
        return out

    def describe(self) -> str:
        op = ">=" if self.direction == "higher_is_better" else "<="
        parts = []
        if self.absolute is not None:
            parts.append(f"c-b {op} {shown_number(self.absolute, signed=True)}")
        if self.relative is not None:
            parts.append(f"c/b {op} {shown_number(self.relative)}")
        return " and ".join(parts) or f"{self.direction} (no bound)"


@dataclass(frozen=True)
class MetricSpec:
    """One ``[[metrics]]`` entry; ``by`` (and ``method``) only for fairness gaps."""

    name: str
    value_threshold: ValueThreshold | None = None
    change_threshold: ChangeThreshold | None = None
    by: tuple[str, ...] = ()
    method: Method = "between_groups"
    cross_slice_threshold: ValueThreshold | None = None
    #: fairness gaps: groups with fewer labelled rows are left out (and named in the check's message)
    min_group_size: int = 1
    #: multi-class gaps: the class read against the rest (None: the largest gap over the classes)
    cls: str | None = None

    @property
    def is_gap(self) -> bool:
        return bool(self.by)

    @property
    def label(self) -> str:
        if not self.by:
            return self.name
        method = "" if self.method == "between_groups" else f", {self.method}"
        of = "" if self.cls is None else f" of class {self.cls}"
        return f"{self.name}{of} by {'×'.join(self.by)}{method}"


@dataclass(frozen=True)
class SlicingSpec:
    """TFMA's ``SlicingSpec``: empty = Overall; ``feature_keys`` = one slice per value (crossed);
    ``feature_values`` = only the rows with those values; ``where`` = a filter expression whose rows and the rest
    are two slices (crossed with ``feature_keys``); ``edges`` = bucket edges of numeric ``feature_keys``."""

    feature_keys: tuple[str, ...] = ()
    feature_values: tuple[tuple[str, Any], ...] = ()
    where: str | None = None
    edges: tuple[tuple[str, tuple[float, ...]], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.feature_keys:
            out["feature_keys"] = list(self.feature_keys)
        if self.feature_values:
            out["feature_values"] = dict(self.feature_values)
        if self.where is not None:
            out["where"] = self.where
        if self.edges:
            out["edges"] = {f: list(e) for f, e in self.edges}
        return out

    def describe(self) -> str:
        if not self.feature_keys and not self.feature_values and self.where is None:
            return "Overall"
        parts = []
        if self.feature_keys:
            parts.append("feature_keys = [" + ", ".join(self.feature_keys) + "]")
        if self.feature_values:
            parts.append("feature_values = {" + ", ".join(f"{k} = {v!r}" for k, v in self.feature_values) + "}")
        if self.where is not None:
            parts.append(f"where = {self.where!r}")
        if self.edges:
            parts.append("edges = {" + ", ".join(f"{f} = {list(e)}" for f, e in self.edges) + "}")
        return "; ".join(parts)


@dataclass(frozen=True)
class CrossSlicingSpec:
    """TFMA's ``CrossSlicingSpec``: each slice of ``baseline_spec`` against each slice of the comparison
    ``slicing_specs`` (a slice is never compared with itself)."""

    baseline_spec: SlicingSpec
    slicing_specs: tuple[SlicingSpec, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline_spec": self.baseline_spec.to_dict(),
            "slicing_specs": [s.to_dict() for s in self.slicing_specs],
        }

    def describe(self) -> str:
        return f"{self.baseline_spec.describe()} vs " + " | ".join(s.describe() for s in self.slicing_specs)


@dataclass(frozen=True)
class ValidationConfig:
    metrics: tuple[MetricSpec, ...] = ()
    slicing_specs: tuple[SlicingSpec, ...] = ()
    threshold: float | None = None
    buckets: int = DEFAULT_BUCKETS
    source: str = "config"
    cross_slicing_specs: tuple[CrossSlicingSpec, ...] = ()
    #: ``threshold = { svc = 0.0, lr = 0.5 }``: per model name (``threshold`` then is None)
    model_thresholds: tuple[tuple[str, float], ...] = ()
    #: ``[[behaviors]]``: behaviour tests (invariance, directional, cases), checked by behavior_config
    #: (BehaviorSpec values: behavior_spec imports SlicingSpec from here, so this module cannot name the type)
    behaviors: tuple[Any, ...] = ()

    @property
    def given_thresholds(self) -> dict[str | None, float]:
        """The decision thresholds asked for: ``{None: t}`` for every model, or per model name."""
        given: dict[str | None, float] = {} if self.threshold is None else {None: self.threshold}
        given.update(self.model_thresholds)
        return given

    @property
    def has_thresholds(self) -> bool:
        return any(m.value_threshold or m.change_threshold or m.cross_slice_threshold for m in self.metrics)

    @property
    def has_change_thresholds(self) -> bool:
        return any(m.change_threshold for m in self.metrics)

    def without_change_thresholds(self) -> ValidationConfig:
        return replace(self, metrics=tuple(replace(m, change_threshold=None) for m in self.metrics))


__all__ = [
    "DIRECTIONS",
    "ON_CHOICES",
    "ChangeThreshold",
    "CrossSlicingSpec",
    "MetricSpec",
    "SlicingSpec",
    "ValidationConfig",
    "ValueThreshold",
    "shown_number",
]
