"""Reading and checking what ``wit-tui validate`` is asked to check: the TOML config into ``specs``' dataclasses.

The config is TOML (see the README): an optional decision ``threshold`` (one
number for every model, or a table per model name: ``{ svc = 0.0, lr = 0.5 }``), an
optional ``buckets`` count for numeric slices, ``[[metrics]]`` with a
``value_threshold``, a ``change_threshold`` and/or a ``cross_slice_threshold``,
``[[slicing_specs]]`` and ``[[cross_slicing_specs]]``.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.paths import check_input_file
from wit_tui.engine.edge_slices import check_edges
from wit_tui.engine.metrics.calibration import CALIBRATION_CHECKS
from wit_tui.engine.metrics.fairness import METHODS, NAMED_GAPS, parse_gap
from wit_tui.engine.metrics.multiclass_fairness import one_vs_rest_gap
from wit_tui.engine.metrics.slice_index import TASK_METRICS
from wit_tui.engine.slicing import DEFAULT_BUCKETS
from wit_tui.engine.validation.behavior_config import parse_behaviors
from wit_tui.engine.validation.specs import (
    DIRECTIONS,
    ON_CHOICES,
    ChangeThreshold,
    CrossSlicingSpec,
    MetricSpec,
    SlicingSpec,
    ValidationConfig,
    ValueThreshold,
    check_keys,
)

CONFIG_HINT = "See the README's section on `wit-tui validate` for the config format."


def _bad(where: str, what: str, source: str) -> WitError:
    return WitError(f"{source}: {where}: {what}", CONFIG_HINT)


def _keys(table: dict, allowed: Sequence[str], where: str, source: str) -> None:
    check_keys(table, allowed, where, source, CONFIG_HINT)


def _number(value: Any, where: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(where, f"must be a number, not {value!r}.", source)
    if math.isnan(value):
        raise _bad(where, "must be a number, not nan.", source)
    return float(value)


def _finite(value: Any, where: str, source: str) -> float:
    """A finite number: ``1e400`` reads as inf, which no threshold, change or decision can use."""
    x = _number(value, where, source)
    if not math.isfinite(x):
        raise _bad(where, f"must be a finite number, not {x:g}.", source)
    return x


def _decision_threshold(value: Any, source: str) -> tuple[float | None, tuple[tuple[str, float], ...]]:
    """``threshold = 0.5`` (every model) or ``threshold = { svc = 0.0, lr = 0.5 }`` (per model name); the ranges
    are checked per model's kind of score once the models are loaded."""
    if isinstance(value, dict):
        if not value:
            raise _bad(
                "threshold", "is an empty table, so it sets no model's threshold; give e.g. { lr = 0.5 }.", source
            )
        return None, tuple((str(k), _finite(v, f"threshold.{k}", source)) for k, v in value.items())
    return _finite(value, "threshold", source), ()


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


def _gate(t: dict, where: str, source: str) -> str:
    """``on = "value" | "ci_lower" | "ci_upper"``: what a value threshold gates (default the value)."""
    on = t.get("on", "value")
    if on not in ON_CHOICES:
        raise _bad(f"{where}.on", f"must be one of {', '.join(map(repr, ON_CHOICES))}, not {on!r}.", source)
    return str(on)


def _min_group_size(m: dict, by: tuple[str, ...], where: str, source: str) -> int:
    """``min_group_size = N``: a fairness gap leaves out groups of fewer labelled rows (a whole number >= 1)."""
    if "min_group_size" not in m:
        return 1
    n = m["min_group_size"]
    if not by:
        raise _bad(f"{where}.min_group_size", 'only applies to fairness gaps, which also need by = "FEATURE".', source)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise _bad(f"{where}.min_group_size", f"must be a whole number of rows, at least 1, not {n!r}.", source)
    return n


