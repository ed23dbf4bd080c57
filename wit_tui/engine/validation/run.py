"""Is the candidate model good enough to ship: TFMA-style validation of value and change thresholds per slice,
and of cross-slice thresholds on the difference between two slices.

The config is TOML (see the README): an optional decision ``threshold``, an
optional ``buckets`` count for numeric slices, ``[[metrics]]`` with a
``value_threshold``, a ``change_threshold`` and/or a ``cross_slice_threshold``,
``[[slicing_specs]]`` and ``[[cross_slicing_specs]]``.
The rules are TFMA's (``metrics_validator.py``), with the decisions in
``shared/reference/tfma-fairlearn-sklearn.md``:

- value threshold: unset ``lower_bound`` = -inf, unset ``upper_bound`` = +inf;
  passes when ``lower <= v <= upper`` (inclusive); NaN fails;
- change threshold: ``absolute`` checks ``v_c - v_b`` (``>= absolute`` when
  ``higher_is_better``, ``<= absolute`` when ``lower_is_better``);
  ``relative`` checks the ratio **v_c / v_b** the same way (TFMA's documented
  meaning; TFMA's code computes ``(v_c - v_b) / v_b``); a baseline of exactly
  0 fails the relative check with a message; both set = both must pass;
- a metric that cannot be computed on a slice fails, with the reason;
- no thresholds at all fails (``missing_thresholds``) unless rubber-stamped;
  change thresholds without a baseline are a usage error unless
  rubber-stamped, in which case they are skipped;
- thresholds apply to every slice the slicing specs produce (no specs = the
  Overall slice); a spec that produces no slice is a missing slice and fails;
- a fairness gap (``by = "sex"``) is not applicable on a slice that fixes one
  of its ``by`` features (``sex:Female``) and is skipped there, with a note; on
  any other slice with fewer than two groups it is not computable and fails;
- cross-slice threshold: on ``v(baseline slice) - v(comparison slice)`` of the
  candidate, checked like a value threshold, only on the cross slices of the
  ``[[cross_slicing_specs]]`` (value and change thresholds are not applied to
  cross slices); a cross spec whose baseline or a comparison spec matches no
  slice is a missing cross slice and fails (TFMA appears to always report
  cross specs missing; we do not copy that).
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.fairness import METHODS, NAMED_GAPS, gap, parse_gap
from wit_tui.engine.metrics.slice_index import TASK_METRICS, session_slice_metrics
from wit_tui.engine.slicing import DEFAULT_BUCKETS, SliceKey, check_slice_count, cross, feature_slices, spec_slicing

SCHEMA_VERSION = 1
DIRECTIONS = ("higher_is_better", "lower_is_better")
CONFIG_HINT = "See the README's section on `wit-tui validate` for the config format."

# ---------------------------------------------------------------------------
# the config
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueThreshold:
    """TFMA's ``GenericValueThreshold``: unset bounds are -inf / +inf; both ends inclusive."""

    lower_bound: float | None = None
    upper_bound: float | None = None

    def to_dict(self) -> dict[str, float]:
        return {
            k: v for k, v in (("lower_bound", self.lower_bound), ("upper_bound", self.upper_bound)) if v is not None
        }

    def describe(self) -> str:
        lo = "-inf" if self.lower_bound is None else _num(self.lower_bound)
        hi = "+inf" if self.upper_bound is None else _num(self.upper_bound)
        return f"in [{lo}, {hi}]"


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
            parts.append(f"c-b {op} {_num(self.absolute, signed=True)}")
        if self.relative is not None:
            parts.append(f"c/b {op} {_num(self.relative)}")
        return " and ".join(parts) or f"{self.direction} (no bound)"


@dataclass(frozen=True)
class MetricSpec:
    """One ``[[metrics]]`` entry; ``by`` (and ``method``) only for fairness gaps."""

    name: str
    value_threshold: ValueThreshold | None = None
    change_threshold: ChangeThreshold | None = None
    by: tuple[str, ...] = ()
    method: str = "between_groups"
    cross_slice_threshold: ValueThreshold | None = None

    @property
    def is_gap(self) -> bool:
        return bool(self.by)

    @property
    def label(self) -> str:
        if not self.by:
            return self.name
        method = "" if self.method == "between_groups" else f", {self.method}"
        return f"{self.name} by {'×'.join(self.by)}{method}"


