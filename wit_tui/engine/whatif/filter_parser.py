"""What an expression like ``age > 40 and sex == "Female"`` means: a tokenizer and parser, never ``eval``.

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
arithmetic) is rejected with one message saying what is not supported.
``filtering`` turns the tree into a row mask.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

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


__all__ = [
    "BoolOp",
    "Col",
    "Compare",
    "Filter",
    "In",
    "IsMissing",
    "Lit",
    "Node",
    "Not",
    "SYNTAX_HINT",
    "Token",
    "Truth",
    "parse_filter",
    "tokenize",
]