def _value_threshold(value: Any, where: str, source: str, *, gate: bool = False) -> ValueThreshold:
    """A bound on a value: -inf / +inf are accepted as the open ends (no bound on that side); a bound nothing can
    pass (lower +inf, upper -inf, lower above upper) and one that gates nothing (no finite bound) are refused.
    ``gate``: the table may say ``on`` (value thresholds; a cross-slice difference has no interval)."""
    t = _table(value, where, source)
    _keys(t, ("lower_bound", "upper_bound", *(("on",) if gate else ())), where, source)
    on = _gate(t, where, source) if gate else "value"
    t = {k: v for k, v in t.items() if k != "on"}
    lo = None if "lower_bound" not in t else _number(t["lower_bound"], f"{where}.lower_bound", source)
    hi = None if "upper_bound" not in t else _number(t["upper_bound"], f"{where}.upper_bound", source)
    if lo == math.inf or hi == -math.inf:
        side = "lower_bound +inf" if lo == math.inf else "upper_bound -inf"
        raise _bad(where, f"{side} means nothing can pass.", source)
    if lo is not None and hi is not None and lo > hi:
        raise _bad(where, f"lower_bound {lo:g} is above upper_bound {hi:g}, so nothing can pass.", source)
    if (lo is None or lo == -math.inf) and (hi is None or hi == math.inf):
        what = "is empty" if not t else "has no finite bound"
        raise _bad(
            where,
            f"{what}, so it gates nothing and would always pass; give a lower_bound and/or an upper_bound, "
            "e.g. { lower_bound = 0.7 }.",
            source,
        )
    return ValueThreshold(lo, hi, on)


def _slicing_spec(value: Any, where: str, source: str) -> SlicingSpec:
    s = _table(value, where, source)
    _keys(s, ("feature_keys", "feature_values", "where", "edges"), where, source)
    keys = _strings(s["feature_keys"], f"{where}.feature_keys", source) if "feature_keys" in s else ()
    values = _table(s.get("feature_values", {}), f"{where}.feature_values", source)
    for k, v in values.items():
        if isinstance(v, (dict, list)) or v is None:
            raise _bad(f"{where}.feature_values.{k}", f"must be a single value (text or number), not {v!r}.", source)
    both = sorted(set(keys) & set(values))
    if both:
        raise _bad(where, f"{', '.join(both)} is in both feature_keys and feature_values (TFMA forbids it).", source)
    return SlicingSpec(keys, tuple(values.items()), *_predicate_and_edges(s, keys, where, source))


def _predicate_and_edges(
    s: dict, keys: tuple[str, ...], where: str, source: str
) -> tuple[str | None, tuple[tuple[str, tuple[float, ...]], ...]]:
    """A slicing spec's ``where`` (a filter expression, checked against the data when it is used) and ``edges``
    (``{ age = [0, 30, 60] }``: bucket edges of numeric feature_keys)."""
    predicate = s.get("where")
    if predicate is not None and (not isinstance(predicate, str) or not predicate.strip()):
        raise _bad(
            f"{where}.where", f'must be a filter expression, e.g. "priors_count > 0", not {predicate!r}.', source
        )
    raw = _table(s.get("edges", {}), f"{where}.edges", source)
    edges = []
    for f, e in raw.items():
        if f not in keys:
            raise _bad(
                f"{where}.edges.{f}", f"{f} is not in feature_keys; edges cut a feature the spec slices by.", source
            )
        if not isinstance(e, list):
            raise _bad(f"{where}.edges.{f}", f"must be a list of numbers, e.g. [0, 1, 3, 10], not {e!r}.", source)
        try:
            edges.append((f, check_edges(e)))
        except WitError as exc:
            raise _bad(f"{where}.edges.{f}", exc.message, source) from None
    return (None if predicate is None else predicate.strip()), tuple(edges)


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


def _change_threshold(value: Any, where: str, source: str) -> ChangeThreshold:
    t = _table(value, where, source)
    _keys(t, ("direction", "absolute", "relative"), where, source)
    direction = t.get("direction")
    if direction not in DIRECTIONS:
        raise _bad(f"{where}.direction", f'must be "higher_is_better" or "lower_is_better", not {direction!r}.', source)
    ab = None if "absolute" not in t else _finite(t["absolute"], f"{where}.absolute", source)
    rel = None if "relative" not in t else _finite(t["relative"], f"{where}.relative", source)
    return ChangeThreshold(direction, ab, rel)