@dataclass(frozen=True)
class SlicingSpec:
    """TFMA's ``SlicingSpec``: empty = Overall; ``feature_keys`` = one slice per value (crossed);
    ``feature_values`` = only the rows with those values."""

    feature_keys: tuple[str, ...] = ()
    feature_values: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.feature_keys:
            out["feature_keys"] = list(self.feature_keys)
        if self.feature_values:
            out["feature_values"] = dict(self.feature_values)
        return out

    def describe(self) -> str:
        if not self.feature_keys and not self.feature_values:
            return "Overall"
        parts = []
        if self.feature_keys:
            parts.append("feature_keys = [" + ", ".join(self.feature_keys) + "]")
        if self.feature_values:
            parts.append("feature_values = {" + ", ".join(f"{k} = {v!r}" for k, v in self.feature_values) + "}")
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

    @property
    def has_thresholds(self) -> bool:
        return any(m.value_threshold or m.change_threshold or m.cross_slice_threshold for m in self.metrics)

    @property
    def has_change_thresholds(self) -> bool:
        return any(m.change_threshold for m in self.metrics)

    def without_change_thresholds(self) -> ValidationConfig:
        metrics = tuple(
            MetricSpec(m.name, m.value_threshold, None, m.by, m.method, m.cross_slice_threshold) for m in self.metrics
        )
        return ValidationConfig(
            metrics, self.slicing_specs, self.threshold, self.buckets, self.source, self.cross_slicing_specs
        )


def _bad(where: str, what: str, source: str) -> WitError:
    return WitError(f"{source}: {where}: {what}", CONFIG_HINT)


def _keys(table: dict, allowed: Sequence[str], where: str, source: str) -> None:
    unknown = [k for k in table if k not in allowed]
    if unknown:
        raise _bad(
            where,
            f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(allowed)}.",
            source,
        )


