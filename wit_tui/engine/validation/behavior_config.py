"""Reading ``[[behaviors]]`` of a ``validate`` config into :class:`BehaviorSpec` values, and checking them against
the loaded data (features, values, predicates, cases files) so a bad test is exit 2 naming its key, never a crash
halfway through a run."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.predicate_slices import predicate_mask
from wit_tui.engine.session.session import Session
from wit_tui.engine.validation.behavior_spec import (
    EXPECTATIONS,
    KINDS,
    PERTURBATIONS,
    BehaviorChange,
    BehaviorSpec,
    Perturbation,
)
from wit_tui.engine.validation.specs import SlicingSpec, check_keys

HINT = "See the README's section on `wit-tui validate` ([[behaviors]]) for the format."
KEYS = (
    "name",
    "kind",
    "perturb",
    "where",
    "max_flip_rate",
    "max_score_change",
    "max_fail_rate",
    "expect",
    "tolerance",
    "cases",
    "min_pass_rate",
    "sample",
    "seed",
    "class",
    "slicing_specs",
    "change_threshold",
)
#: the column of a cases file that holds each case's expected class or score range
EXPECTED = "expected"

SpecParser = Callable[[Any, str, str], SlicingSpec]


def _bad(where: str, what: str, source: str) -> WitError:
    return WitError(f"{source}: {where}: {what}", HINT)


def _keys(table: dict, allowed: Sequence[str], where: str, source: str) -> None:
    check_keys(table, allowed, where, source, HINT)


def _num(value: Any, where: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(where, f"must be a finite number, not {value!r}.", source)
    return float(value)


def _rate(b: dict, key: str, where: str, source: str) -> float | None:
    """A rate bound (a share of rows), from 0 to 1."""
    if key not in b:
        return None
    x = _num(b[key], f"{where}.{key}", source)
    if not 0.0 <= x <= 1.0:
        raise _bad(f"{where}.{key}", f"must be a share of rows from 0 to 1, not {x:g}.", source)
    return x


def _whole(b: dict, key: str, where: str, source: str, low: int) -> int | None:
    if key not in b:
        return None
    n = b[key]
    if isinstance(n, bool) or not isinstance(n, int) or n < low:
        raise _bad(f"{where}.{key}", f"must be a whole number, at least {low}, not {n!r}.", source)
    return n


def _names(value: Any, where: str, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise _bad(where, f'must be a list of feature names, e.g. ["race"], not {value!r}.', source)
    return tuple(value)


def _per_feature(value: Any, where: str, source: str) -> dict:
    if not isinstance(value, dict) or not value:
        raise _bad(where, f"must be a table of features, e.g. {{ age = 5 }}, not {value!r}.", source)
    return value


def _perturbation(value: Any, where: str, source: str) -> Perturbation:
    """``{ set = {...} }``, ``{ shift = {...} }``, ``{ scale = {...} }``, ``{ swap = [a, b] }`` or
    ``{ resample = [...] }``: exactly one of them."""
    if not isinstance(value, dict) or len(value) != 1:
        raise _bad(where, f"must be one of {{ {' | '.join(PERTURBATIONS)} = ... }}, not {value!r}.", source)
    _keys(value, PERTURBATIONS, where, source)
    ((kind, body),) = value.items()
    at = f"{where}.{kind}"
    if kind == "set":
        values = []
        for f, v in _per_feature(body, at, source).items():
            vs = v if isinstance(v, list) else [v]
            if not vs or any(isinstance(x, (dict, list)) or isinstance(x, bool) for x in vs):
                raise _bad(f"{at}.{f}", f"must be a value or a list of values, not {v!r}.", source)
            values.append((str(f), tuple(vs)))
        return Perturbation("set", values=tuple(values))
    if kind in ("shift", "scale"):
        amounts = tuple((str(f), _num(a, f"{at}.{f}", source)) for f, a in _per_feature(body, at, source).items())
        return Perturbation(kind, amounts=amounts)
    features = _names(body, at, source)
    if kind == "swap" and (len(features) != 2 or features[0] == features[1]):
        raise _bad(at, f'must name two different features, e.g. ["a", "b"], not {body!r}.', source)
    return Perturbation(kind, features=features)  # kind is swap or resample here


def _kind_rules(b: dict, kind: str, where: str, source: str) -> dict[str, Any]:
    """What each kind needs (and refuses): the gate of its rate."""
    out: dict[str, Any] = {}
    needs_perturb = kind != "cases"
    if needs_perturb != ("perturb" in b):
        what = (
            "needs a perturb table, e.g. perturb = { shift = { age = 5 } }." if needs_perturb else "takes no perturb."
        )
        raise _bad(where, what, source)
    if kind == "invariance":
        if "max_flip_rate" not in b and "max_score_change" not in b:
            raise _bad(where, "needs max_flip_rate and/or max_score_change (with max_fail_rate).", source)
        if "max_score_change" in b:
            out["max_score_change"] = _num(b["max_score_change"], f"{where}.max_score_change", source)
            if out["max_score_change"] < 0:
                raise _bad(f"{where}.max_score_change", "must be at least 0.", source)
    if kind == "directional":
        expect = b.get("expect")
        if expect not in EXPECTATIONS:
            raise _bad(
                f"{where}.expect", f"must be one of {', '.join(map(repr, EXPECTATIONS))}, not {expect!r}.", source
            )
        out["expect"] = expect
        out["tolerance"] = abs(_num(b.get("tolerance", 0.0), f"{where}.tolerance", source))
    if kind == "cases":
        if not isinstance(b.get("cases"), str) or not b["cases"].strip():
            raise _bad(f"{where}.cases", 'needs the path of a CSV file of cases, e.g. "cases/approvals.csv".', source)
        folder = Path(source).parent if source != "config" else Path(".")
        out["cases"] = str(folder / b["cases"])
    wrong = {"invariance": ("expect", "tolerance", "cases", "min_pass_rate"), "cases": ("max_flip_rate",)}
    wrong["directional"] = ("max_flip_rate", "max_score_change", "cases", "min_pass_rate")
    wrong["cases"] += ("max_score_change", "max_fail_rate", "expect", "tolerance", "where", "sample")
    for k in wrong[kind]:
        if k in b:
            raise _bad(f"{where}.{k}", f"does not apply to a {kind} test.", source)
    return out


def _change(b: dict, where: str, source: str) -> BehaviorChange | None:
    if "change_threshold" not in b:
        return None
    t = b["change_threshold"]
    at = f"{where}.change_threshold"
    if not isinstance(t, dict) or "absolute" not in t:
        raise _bad(at, f"must be a table such as {{ absolute = 0.005 }}, not {t!r}.", source)
    _keys(t, ("absolute",), at, source)
    return BehaviorChange(_num(t["absolute"], f"{at}.absolute", source))


def _behavior(value: Any, i: int, source: str, slicing_spec: SpecParser) -> BehaviorSpec:
    where = f"behaviors[{i + 1}]"
    if not isinstance(value, dict):
        raise _bad(where, "must be a table: write each test as [[behaviors]].", source)
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _bad(where, 'needs a name, e.g. name = "sex does not decide".', source)
    where = f"behaviors[{i + 1}] ({name})"
    _keys(value, KEYS, where, source)
    kind = value.get("kind")
    if kind not in KINDS:
        raise _bad(f"{where}.kind", f"must be one of {', '.join(map(repr, KINDS))}, not {kind!r}.", source)
    rules = _kind_rules(value, kind, where, source)
    pred = value.get("where")
    if pred is not None and (not isinstance(pred, str) or not pred.strip()):
        raise _bad(f"{where}.where", f'must be a filter expression, e.g. "age >= 25", not {pred!r}.', source)
    cls = value.get("class")
    if cls is not None and (isinstance(cls, bool) or not isinstance(cls, (str, int, float)) or cls == ""):
        raise _bad(f"{where}.class", f"must be one of the model's classes, not {cls!r}.", source)
    raw_specs = value.get("slicing_specs", [])
    if not isinstance(raw_specs, list):
        raise _bad(
            f"{where}.slicing_specs", 'must be a list of slicing specs, e.g. [ { feature_keys = ["race"] } ].', source
        )
    specs = tuple(slicing_spec(s, f"{where}.slicing_specs[{j + 1}]", source) for j, s in enumerate(raw_specs))
    max_fail = _rate(value, "max_fail_rate", where, source)
    if kind == "invariance" and "max_score_change" in rules and max_fail is None:
        raise _bad(where, "max_score_change needs max_fail_rate: the share of rows allowed to move that much.", source)
    return BehaviorSpec(
        name=name.strip(),
        kind=kind,
        perturb=None if kind == "cases" else _perturbation(value["perturb"], f"{where}.perturb", source),
        where=None if pred is None else pred.strip(),
        max_flip_rate=_rate(value, "max_flip_rate", where, source),
        max_score_change=rules.get("max_score_change"),
        max_fail_rate=(0.0 if max_fail is None and kind == "directional" else max_fail),
        expect=rules.get("expect"),
        tolerance=rules.get("tolerance", 0.0),
        cases=rules.get("cases"),
        min_pass_rate=(
            1.0 if kind == "cases" and "min_pass_rate" not in value else _rate(value, "min_pass_rate", where, source)
        ),
        sample=_whole(value, "sample", where, source, 1),
        seed=_whole(value, "seed", where, source, 0) or 0,
        cls=None if cls is None else str(cls),
        slicing_specs=specs,
        change=_change(value, where, source),
    )


def parse_behaviors(raw: Any, source: str, slicing_spec: SpecParser) -> tuple[BehaviorSpec, ...]:
    """The ``behaviors`` array of a config (``slicing_spec``: config.py's parser of one slicing spec)."""
    if not isinstance(raw, list):
        raise _bad("behaviors", "must be an array of tables: write each test as [[behaviors]].", source)
    specs = tuple(_behavior(b, i, source, slicing_spec) for i, b in enumerate(raw))
    names = [s.name for s in specs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise _bad("behaviors", f"two tests are named {twice[0]!r}; give each test its own name.", source)
    return specs


# ---------------------------------------------------------------------------
# against the loaded data
# ---------------------------------------------------------------------------


def _label(spec: BehaviorSpec, i: int, source: str) -> str:
    return f"{source}: behaviors[{i + 1}] ({spec.name})"


def _check_feature(data: pd.DataFrame, f: str, at: str, session: Session) -> None:
    if f not in data.columns or f == session.label:
        raise WitError(f"{at}: {f!r} is not a feature of the data.", f"Features: {', '.join(session.features[:30])}.")


def _check_perturb(spec: BehaviorSpec, at: str, session: Session) -> None:
    p, data = spec.perturb, session.data
    assert p is not None, "invariance and directional tests have a perturbation"
    at = f"{at}.perturb.{p.kind}"
    for f in [f for f, _ in p.values] + [f for f, _ in p.amounts] + list(p.features):
        _check_feature(data, f, f"{at}.{f}" if p.kind in ("set", "shift", "scale") else at, session)
    for f, _ in p.amounts:
        if not is_numeric(data[f]):
            raise WitError(f"{at}.{f}: {f} is categorical; a {p.kind} applies to numeric features.", "Use set instead.")
    for f, values in p.values:
        col = data[f]
        if is_numeric(col):
            bad = [v for v in values if isinstance(v, str)]
            if bad:
                raise WitError(f"{at}.{f}: {f} is numeric, so {bad[0]!r} cannot be one of its values.", "Give numbers.")
            continue
        seen = {str(v) for v in col.dropna().unique()}
        unseen = [v for v in values if str(v) not in seen]
        if unseen:
            raise WitError(
                f"{at}.{f}: {unseen[0]!r} is not a value of {f} in the data.",
                f"Values of {f}: {', '.join(sorted(seen)[:20])}.",
            )
    if p.kind == "swap" and is_numeric(data[p.features[0]]) != is_numeric(data[p.features[1]]):
        raise WitError(f"{at}: {p.features[0]} and {p.features[1]} are not both numeric or both categorical.", HINT)


def _check_cases(spec: BehaviorSpec, at: str, session: Session) -> None:
    assert spec.cases is not None, "a cases test names its file"
    path = Path(spec.cases)
    if not path.is_file():
        raise WitError(
            f"{at}.cases: the cases file {path} does not exist.", "The path is relative to the config's folder."
        )
    try:
        head = pd.read_csv(path, nrows=0)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise WitError(
            f"{at}.cases: {path} cannot be read as CSV: {exc}.", "Give a CSV file with a header row."
        ) from None
    needed = list(dict.fromkeys(c for cols in session.model_columns for c in cols)) + [EXPECTED]
    missing = [c for c in needed if c not in head.columns]
    if missing:
        raise WitError(
            f"{at}.cases: {path} lacks columns the models need: {', '.join(missing)}.",
            f"A cases file has every model input column and an {EXPECTED!r} column (a class or a range [0.7, 1.0]).",
        )


def check_behaviors(behaviors: Sequence[BehaviorSpec], session: Session, source: str) -> None:
    """Each test against the data and the models (WitError naming the test's key)."""
    kind = session.task.kind
    for i, spec in enumerate(behaviors):
        at = _label(spec, i, source)
        if kind == "regression":
            raise WitError(f"{at}: behaviour tests need a classifier, but the models are regressors.", HINT)
        if spec.where is not None:
            try:
                predicate_mask(session.data, spec.where)
            except WitError as exc:
                raise WitError(f"{at}.where: {exc.message}", exc.hint) from None
        if spec.cls is not None and spec.cls not in {str(c) for c in session.task.classes}:
            raise WitError(
                f"{at}.class: {spec.cls!r} is not one of the model's classes.",
                f"Classes: {', '.join(map(str, session.task.classes))}.",
            )
        if spec.kind == "directional" and kind == "multiclass" and spec.cls is None:
            raise WitError(
                f'{at}.class: a multi-class directional test needs class = "X": whose probability moves.', HINT
            )
        if spec.kind == "cases":
            _check_cases(spec, at, session)
        else:
            _check_perturb(spec, at, session)


__all__ = ["EXPECTED", "check_behaviors", "parse_behaviors"]