def _check_gap(name: str, by: tuple[str, ...], has_method: bool, cross_slice: bool, where: str, source: str) -> None:
    """``by`` (and ``method``) go with fairness gaps only, and a gap has no cross-slice threshold."""
    if has_method and not by:
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
    if cross_slice and by:
        raise _bad(
            f"{where}.cross_slice_threshold",
            f"{name} is a fairness gap, which has no cross-slice threshold: "
            "compare slices with a plain metric such as recall or "
            "selection_rate, or bound the gap with value_threshold.",
            source,
        )


def _metric_spec(value: Any, i: int, source: str) -> MetricSpec:
    where = f"metrics[{i + 1}]"
    m = _table(value, where, source)
    _keys(
        m,
        ("name", "value_threshold", "change_threshold", "cross_slice_threshold", "by", "method", "min_group_size")
        + ("class",),
        where,
        source,
    )
    name = m.get("name")
    if not isinstance(name, str) or not name:
        raise _bad(where, 'needs a name, e.g. name = "auc".', source)
    where = f"metrics[{i + 1}] ({name})"
    vt = ct = xt = None
    if "value_threshold" in m:
        vt = _value_threshold(m["value_threshold"], f"{where}.value_threshold", source, gate=True)
    if "cross_slice_threshold" in m:
        xt = _value_threshold(m["cross_slice_threshold"], f"{where}.cross_slice_threshold", source)
    if "change_threshold" in m:
        ct = _change_threshold(m["change_threshold"], f"{where}.change_threshold", source)
    by = _strings(m["by"], f"{where}.by", source) if "by" in m else ()
    method = m.get("method", "between_groups")
    if method not in METHODS:
        raise _bad(f"{where}.method", f'must be "between_groups" or "to_overall", not {method!r}.', source)
    _check_gap(name, by, "method" in m, xt is not None, where, source)
    spec = MetricSpec(name, vt, ct, by, method, xt, _min_group_size(m, by, where, source))
    return replace(spec, cls=_gap_class(m, by, where, source))


def _gap_class(m: dict, by: tuple[str, ...], where: str, source: str) -> str | None:
    """``class = "X"``: a multi-class gap of one class against the rest (checked against the model's classes once
    it is loaded)."""
    if "class" not in m:
        return None
    value = m["class"]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or value == "":
        raise _bad(f"{where}.class", f"must be one of the model's classes (text or a number), not {value!r}.", source)
    if not by:
        raise _bad(f"{where}.class", 'only applies to fairness gaps, which also need by = "FEATURE".', source)
    return str(value)


def _array(data: dict[str, Any], key: str, source: str) -> list[Any]:
    """A top-level array of tables (``[[key]]``), empty when absent."""
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise _bad(key, f"must be an array of tables: write each one as [[{key}]].", source)
    return raw


def _check_cross_slice_needs_specs(metrics: Sequence[MetricSpec], source: str) -> None:
    for i, m in enumerate(metrics):
        if m.cross_slice_threshold is not None:
            raise _bad(
                f"metrics[{i + 1}] ({m.name}).cross_slice_threshold",
                "needs [[cross_slicing_specs]] saying which slices to compare, e.g. baseline_spec = "
                '{ feature_values = { sex = "Male" } } and slicing_specs = '
                '[ { feature_values = { sex = "Female" } } ].',
                source,
            )