def _number(value: Any, where: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(where, f"must be a number, not {value!r}.", source)
    if math.isnan(value):
        raise _bad(where, "must be a number, not nan.", source)
    return float(value)


def _table(value: Any, where: str, source: str) -> dict:
    if not isinstance(value, dict):
        raise _bad(where, f"must be a table (e.g. {{ lower_bound = 0.7 }}), not {value!r}.", source)
    return value


def _strings(value: Any, where: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _bad(where, f"must be a column name or a list of column names, not {value!r}.", source)
    if len(set(value)) != len(value):
        raise _bad(where, f"names a column twice: {value!r}.", source)
    return tuple(value)


def _value_threshold(value: Any, where: str, source: str) -> ValueThreshold:
    t = _table(value, where, source)
    _keys(t, ("lower_bound", "upper_bound"), where, source)
    lo = None if "lower_bound" not in t else _number(t["lower_bound"], f"{where}.lower_bound", source)
    hi = None if "upper_bound" not in t else _number(t["upper_bound"], f"{where}.upper_bound", source)
    if lo is not None and hi is not None and lo > hi:
        raise _bad(where, f"lower_bound {lo:g} is above upper_bound {hi:g}, so nothing can pass.", source)
    return ValueThreshold(lo, hi)


def _slicing_spec(value: Any, where: str, source: str) -> SlicingSpec:
    s = _table(value, where, source)
    _keys(s, ("feature_keys", "feature_values"), where, source)
    keys = _strings(s["feature_keys"], f"{where}.feature_keys", source) if "feature_keys" in s else ()
    values = _table(s.get("feature_values", {}), f"{where}.feature_values", source)
    for k, v in values.items():
        if isinstance(v, (dict, list)) or v is None:
            raise _bad(f"{where}.feature_values.{k}", f"must be a single value (text or number), not {v!r}.", source)
    both = sorted(set(keys) & set(values))
    if both:
        raise _bad(where, f"{', '.join(both)} is in both feature_keys and feature_values (TFMA forbids it).", source)
    return SlicingSpec(keys, tuple(values.items()))


def _cross_slicing_spec(value: Any, where: str, source: str) -> CrossSlicingSpec:
    c = _table(value, where, source)
    _keys(c, ("baseline_spec", "slicing_specs"), where, source)
    if "baseline_spec" not in c:
        raise _bad(where, 'needs a baseline_spec, e.g. baseline_spec = { feature_values = { sex = "Male" } }.', source)
    base = _slicing_spec(c["baseline_spec"], f"{where}.baseline_spec", source)
    raw = c.get("slicing_specs")
    if not isinstance(raw, list) or not raw:
        raise _bad(
            f"{where}.slicing_specs",
            "needs a list of one or more comparison slicing specs, e.g. "
            'slicing_specs = [ { feature_values = { sex = "Female" } } ].',
            source,
        )
    comps = tuple(_slicing_spec(s, f"{where}.slicing_specs[{j + 1}]", source) for j, s in enumerate(raw))
    return CrossSlicingSpec(base, comps)


def parse_config(data: dict[str, Any], source: str = "config") -> ValidationConfig:
    """Check a parsed TOML document and turn it into a :class:`ValidationConfig` (WitError on any problem)."""
    _keys(data, ("threshold", "buckets", "metrics", "slicing_specs", "cross_slicing_specs"), "top level", source)
    threshold = None if "threshold" not in data else _number(data["threshold"], "threshold", source)
    buckets = data.get("buckets", DEFAULT_BUCKETS)
    if isinstance(buckets, bool) or not isinstance(buckets, int) or not 1 <= buckets <= 1000:
        raise _bad("buckets", f"must be a whole number from 1 to 1000, not {buckets!r}.", source)
    raw_metrics = data.get("metrics", [])
    if not isinstance(raw_metrics, list):
        raise _bad("metrics", "must be an array of tables: write each one as [[metrics]].", source)
    metrics = []
    for i, m in enumerate(raw_metrics):
        where = f"metrics[{i + 1}]"
        m = _table(m, where, source)
        _keys(
            m, ("name", "value_threshold", "change_threshold", "cross_slice_threshold", "by", "method"), where, source
        )
        name = m.get("name")
        if not isinstance(name, str) or not name:
            raise _bad(where, 'needs a name, e.g. name = "auc".', source)
        where = f"metrics[{i + 1}] ({name})"
        vt = ct = xt = None
        if "value_threshold" in m:
            vt = _value_threshold(m["value_threshold"], f"{where}.value_threshold", source)
        if "cross_slice_threshold" in m:
            xt = _value_threshold(m["cross_slice_threshold"], f"{where}.cross_slice_threshold", source)
        if "change_threshold" in m:
            t = _table(m["change_threshold"], f"{where}.change_threshold", source)
            _keys(t, ("direction", "absolute", "relative"), f"{where}.change_threshold", source)
            direction = t.get("direction")
            if direction not in DIRECTIONS:
                raise _bad(
                    f"{where}.change_threshold.direction",
                    f'must be "higher_is_better" or "lower_is_better", not {direction!r}.',
                    source,
                )
            ab = None if "absolute" not in t else _number(t["absolute"], f"{where}.change_threshold.absolute", source)
            rel = None if "relative" not in t else _number(t["relative"], f"{where}.change_threshold.relative", source)
            ct = ChangeThreshold(direction, ab, rel)
        by = _strings(m["by"], f"{where}.by", source) if "by" in m else ()
        method = m.get("method", "between_groups")
        if method not in METHODS:
            raise _bad(f"{where}.method", f'must be "between_groups" or "to_overall", not {method!r}.', source)
        if "method" in m and not by:
            raise _bad(f"{where}.method", 'only applies to fairness gaps, which also need by = "FEATURE".', source)
        gap_name = parse_gap(name) is not None
        if gap_name and not by:
            raise _bad(where, f'{name} is a fairness gap: say which groups it compares with by = "FEATURE".', source)
        if by and not gap_name:
            raise _bad(
                f"{where}.by",
                f"{name} is not a fairness gap; by only applies to demographic_parity_difference, "
                "equalized_odds_difference, <metric>_difference, <metric>_ratio and the like.",
                source,
            )
        if xt is not None and by:
            raise _bad(
                f"{where}.cross_slice_threshold",
                f"{name} is a fairness gap, which has no cross-slice threshold: "
                "compare slices with a plain metric such as recall or "
                "selection_rate, or bound the gap with value_threshold.",
                source,
            )
        metrics.append(MetricSpec(name, vt, ct, by, method, xt))
    raw_specs = data.get("slicing_specs", [])
    if not isinstance(raw_specs, list):
        raise _bad("slicing_specs", "must be an array of tables: write each one as [[slicing_specs]].", source)
    specs = [_slicing_spec(s, f"slicing_specs[{i + 1}]", source) for i, s in enumerate(raw_specs)]
    raw_cross = data.get("cross_slicing_specs", [])
    if not isinstance(raw_cross, list):
        raise _bad(
            "cross_slicing_specs", "must be an array of tables: write each one as [[cross_slicing_specs]].", source
        )
    cross_specs = [_cross_slicing_spec(c, f"cross_slicing_specs[{i + 1}]", source) for i, c in enumerate(raw_cross)]
    if not cross_specs:
        for i, m in enumerate(metrics):
            if m.cross_slice_threshold is not None:
                raise _bad(
                    f"metrics[{i + 1}] ({m.name}).cross_slice_threshold",
                    "needs [[cross_slicing_specs]] saying which slices to compare, e.g. baseline_spec = "
                    '{ feature_values = { sex = "Male" } } and slicing_specs = '
                    '[ { feature_values = { sex = "Female" } } ].',
                    source,
                )
    return ValidationConfig(tuple(metrics), tuple(specs), threshold, buckets, source, tuple(cross_specs))


def load_config(path: str | Path) -> ValidationConfig:
    """Read and check a TOML validation config."""
    path = Path(path)
    if not path.exists():
        raise WitError(f"The config file {path} does not exist.", "Check the path given to --config.")
    if path.is_dir():
        raise WitError(f"The config path {path} is a folder, not a file.", "Give the path of the .toml file.")
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise WitError(f"The config file {path} is not valid TOML: {exc}.", CONFIG_HINT) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise WitError(f"The config file {path} cannot be read: {exc}.", "Check the file and its permissions.") from exc
    return parse_config(data, source=str(path))


def check_config(config: ValidationConfig, kind: str, columns: Sequence[str]) -> None:
    """The config's metrics must exist for this task and its ``by`` columns in the data (WitError otherwise)."""
    allowed = TASK_METRICS[kind]
    gaps = [g for g in NAMED_GAPS if kind == "binary"]
    for m in config.metrics:
        parsed = parse_gap(m.name)
        if m.is_gap and parsed is not None:
            base, _ = parsed
            if m.name in NAMED_GAPS and kind != "binary":
                raise WitError(
                    f"{config.source}: {m.name} applies to binary classifiers, but the models are {kind}.",
                    f"Use <metric>_difference / <metric>_ratio with one of: {', '.join(allowed[1:])}.",
                )
            bad = [b for b in base if b not in allowed or b == "example_count"]
            if bad:
                raise WitError(
                    f"{config.source}: {m.name}: {bad[0]} is not a {kind} metric, so there is no such gap.",
                    f"Gaps for {kind} models: {', '.join(gaps + [a + '_difference' for a in allowed[1:]])} "
                    "(and the _ratio forms).",
                )
            missing = [b for b in m.by if b not in columns]
            if missing:
                raise WitError(
                    f"{config.source}: {m.name}: by names columns the data lacks: {', '.join(missing)}.",
                    f"Columns: {', '.join(list(columns)[:30])}.",
                )
        elif m.name not in allowed:
            known = {n for names in TASK_METRICS.values() for n in names}
            what = f"is not a {kind} metric" if m.name in known else "is not a metric wit-tui knows"
            raise WitError(
                f"{config.source}: unknown metric {m.name!r}: it {what}.",
                f"Metrics for {kind} models: {', '.join(allowed)}"
                + (
                    f'; fairness gaps (with by = "FEATURE"): {", ".join(gaps)}, <metric>_difference, <metric>_ratio.'
                    if kind == "binary"
                    else '; gaps: <metric>_difference, <metric>_ratio (with by = "FEATURE").'
                ),
            )


# ---------------------------------------------------------------------------
# the rules (pure)
# ---------------------------------------------------------------------------


def _num(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "—"
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    return f"{x:+.6g}" if signed else f"{x:.6g}"


def _nums(a: float, b: float, signed: bool = False) -> tuple[str, str]:
    """Two numbers for a message, with enough digits to tell them apart (a value just below a bound must not
    read "0.870892 is below lower_bound 0.870892")."""
    for digits in (6, 9, 12, 17):
        fa, fb = (f"{x:{'+' if signed else ''}.{digits}g}" for x in (a, b))
        if fa != fb or a == b:
            return fa, fb
    return fa, fb


def check_value(value: float, threshold: ValueThreshold, metric: str = "value") -> tuple[bool, str]:
    """TFMA's value check: ``lower <= value <= upper`` with unset bounds infinite; NaN fails."""
    lo = -math.inf if threshold.lower_bound is None else threshold.lower_bound
    hi = math.inf if threshold.upper_bound is None else threshold.upper_bound
    v = float(value)
    if math.isnan(v):
        return False, f"{metric} is NaN, which never passes a threshold"
    if v < lo:
        shown, bound = _nums(v, lo)
        return False, f"{metric} {shown} is below lower_bound {bound}"
    if v > hi:
        shown, bound = _nums(v, hi)
        return False, f"{metric} {shown} is above upper_bound {bound}"
    return True, f"{metric} {_num(v)} is {threshold.describe()}"


def check_change(value: float, baseline: float, threshold: ChangeThreshold, metric: str = "value") -> tuple[bool, str]:
    """TFMA's change check: absolute on ``value - baseline``, relative on ``value / baseline``; both must pass."""
    v_c, v_b = float(value), float(baseline)
    higher = threshold.direction == "higher_is_better"
    if threshold.direction not in DIRECTIONS:
        return False, f"invalid change threshold direction {threshold.direction!r}"
    op, bad_op = (">=", "<") if higher else ("<=", ">")
    ok, parts = True, []
    if threshold.absolute is not None:
        diff = v_c - v_b
        passed = (diff >= threshold.absolute) if higher else (diff <= threshold.absolute)
        if math.isnan(diff):
            parts.append(f"{metric} change is NaN (candidate {_num(v_c)}, baseline {_num(v_b)})")
        elif passed:
            parts.append(f"change {_num(diff, signed=True)} {op} absolute {_num(threshold.absolute, signed=True)}")
        else:
            shown, bound = _nums(diff, threshold.absolute, signed=True)
            parts.append(
                f"{metric} changed by {shown} ({_num(v_b)} -> {_num(v_c)}), "
                f"{bad_op} absolute {bound} ({threshold.direction})"
            )
        ok &= bool(passed)
    if threshold.relative is not None:
        if v_b == 0.0:  # TFMA: math.isclose(v_b, 0.0), i.e. exactly zero
            parts.append(
                f"relative change undefined: the baseline {metric} is 0, so candidate / baseline divides by zero"
            )
            ok = False
        else:
            ratio = v_c / v_b
            passed = (ratio >= threshold.relative) if higher else (ratio <= threshold.relative)
            if math.isnan(ratio):
                parts.append(f"{metric} ratio is NaN (candidate {_num(v_c)}, baseline {_num(v_b)})")
            elif passed:
                parts.append(f"ratio {_num(ratio)} {op} relative {_num(threshold.relative)}")
            else:
                shown, bound = _nums(ratio, threshold.relative)
                parts.append(
                    f"{metric} ratio candidate / baseline = {shown} ({_num(v_c)} / {_num(v_b)}), "
                    f"{bad_op} relative {bound} ({threshold.direction})"
                )
            ok &= bool(passed)
    if not parts:
        parts.append(f"{threshold.direction} with no bound")
    return ok, "; ".join(parts)


# ---------------------------------------------------------------------------
# the result (mirrors TFMA's ValidationResult)
# ---------------------------------------------------------------------------


def _key_dict(key: SliceKey) -> dict[str, Any]:
    return {f: v for f, v in key}


def _json_num(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None
    return float(x)


@dataclass(frozen=True)
class MetricKey:
    """TFMA's ``MetricKey``: the metric's name, the model it is measured on, and (ours) the gap's grouping."""

    name: str
    model_name: str
    is_diff: bool = False
    by: tuple[str, ...] = ()
    method: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "model_name": self.model_name, "is_diff": self.is_diff}
        if self.by:
            out["by"] = list(self.by)
            out["method"] = self.method
        return out


@dataclass(frozen=True)
class CrossSliceKey:
    """TFMA's ``CrossSliceKey`` (the two slice keys), with the slices' names."""

    baseline_slice_key: SliceKey
    comparison_slice_key: SliceKey
    baseline_slice: str
    comparison_slice: str

    @property
    def name(self) -> str:
        return f"{self.baseline_slice} vs {self.comparison_slice}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline_slice_key": _key_dict(self.baseline_slice_key),
            "comparison_slice_key": _key_dict(self.comparison_slice_key),
        }


@dataclass(frozen=True)
class Check:
    """One threshold checked on one slice or cross slice (passing or not): a row of the check table.

    A cross-slice check (``kind == "cross_slice"``) has ``cross_slice_key`` set, ``slice_key == ()``, ``value`` =
    baseline slice value - comparison slice value, and both slices' values in ``slice_values``."""

    slice: str
    slice_key: SliceKey
    metric_key: MetricKey
    kind: str  # "value" | "change" | "cross_slice"
    threshold: ValueThreshold | ChangeThreshold
    value: float | None
    baseline_model: str | None
    baseline_value: float | None
    ok: bool
    message: str
    cross_slice_key: CrossSliceKey | None = None
    slice_values: tuple[float | None, float | None] = (None, None)

    def threshold_dict(self) -> dict[str, Any]:
        return {f"{self.kind}_threshold": self.threshold.to_dict()}

    def _where(self) -> dict[str, Any]:
        if self.cross_slice_key is not None:
            return {"cross_slice_key": self.cross_slice_key.to_dict()}
        return {"slice_key": _key_dict(self.slice_key)}

    def _slice_values(self) -> dict[str, Any]:
        if self.cross_slice_key is None:
            return {}
        return {
            "baseline_slice_value": _json_num(self.slice_values[0]),
            "comparison_slice_value": _json_num(self.slice_values[1]),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "slice": self.slice,
            **self._where(),
            "kind": self.kind,
            "metric_key": self.metric_key.to_dict(),
            "metric_threshold": self.threshold_dict(),
            "metric_value": _json_num(self.value),
            "baseline_model_name": self.baseline_model,
            "baseline_value": _json_num(self.baseline_value),
            **self._slice_values(),
            "ok": self.ok,
            "message": self.message,
        }

    def failure_dict(self) -> dict[str, Any]:
        return {
            "metric_key": self.metric_key.to_dict(),
            "metric_threshold": self.threshold_dict(),
            "metric_value": _json_num(self.value),
            "baseline_value": _json_num(self.baseline_value),
            **self._slice_values(),
            "message": self.message,
        }


@dataclass(frozen=True)
class MetricsValidationForSlice:
    """The failures on one slice, or on one cross slice (``cross_slice_key`` set, ``slice_key == ()``)."""

    slice_key: SliceKey
    slice: str
    failures: tuple[Check, ...]
    cross_slice_key: CrossSliceKey | None = None

    def to_dict(self) -> dict[str, Any]:
        where = (
            {"cross_slice_key": self.cross_slice_key.to_dict()}
            if self.cross_slice_key is not None
            else {"slice_key": _key_dict(self.slice_key)}
        )
        return {**where, "slice": self.slice, "failures": [c.failure_dict() for c in self.failures]}


@dataclass(frozen=True)
class SlicingDetails:
    """How many slices a slicing spec matched, or how many cross slices a cross-slicing spec did."""

    slicing_spec: SlicingSpec | CrossSlicingSpec
    num_matching_slices: int

    def to_dict(self) -> dict[str, Any]:
        key = "cross_slicing_spec" if isinstance(self.slicing_spec, CrossSlicingSpec) else "slicing_spec"
        return {key: self.slicing_spec.to_dict(), "num_matching_slices": self.num_matching_slices}


@dataclass(frozen=True)
class MissingSlice:
    slicing_spec: SlicingSpec
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.slicing_spec.to_dict(), "message": self.message}


@dataclass(frozen=True)
class MissingCrossSlice:
    """A cross-slicing spec whose baseline spec or one of whose comparison specs matches no slice."""

    cross_slicing_spec: CrossSlicingSpec
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.cross_slicing_spec.to_dict(), "message": self.message}


