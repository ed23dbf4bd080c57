"""Which datapoints match an expression like ``age > 40 and sex == "Female"``: a parser, never ``eval``.

User text is never handed to Python (``eval``, ``DataFrame.query``/``eval``):
a small tokenizer and recursive-descent parser accept only

- column names (letters, digits, ``_``, and ``.`` or ``/`` inside a name),
- literals: numbers (``40``, ``-1.5``, ``1e3``), strings in single or double
  quotes, ``true``/``false``,
- comparisons ``== != < <= > >=`` (chains like ``18 <= age < 30`` too),
  ``col in [a, b]``, ``col not in [...]``, ``col is missing``,
  ``col is not missing``,
- ``and`` / ``or`` / ``not`` (also ``&`` ``|`` ``~``) and parentheses.

Anything else (function calls, attribute access, ``@variables``, backticks,
arithmetic) is rejected with one message saying what is not supported. The
tree compiles to a boolean numpy mask with pandas' semantics for missing
values: a comparison with a missing value is False except ``!=`` (True), and
``not in`` is True for a missing value. Text columns compare by category:
the comparison runs once per distinct value and the mask is a lookup by code,
so a million rows cost a few milliseconds.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.core.errors import WitError

SYNTAX_HINT = 'Write conditions like  age > 40 and sex == "Female",  x in ["a", "b"],  not (y <= 3),  z is missing.'

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_./]*)
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|&|\||~|-)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "is", "missing", "true", "false"}
_FORBIDDEN = {
    "@": "@variables are not supported; write the value itself.",
    "`": "Backticks are not supported; write the column name as it is.",
    "=": "A single = is not a comparison; use ==.",
    "+": "Arithmetic is not supported; compare a column with a value.",
    "*": "Arithmetic is not supported; compare a column with a value.",
    "%": "Arithmetic is not supported; compare a column with a value.",
    ";": "Only one expression is allowed.",
    ":": "Slices and lambdas are not supported.",
    "{": "Sets and dicts are not supported; use [a, b] with in.",
}


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, name, keyword, op, end
    text: str
    pos: int


# -- the tree -----------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    name: str


@dataclass(frozen=True)
class Lit:
    value: Any


@dataclass(frozen=True)
class Compare:
    ops: tuple[str, ...]
    operands: tuple[Col | Lit, ...]


@dataclass(frozen=True)
class In:
    operand: Col | Lit
    values: tuple[Any, ...]
    negate: bool


@dataclass(frozen=True)
class IsMissing:
    operand: Col
    negate: bool


@dataclass(frozen=True)
class Truth:
    operand: Col | Lit


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    items: tuple[Node, ...]


Node = Compare | In | IsMissing | Truth | Not | BoolOp


@dataclass(frozen=True)
class Filter:
    """A parsed expression: its text, tree and the columns it reads."""

    text: str
    tree: Node
    columns: tuple[str, ...]


def _error(message: str, text: str, pos: int | None = None) -> WitError:
    where = f" (at character {pos + 1})" if pos is not None else ""
    return WitError(f"Bad filter{where}: {message}", SYNTAX_HINT)


def _bad_character(text: str, pos: int) -> WitError:
    ch = text[pos]
    if ch in _FORBIDDEN:
        return _error(_FORBIDDEN[ch], text, pos)
    if ch == "/":
        return _error("Arithmetic is not supported; compare a column with a value.", text, pos)
    if ch == ".":
        return _error("Attribute access is not supported.", text, pos)
    if ch in "\"'":
        return _error("A string is not closed; end it with the same quote.", text, pos)
    return _error(f"Unexpected character {ch!r}.", text, pos)


def tokenize(text: str) -> list[Token]:
    """Tokens up to the first character that cannot start one (a ``bad`` token: the parser reports it in order)."""
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            out.append(Token("bad", text[pos], pos))
            break
        kind = m.lastgroup or ""
        if kind != "ws":
            value = m.group()
            if kind == "name" and value.lower() in _KEYWORDS:
                kind, value = "keyword", value.lower()
            out.append(Token(kind, value, pos))
        pos = m.end()
    out.append(Token("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str, columns: Collection[str]) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.k = 0
        self.columns = columns
        self.used: list[str] = []

    @property
    def tok(self) -> Token:
        return self.tokens[self.k]

    def take(self) -> Token:
        t = self.tokens[self.k]
        self.k += 1
        return t

    def is_(self, kind: str, text: str | None = None) -> bool:
        return self.tok.kind == kind and (text is None or self.tok.text == text)

    def expect(self, kind: str, text: str, what: str) -> Token:
        if not self.is_(kind, text):
            raise self.fail(f"Expected {what}")
        return self.take()

    def fail(self, message: str) -> WitError:
        t = self.tok
        if t.kind == "bad":
            return _bad_character(self.text, t.pos)
        found = "the end" if t.kind == "end" else repr(t.text)
        return _error(f"{message}, found {found}.", self.text, t.pos)

    def parse(self) -> Node:
        if self.is_("bad"):
            raise self.fail("")
        if self.is_("end"):
            raise _error("The expression is empty.", self.text)
        node = self.or_()
        if not self.is_("end"):
            if self.is_("name") or self.is_("number") or self.is_("string"):
                raise self.fail("Expected and / or between conditions")
            raise self.fail("Unexpected text after the expression")
        return node

    def or_(self) -> Node:
        items = [self.and_()]
        while self.is_("keyword", "or") or self.is_("op", "|"):
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else BoolOp("or", tuple(items))

    def and_(self) -> Node:
        items = [self.not_()]
        while self.is_("keyword", "and") or self.is_("op", "&"):
            self.take()
            items.append(self.not_())
        return items[0] if len(items) == 1 else BoolOp("and", tuple(items))

    def not_(self) -> Node:
        if self.is_("keyword", "not") or self.is_("op", "~"):
            self.take()
            return Not(self.not_())
        return self.atom()

    def atom(self) -> Node:
        if self.is_("op", "("):
            self.take()
            node = self.or_()
            self.expect("op", ")", "a closing )")
            return node
        left = self.operand()
        if self.is_("op") and self.tok.text in ("==", "!=", "<", "<=", ">", ">="):
            ops, operands = [], [left]
            while self.is_("op") and self.tok.text in ("==", "!=", "<", "<=", ">", ">="):
                ops.append(self.take().text)
                operands.append(self.operand())
            return Compare(tuple(ops), tuple(operands))
        if self.is_("keyword", "in") or (self.is_("keyword", "not") and self.tokens[self.k + 1].text == "in"):
            negate = self.take().text == "not"
            if negate:
                self.take()
            return In(left, self.list_(), negate)
        if self.is_("keyword", "is"):
            self.take()
            negate = False
            if self.is_("keyword", "not"):
                self.take()
                negate = True
            self.expect("keyword", "missing", "missing after is")
            if not isinstance(left, Col):
                raise _error("Only a column can be missing.", self.text)
            return IsMissing(left, negate)
        return Truth(left)

    def list_(self) -> tuple[Any, ...]:
        self.expect("op", "[", "a list such as [1, 2] after in")
        values = []
        if not self.is_("op", "]"):
            while True:
                lit = self.operand()
                if not isinstance(lit, Lit):
                    raise _error("A list after in holds values, not columns.", self.text, self.tokens[self.k - 1].pos)
                values.append(lit.value)
                if self.is_("op", ","):
                    self.take()
                    continue
                break
        self.expect("op", "]", "a closing ]")
        return tuple(values)

    def operand(self) -> Col | Lit:
        t = self.tok
        if t.kind == "op" and t.text == "-":
            self.take()
            if not self.is_("number"):
                raise self.fail("Expected a number after -")
            return Lit(-_number(self.take().text))
        if t.kind == "number":
            self.take()
            return Lit(_number(t.text))
        if t.kind == "string":
            self.take()
            return Lit(_unquote(t.text))
        if t.kind == "keyword" and t.text in ("true", "false"):
            self.take()
            return Lit(t.text == "true")
        if t.kind == "name":
            self.take()
            if self.is_("op", "("):
                raise _error(f"Function calls are not supported ({t.text}(…)).", self.text, self.tok.pos)
            name = t.text
            if name not in self.columns:
                raise _error(self._unknown(name), self.text, t.pos)
            if name not in self.used:
                self.used.append(name)
            return Col(name)
        raise self.fail("Expected a column name or a value")

    def _unknown(self, name: str) -> str:
        if ("." in name and (name.split(".", 1)[0] in self.columns or "._" in name)) or name.startswith("__"):
            return "Attribute access and private names are not supported."
        close = difflib.get_close_matches(name, [str(c) for c in self.columns], n=3, cutoff=0.6)
        msg = f"There is no column {name!r}."
        if close:
            msg += f" Did you mean {', '.join(close)}?"
        else:
            msg += ' To compare with text, put it in quotes: "' + name + '".'
        return msg


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if re.fullmatch(r"\d+", text) else value


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def parse_filter(text: str, columns: Collection[str]) -> Filter:
    """Parse ``text`` against the known column names; WitError with the reason if it is not valid."""
    parser = _Parser(text, columns)
    tree = parser.parse()
    return Filter(text.strip(), tree, tuple(parser.used))


# -- evaluation ---------------------------------------------------------------
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
            out = None
            for k, op in enumerate(node.ops):
                m = self.compare(op, node.operands[k], node.operands[k + 1])
                out = m if out is None else out & m
            return out  # type: ignore[return-value]
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
                va = np.append(ca.uniques, None)[ca.codes]
                vb = np.append(cb.uniques, None)[cb.codes]
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
    mask = _Evaluator(source, n).run(flt.tree)
    return np.asarray(mask, dtype=bool)


def evaluate(text: str, frame: pd.DataFrame, extra: Mapping[str, Any] | None = None) -> np.ndarray:
    """Parse and evaluate in one go: the boolean mask of ``frame``'s rows matching ``text``."""
    source: dict[str, Any] = {c: frame[c] for c in frame.columns}
    if extra:
        source.update(extra)
    flt = parse_filter(text, source.keys())
    return filter_mask(flt, source, len(frame))


__all__ = ["Filter", "SYNTAX_HINT", "evaluate", "filter_mask", "parse_filter", "tokenize"]
