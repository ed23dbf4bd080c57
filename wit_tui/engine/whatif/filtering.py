"""Which datapoints match a parsed filter: the tree compiled to a boolean numpy mask.

The mask follows pandas' semantics for missing values: a comparison with a
missing value is False except ``!=`` (True), and ``not in`` is True for a
missing value. Text columns compare by category: the comparison runs once per
distinct value and the mask is a lookup by code, so a million rows cost a few
milliseconds. ``filter_parser`` holds the grammar (never ``eval``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.whatif.filter_parser import (
    SYNTAX_HINT,
    BoolOp,
    Col,
    Compare,
    Filter,
    In,
    IsMissing,
    Lit,
    Node,
    Not,
    Truth,
    parse_filter,
)


@dataclass(frozen=True)
class _Numeric:
    values: np.ndarray  # float64, NaN = missing


@dataclass(frozen=True)
class _Coded:
    codes: np.ndarray  # -1 = missing
    uniques: np.ndarray  # object


def _column(series: Any) -> _Numeric | _Coded:
    if isinstance(series, np.ndarray):
        series = pd.Series(series)
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cat = series.array
        return _Coded(np.asarray(cat.codes), np.asarray(cat.categories, dtype=object))
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        return _Numeric(series.to_numpy(dtype=np.float64, na_value=np.nan))
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return _Coded(np.asarray(codes), np.asarray(uniques, dtype=object))


_NUM_OPS = {
    "==": np.equal,
    "!=": np.not_equal,
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}


def _with_missing(uniques: np.ndarray) -> np.ndarray:
    """The uniques plus a trailing None, so that code -1 (missing) looks up None."""
    return np.append(uniques, np.array([None], dtype=object))


def _py_compare(op: str, a: Any, b: Any) -> bool:
    try:
        return (
            bool({"==": a == b, "!=": a != b}[op])
            if op in ("==", "!=")
            else bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])
        )
    except TypeError:
        return op == "!="


class _Evaluator:
    def __init__(self, source: Mapping[str, Any], n: int) -> None:
        self.source = source
        self.n = n
        self.cache: dict[str, _Numeric | _Coded] = {}

    def col(self, name: str) -> _Numeric | _Coded:
        got = self.cache.get(name)
        if got is None:
            got = self.cache[name] = _column(self.source[name])
        return got

    def run(self, node: Node) -> np.ndarray:
        if isinstance(node, BoolOp):
            out = self.run(node.items[0]).copy()
            for item in node.items[1:]:
                (np.logical_and if node.op == "and" else np.logical_or)(out, self.run(item), out=out)
            return out
        if isinstance(node, Not):
            return ~self.run(node.item)
        if isinstance(node, Compare):
            out = self.compare(node.ops[0], node.operands[0], node.operands[1])
            for k in range(1, len(node.ops)):
                out = out & self.compare(node.ops[k], node.operands[k], node.operands[k + 1])
            return out
        if isinstance(node, In):
            return self.isin(node)
        if isinstance(node, IsMissing):
            c = self.col(node.operand.name)
            miss = np.isnan(c.values) if isinstance(c, _Numeric) else c.codes < 0
            return ~miss if node.negate else miss
        if isinstance(node, Truth):
            return self.truth(node.operand)
        raise AssertionError(node)  # pragma: no cover

    def const(self, value: bool) -> np.ndarray:
        return np.full(self.n, bool(value))

    def truth(self, operand: Col | Lit) -> np.ndarray:
        if isinstance(operand, Lit):
            if isinstance(operand.value, bool):
                return self.const(operand.value)
            raise WitError(f"Bad filter: {operand.value!r} alone is not a condition.", SYNTAX_HINT)
        c = self.col(operand.name)
        if isinstance(c, _Coded) and all(isinstance(u, (bool, np.bool_)) for u in c.uniques):
            lut = np.array([bool(u) for u in c.uniques] + [False])
            return lut[c.codes]
        raise WitError(
            f"Bad filter: {operand.name} alone is not a condition; compare it, e.g. {operand.name} == …", SYNTAX_HINT
        )

    def compare(self, op: str, a: Col | Lit, b: Col | Lit) -> np.ndarray:
        if isinstance(a, Lit) and isinstance(b, Lit):
            return self.const(_py_compare(op, a.value, b.value))
        if isinstance(a, Lit):  # literal on the left: flip
            flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
            return self.compare(flipped, b, a)
        ca = self.col(a.name)
        if isinstance(b, Col):
            cb = self.col(b.name)
            if isinstance(ca, _Numeric) and isinstance(cb, _Numeric):
                with np.errstate(invalid="ignore"):
                    return _NUM_OPS[op](ca.values, cb.values)
            if isinstance(ca, _Coded) and isinstance(cb, _Coded) and op in ("==", "!="):
                va = _with_missing(ca.uniques)[ca.codes]
                vb = _with_missing(cb.uniques)[cb.codes]
                eq = np.array(
                    [x is not None and y is not None and x == y for x, y in zip(va, vb, strict=True)], dtype=bool
                )
                return eq if op == "==" else ~eq
            raise WitError(
                f"Bad filter: {a.name} and {b.name} cannot be compared with {op}.",
                "Compare numbers with numbers, or text columns with == / !=.",
            )
        value = b.value
        if isinstance(ca, _Numeric):
            if isinstance(value, str):
                raise WitError(
                    f"Bad filter: {a.name} is numeric; compare it with a number, not {value!r}.", SYNTAX_HINT
                )
            with np.errstate(invalid="ignore"):
                return _NUM_OPS[op](ca.values, float(value))
        if op not in ("==", "!="):
            raise WitError(
                f"Bad filter: {a.name} holds categories; only ==, !=, in and is missing apply to it.", SYNTAX_HINT
            )
        if not isinstance(value, str) and ca.uniques.size and all(isinstance(u, str) for u in ca.uniques):
            raise WitError(
                f'Bad filter: {a.name} holds text; put the value in quotes: {a.name} {op} "{value}".', SYNTAX_HINT
            )
        lut = np.array([_py_compare("==", u, value) for u in ca.uniques] + [False], dtype=bool)
        eq = lut[ca.codes]
        return eq if op == "==" else ~eq

    def isin(self, node: In) -> np.ndarray:
        if isinstance(node.operand, Lit):
            return self.const((node.operand.value in node.values) != node.negate)
        c = self.col(node.operand.name)
        if isinstance(c, _Numeric):
            if any(isinstance(v, str) for v in node.values):
                raise WitError(f"Bad filter: {node.operand.name} is numeric; list numbers after in.", SYNTAX_HINT)
            nums = np.array([float(v) for v in node.values], dtype=np.float64)
            hit = np.isin(c.values, nums)
        else:
            wanted = list(node.values)
            lut = np.array([any(_py_compare("==", u, v) for v in wanted) for u in c.uniques] + [False], dtype=bool)
            hit = lut[c.codes]
        return ~hit if node.negate else hit


def filter_mask(flt: Filter, source: Mapping[str, Any], n: int | None = None) -> np.ndarray:
    """The rows of ``source`` (a DataFrame or a mapping name -> Series/array) that match ``flt``."""
    if n is None:
        n = len(source) if isinstance(source, pd.DataFrame) else (len(next(iter(source.values()))) if source else 0)
    try:
        mask = _Evaluator(source, n).run(flt.tree)
    except WitError:
        raise
    except Exception as exc:  # a filter that cannot be evaluated is a message, never a crash of the screen
        raise WitError(
            f"Bad filter: {flt.text!r} could not be evaluated on the data ({type(exc).__name__}: {exc}).", SYNTAX_HINT
        ) from exc
    return np.asarray(mask, dtype=bool)


def evaluate(text: str, frame: pd.DataFrame, extra: Mapping[str, Any] | None = None) -> np.ndarray:
    """Parse and evaluate in one go: the boolean mask of ``frame``'s rows matching ``text``."""
    source: dict[str, Any] = {c: frame[c] for c in frame.columns}
    if extra:
        source.update(extra)
    flt = parse_filter(text, source.keys())
    return filter_mask(flt, source, len(frame))


__all__ = ["evaluate", "filter_mask"]