@dataclass(frozen=True)
class ValidationResult:
    """TFMA's ``ValidationResult`` plus every check made (``checks``) and what was compared."""

    validation_ok: bool
    metric_validations_per_slice: tuple[MetricsValidationForSlice, ...] = ()
    missing_slices: tuple[MissingSlice, ...] = ()
    missing_thresholds: bool = False
    rubber_stamp: bool = False
    validation_details: tuple[SlicingDetails, ...] = ()
    checks: tuple[Check, ...] = ()
    candidate: str = ""
    baseline: str | None = None
    threshold: float | None = None
    skipped_change_thresholds: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    missing_cross_slices: tuple[MissingCrossSlice, ...] = ()

    @property
    def n_failed(self) -> int:
        return sum(not c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        from wit_tui import __version__

        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "wit-tui", "version": __version__},
            "validation_ok": self.validation_ok,
            "metric_validations_per_slice": [s.to_dict() for s in self.metric_validations_per_slice],
            "missing_slices": [m.to_dict() for m in self.missing_slices],
            "missing_cross_slices": [m.to_dict() for m in self.missing_cross_slices],
            "missing_thresholds": self.missing_thresholds,
            "rubber_stamp": self.rubber_stamp,
            "validation_details": {"slicing_details": [d.to_dict() for d in self.validation_details]},
            "candidate_model_name": self.candidate,
            "baseline_model_name": self.baseline,
            "decision_threshold": self.threshold,
            "skipped_change_thresholds": self.skipped_change_thresholds,
            "notes": list(self.notes),
            "checks": [c.to_dict() for c in self.checks],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, default=_json_default)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    return str(obj)