def parse_config(data: dict[str, Any], source: str = "config") -> ValidationConfig:
    """Check a parsed TOML document and turn it into a :class:`ValidationConfig` (WitError on any problem)."""
    top = ("threshold", "buckets", "metrics", "slicing_specs", "cross_slicing_specs", "behaviors")
    _keys(data, top, "top level", source)
    threshold, per_model = (None, ()) if "threshold" not in data else _decision_threshold(data["threshold"], source)
    buckets = data.get("buckets", DEFAULT_BUCKETS)
    if isinstance(buckets, bool) or not isinstance(buckets, int) or not 1 <= buckets <= 1000:
        raise _bad("buckets", f"must be a whole number from 1 to 1000, not {buckets!r}.", source)
    metrics = [_metric_spec(m, i, source) for i, m in enumerate(_array(data, "metrics", source))]
    specs = [
        _slicing_spec(s, f"slicing_specs[{i + 1}]", source) for i, s in enumerate(_array(data, "slicing_specs", source))
    ]
    cross_specs = [
        _cross_slicing_spec(c, f"cross_slicing_specs[{i + 1}]", source)
        for i, c in enumerate(_array(data, "cross_slicing_specs", source))
    ]
    if not cross_specs:
        _check_cross_slice_needs_specs(metrics, source)
    behaviors = parse_behaviors(data["behaviors"], source, _slicing_spec) if "behaviors" in data else ()
    return ValidationConfig(
        tuple(metrics), tuple(specs), threshold, buckets, source, tuple(cross_specs), per_model, behaviors
    )


def load_config(path: str | Path) -> ValidationConfig:
    """Read and check a TOML validation config."""
    path = Path(path)
    if not path.exists():
        raise WitError(f"The config file {path} does not exist.", "Check the path given to --config.")
    if path.is_dir():
        raise WitError(f"The config path {path} is a folder, not a file.", "Give the path of the .toml file.")
    check_input_file(path, "config")  # a FIFO or a device would block the read below
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise WitError(f"The config file {path} is not valid TOML: {exc}.", CONFIG_HINT) from exc
    except RecursionError as exc:  # arrays or tables nested thousands deep
        raise WitError(f"The config file {path} is nested too deeply to read.", CONFIG_HINT) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise WitError(f"The config file {path} cannot be read: {exc}.", "Check the file and its permissions.") from exc
    return parse_config(data, source=str(path))


def check_config(config: ValidationConfig, kind: str, columns: Sequence[str], classes: Sequence[Any] = ()) -> None:
    """The config's metrics must exist for this task (``classes``: the model's, for a gap's ``class``) and its
    ``by`` columns in the data (WitError otherwise)."""
    allowed = TASK_METRICS[kind]
    gaps = [g for g in NAMED_GAPS if kind == "binary"]
    for m in config.metrics:
        parsed = parse_gap(m.name)
        if m.is_gap and parsed is not None:
            base, _ = parsed
            ovr = one_vs_rest_gap(f"{config.source}: {m.name}", m.name, m.cls, kind, classes)
            if m.name in NAMED_GAPS and kind != "binary" and not ovr:
                raise WitError(
                    f"{config.source}: {m.name} applies to binary classifiers, but the models are {kind}.",
                    f"Use <metric>_difference / <metric>_ratio with one of: {', '.join(allowed[1:])}.",
                )
            bad = [b for b in base if b not in allowed or b == "example_count"]
            if bad and not ovr:
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
        elif m.name not in (*allowed, *CALIBRATION_CHECKS[kind]):  # ece: a calibration, not a slice metric
            known = {n for names in TASK_METRICS.values() for n in names} | {"ece"}
            what = f"is not a {kind} metric" if m.name in known else "is not a metric wit-tui knows"
            raise WitError(
                f"{config.source}: unknown metric {m.name!r}: it {what}.",
                f"Metrics for {kind} models: {', '.join((*allowed, *CALIBRATION_CHECKS[kind]))}"
                + (
                    f'; fairness gaps (with by = "FEATURE"): {", ".join(gaps)}, <metric>_difference, <metric>_ratio.'
                    if kind == "binary"
                    else '; gaps: <metric>_difference, <metric>_ratio (with by = "FEATURE").'
                ),
            )


__all__ = ["CONFIG_HINT", "check_config", "load_config", "parse_config"]