# ---------------------------------------------------------------------------
# running it over a session
# ---------------------------------------------------------------------------


def _gap_value(
    session, model: int, spec_codes: np.ndarray, k: int, m: MetricSpec, by_parts: dict, threshold, lab
) -> tuple[float, str]:
    rows = (spec_codes == k) & lab
    groups = cross(by_parts[m.by], rows)
    whole_codes = np.where(rows, 0, -1)
    sm_groups = session_slice_metrics(session, model, groups.codes, groups.n_slices, threshold)
    sm_whole = session_slice_metrics(session, model, whole_codes, 1, threshold)
    names = [groups.name(g) for g in range(groups.n_slices)]
    g = gap(m.name, sm_groups, sm_whole, names, m.method, by="×".join(m.by))
    return g.value, g.reason


def _cross_check(
    m: MetricSpec, xkey: CrossSliceKey, model_name: str, base: tuple[float, str], comp: tuple[float, str]
) -> Check:
    """The cross-slice check of ``m`` on one cross slice, from each side's (value, reason not computable)."""
    (v_b, why_b), (v_c, why_c) = base, comp
    diff = None
    if why_b:
        ok, msg = False, f"{m.name} is not computable on the baseline slice {xkey.baseline_slice}: {why_b}"
    elif why_c:
        ok, msg = False, f"{m.name} is not computable on the comparison slice {xkey.comparison_slice}: {why_c}"
    else:
        diff = float(v_b) - float(v_c)
        ok, msg = check_value(diff, m.cross_slice_threshold, f"{m.name} difference")
        msg += f" ({xkey.baseline_slice} {_num(v_b)} - {xkey.comparison_slice} {_num(v_c)})"
    return Check(
        xkey.name,
        (),
        MetricKey(m.name, model_name),
        "cross_slice",
        m.cross_slice_threshold,
        diff,
        None,
        None,
        ok,
        msg,
        xkey,
        (None if why_b else v_b, None if why_c else v_c),
    )


def _cross_checks(
    session,
    config: ValidationConfig,
    metrics: Sequence[MetricSpec],
    candidate: int,
    threshold: float | None,
    lab: np.ndarray,
) -> tuple[list[Check], list[SlicingDetails], list[MissingCrossSlice]]:
    """The cross-slice checks of ``metrics`` on every cross slice of ``config.cross_slicing_specs``, each spec's
    number of cross slices, and the cross specs that are missing (a side that matches no slice)."""
    frame = session.data
    cand_name = session.models[candidate].name
    computed: dict[SlicingSpec, tuple[Any, str, Any]] = {}

    def sliced(spec: SlicingSpec):
        if spec not in computed:
            slicing, why = spec_slicing(frame, spec.feature_keys, spec.feature_values, config.buckets, rows=lab)
            check_slice_count(slicing, f"{config.source}: the slicing spec {spec.describe()}")
            sm = None
            if slicing.n_slices:
                sm = session_slice_metrics(session, candidate, slicing.codes, slicing.n_slices, threshold)
            computed[spec] = (slicing, why, sm)
        return computed[spec]

    checks: list[Check] = []
    details: list[SlicingDetails] = []
    missing: list[MissingCrossSlice] = []
    seen: set[tuple[SliceKey, SliceKey]] = set()
    for cspec in config.cross_slicing_specs:
        base, why_base, sm_base = sliced(cspec.baseline_spec)
        reasons = []
        if base.n_slices == 0:
            reasons.append(f"its baseline_spec {cspec.baseline_spec.describe()} matches no slice: {why_base}")
        n_matching = 0
        for comp_spec in cspec.slicing_specs:
            comp, why_comp, sm_comp = sliced(comp_spec)
            if comp.n_slices == 0:
                reasons.append(f"its comparison spec {comp_spec.describe()} matches no slice: {why_comp}")
                continue
            for kb in range(base.n_slices):
                for kc in range(comp.n_slices):
                    pair = (base.keys[kb], comp.keys[kc])
                    if pair[0] == pair[1]:
                        continue  # a slice against itself is always 0
                    n_matching += 1
                    if pair in seen:
                        continue
                    seen.add(pair)
                    xkey = CrossSliceKey(pair[0], pair[1], base.name(kb), comp.name(kc))
                    for m in metrics:
                        checks.append(
                            _cross_check(
                                m,
                                xkey,
                                cand_name,
                                (sm_base.value(m.name, kb), sm_base.reason(m.name, kb)),
                                (sm_comp.value(m.name, kc), sm_comp.reason(m.name, kc)),
                            )
                        )
        if n_matching == 0 and not reasons:
            reasons.append("every comparison slice is the baseline slice itself")
        details.append(SlicingDetails(cspec, n_matching))
        if reasons:
            missing.append(MissingCrossSlice(cspec, f"cross slicing spec {cspec.describe()}: " + "; ".join(reasons)))
    return checks, details, missing


def validate_session(
    session,
    config: ValidationConfig,
    *,
    candidate: int,
    baseline: int | None = None,
    rubber_stamp: bool = False,
) -> ValidationResult:
    """Validate model ``candidate`` of ``session`` (against model ``baseline``) with ``config``.

    Raises WitError for usage errors: no label, metrics the task lacks, change
    thresholds without a baseline (unless ``rubber_stamp``).
    """
    from wit_tui.engine.analysis.performance import labelled_mask

    if session.label is None:
        raise WitError("Validation needs ground truth, but no label column was given.", "Pass --label COLUMN.")
    check_config(config, session.task.kind, list(session.data.columns))
    skipped = 0
    notes: list[str] = list(session.warnings)
    if config.has_change_thresholds and baseline is None:
        if not rubber_stamp:
            names = ", ".join(dict.fromkeys(m.label for m in config.metrics if m.change_threshold))
            raise WitError(
                f"The config has change thresholds ({names}) but no baseline model was given.",
                "Pass --baseline MODEL to compare against, or --rubber-stamp for a first run "
                "(change thresholds are then skipped and value thresholds still apply).",
            )
        skipped = sum(1 for m in config.metrics if m.change_threshold)
        notes.append(f"No baseline: {skipped} change threshold(s) skipped (rubber stamp).")
        config = config.without_change_thresholds()
    cand_name = session.models[candidate].name
    base_name = None if baseline is None else session.models[baseline].name
    threshold = None
    if session.task.kind == "binary":
        threshold = session.task.default_threshold if config.threshold is None else config.threshold
    elif config.threshold is not None:
        notes.append(f"threshold = {config.threshold:g} ignored: the task is {session.task.kind}, not binary.")
    common = {
        "candidate": cand_name,
        "baseline": base_name,
        "threshold": threshold,
        "rubber_stamp": rubber_stamp,
        "skipped_change_thresholds": skipped,
    }
    if not config.has_thresholds:
        return ValidationResult(
            validation_ok=rubber_stamp, missing_thresholds=not rubber_stamp, notes=tuple(notes), **common
        )

    lab = labelled_mask(session)
    from wit_tui.engine.analysis.data_checks import scoring_notes, scoring_warnings

    notes.extend(scoring_warnings(session) + scoring_notes(session))  # rows a model could not score are left out
    frame = session.data
    specs = config.slicing_specs or (SlicingSpec(),)
    checked_metrics = [m for m in config.metrics if m.value_threshold or m.change_threshold]
    cross_metrics = [m for m in config.metrics if m.cross_slice_threshold]
    if not checked_metrics:  # only cross-slice thresholds: the single slices have nothing to check
        if config.slicing_specs:
            notes.append(
                "The [[slicing_specs]] are not used: no metric has a value or change threshold "
                "(cross-slice thresholds apply to the [[cross_slicing_specs]] only)."
            )
        specs = ()
    if config.cross_slicing_specs and not cross_metrics:
        notes.append("The [[cross_slicing_specs]] are not used: no metric has a cross_slice_threshold.")
    need_baseline = baseline is not None and any(m.change_threshold for m in checked_metrics)
    by_parts = {m.by: [feature_slices(frame[f], config.buckets, f) for f in m.by] for m in checked_metrics if m.by}
    for by, parts in by_parts.items():
        check_slice_count(cross(parts, lab), f"{config.source}: by = {list(by)}")

    checks: list[Check] = []
    details: list[SlicingDetails] = []
    missing: list[MissingSlice] = []
    seen: set[SliceKey] = set()
    n_not_applicable = 0
    for spec in specs:
        slicing, why = spec_slicing(frame, spec.feature_keys, spec.feature_values, config.buckets, rows=lab)
        check_slice_count(slicing, f"{config.source}: the slicing spec {spec.describe()}")
        details.append(SlicingDetails(spec, slicing.n_slices))
        if slicing.n_slices == 0:
            missing.append(MissingSlice(spec, f"slicing spec {spec.describe()} matches no slice: {why}"))
            continue
        models = [candidate] + ([baseline] if need_baseline else [])
        per_model = {i: session_slice_metrics(session, i, slicing.codes, slicing.n_slices, threshold) for i in models}
        for k in range(slicing.n_slices):
            key = slicing.keys[k]
            if key in seen:
                continue
            seen.add(key)
            name = slicing.name(k)
            fixed = {f for f, _ in key}
            for m in checked_metrics:
                if m.is_gap and fixed & set(m.by):
                    n_not_applicable += 1  # a gap across sex means nothing on the slice sex:Female
                    continue
                values: dict[int, tuple[float, str]] = {}
                for i in models:
                    if m.is_gap:
                        values[i] = _gap_value(session, i, slicing.codes, k, m, by_parts, threshold, lab)
                    else:
                        sm = per_model[i]
                        values[i] = (sm.value(m.name, k), sm.reason(m.name, k))
                v_c, why_c = values[candidate]
                mkey = MetricKey(m.name, cand_name, False, m.by, m.method if m.by else "")
                if m.value_threshold is not None:
                    if why_c:
                        ok, msg = False, f"{m.name} is not computable on this slice: {why_c}"
                    else:
                        ok, msg = check_value(v_c, m.value_threshold, m.name)
                    checks.append(
                        Check(name, key, mkey, "value", m.value_threshold, None if why_c else v_c, None, None, ok, msg)
                    )
                if m.change_threshold is not None and baseline is not None:
                    v_b, why_b = values[baseline]
                    if why_c:
                        ok, msg = False, f"{m.name} is not computable on this slice for {cand_name}: {why_c}"
                    elif why_b:
                        ok, msg = (
                            False,
                            f"{m.name} is not computable on this slice for the baseline {base_name}: {why_b}",
                        )
                    else:
                        ok, msg = check_change(v_c, v_b, m.change_threshold, m.name)
                    dkey = MetricKey(m.name, cand_name, True, m.by, m.method if m.by else "")
                    checks.append(
                        Check(
                            name,
                            key,
                            dkey,
                            "change",
                            m.change_threshold,
                            None if why_c else v_c,
                            base_name,
                            None if why_b else v_b,
                            ok,
                            msg,
                        )
                    )
    if n_not_applicable:
        notes.append(
            f"{n_not_applicable} fairness-gap check(s) not applicable: the slice fixes the feature the gap "
            "compares across (e.g. a gap by sex on the slice sex:Female)."
        )
    missing_cross: list[MissingCrossSlice] = []
    if cross_metrics:
        x_checks, x_details, missing_cross = _cross_checks(session, config, cross_metrics, candidate, threshold, lab)
        checks += x_checks
        details += x_details
    per_slice: dict[tuple[SliceKey, CrossSliceKey | None], list[Check]] = {}
    for c in checks:
        if not c.ok:
            per_slice.setdefault((c.slice_key, c.cross_slice_key), []).append(c)
    failures = tuple(MetricsValidationForSlice(k, v[0].slice, tuple(v), x) for (k, x), v in per_slice.items())
    ok = not failures and not missing and not missing_cross
    return ValidationResult(
        validation_ok=ok,
        metric_validations_per_slice=failures,
        missing_slices=tuple(missing),
        missing_thresholds=False,
        validation_details=tuple(details),
        checks=tuple(checks),
        notes=tuple(notes),
        missing_cross_slices=tuple(missing_cross),
        **common,
    )


__all__ = [
    "ChangeThreshold",
    "Check",
    "CrossSliceKey",
    "CrossSlicingSpec",
    "MetricKey",
    "MetricSpec",
    "MetricsValidationForSlice",
    "MissingCrossSlice",
    "MissingSlice",
    "SCHEMA_VERSION",
    "SlicingDetails",
    "SlicingSpec",
    "ValidationConfig",
    "ValidationResult",
    "ValueThreshold",
    "check_change",
    "check_config",
    "check_value",
    "load_config",
    "parse_config",
    "validate_session",
]
