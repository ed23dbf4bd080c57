"""What an expression like ``age > 40 and sex == "Female"`` means: a tokenizer and parser, never ``eval``.

User text is never handed to Python (``eval``, ``DataFrame.query``/``eval``):
a small tokenizer and recursive-descent parser accept only

- column names: letters (any alphabet), digits, ``_``, and ``.`` or ``/``
  inside a name; any other name in backticks (`` `my col` > 1 ``, a backtick
  inside one doubled: `` `a``b` ``) — a
  quoted text (``"my col"``) stays a string literal;
- literals: numbers (``40``, ``-1.5``, ``1e3``; at most 40 characters, and
  finite), strings in single or double quotes, ``true``/``false``,
- comparisons ``== != < <= > >=`` (chains like ``18 <= age < 30`` too),
  ``col in [a, b]``, ``col not in [...]``, ``col is missing``,
  ``col is not missing``,
- ``and`` / ``or`` / ``not`` (also ``&`` ``|`` ``~``) and parentheses.

Anything else (function calls, attribute access, ``@variables``,
arithmetic) is rejected with one message saying what is not supported, and so
is a name that is not a column (the nearest column names are offered) and a
comparison of two values with no column in it. Parentheses and ``not`` nest at
most :data:`MAX_DEPTH` deep, so no text can exhaust the stack: whatever the
text, parsing returns a tree or raises a :class:`WitError`.
``filtering`` turns the tree into a row mask.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.whatif.filter_tokens import (
    SYNTAX_HINT,
    Token,
    bad_character,
    bare,
    error,
    some_names,
    spell,
    tokenize,
)

#: how deep parentheses and ``not`` may nest (each level is a few Python frames: far below the stack's limit)
MAX_DEPTH = 64
#: the longest number literal read (a float has 17 significant digits; this leaves room for zeros and exponents)
MAX_NUMBER_CHARS = 40


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


class _Parser:
    def __init__(self, text: str, columns: Collection[str]) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.k = 0
        self.columns = columns
        self.used: list[str] = []
        self.depth = 0  # parentheses and not around the current token

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
            return bad_character(self.text, t.pos)
        found = "the end" if t.kind == "end" else repr(t.text)
        return error(f"{message}, found {found}.", self.text, t.pos)

    def parse(self) -> Node:
        if self.is_("bad"):
            raise self.fail("")
        if self.is_("end"):
            raise error("The expression is empty.", self.text)
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

    def deeper(self) -> None:
        """One more level of parentheses or ``not``: refused past :data:`MAX_DEPTH` (the parser recurses)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise error(
                f"Parentheses and not nest more than {MAX_DEPTH} levels deep.",
                self.text,
                self.tok.pos,
            )

    def not_(self) -> Node:
        if self.is_("keyword", "not") or self.is_("op", "~"):
            self.deeper()
            self.take()
            node = Not(self.not_())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        if self.is_("op", "("):
            self.deeper()
            self.take()
            node = self.or_()
            self.expect("op", ")", "a closing )")
            self.depth -= 1
            return node
        start = self.tok.pos
        left = self.operand()
        if self.is_("op") and self.tok.text in ("==", "!=", "<", "<=", ">", ">="):
            ops, operands = [], [left]
            while self.is_("op") and self.tok.text in ("==", "!=", "<", "<=", ">", ">="):
                ops.append(self.take().text)
                operands.append(self.operand())
            if not any(isinstance(o, Col) for o in operands):
                raise self._no_column(operands, start)
            return Compare(tuple(ops), tuple(operands))
        if self.is_("keyword", "in") or (self.is_("keyword", "not") and self.tokens[self.k + 1].text == "in"):
            negate = self.take().text == "not"
            if negate:
                self.take()
            values = self.list_()
            if not isinstance(left, Col):
                raise self._no_column([left], start)
            return In(left, values, negate)
        if self.is_("keyword", "is"):
            self.take()
            negate = False
            if self.is_("keyword", "not"):
                self.take()
                negate = True
            self.expect("keyword", "missing", "missing after is")
            if not isinstance(left, Col):
                raise error("Only a column can be missing.", self.text)
            return IsMissing(left, negate)
        return Truth(left)

    def list_(self) -> tuple[Any, ...]:
        self.expect("op", "[", "a list such as [1, 2] after in")
        values = []
        if not self.is_("op", "]"):
            while True:
                lit = self.operand()
                if not isinstance(lit, Lit):
                    raise error("A list after in holds values, not columns.", self.text, self.tokens[self.k - 1].pos)
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
            return Lit(-self.number(self.take()))
        if t.kind == "number":
            self.take()
            return Lit(self.number(t))
        if t.kind == "string":
            self.take()
            return Lit(_unquote(t.text))
        if t.kind == "keyword" and t.text in ("true", "false"):
            self.take()
            return Lit(t.text == "true")
        if t.kind == "name":
            self.take()
            if self.is_("op", "("):
                raise error(f"Function calls are not supported ({t.text}(…)).", self.text, self.tok.pos)
            name = t.text
            if name not in self.columns:
                raise error(self._unknown(name), self.text, t.pos)
            if name not in self.used:
                self.used.append(name)
            return Col(name)
        raise self.fail("Expected a column name or a value")

    def number(self, t: Token) -> float | int:
        """A number literal's value: at most :data:`MAX_NUMBER_CHARS` characters and finite (a float's range)."""
        if len(t.text) > MAX_NUMBER_CHARS:
            raise error(f"A number of {len(t.text)} characters is too long (at most {MAX_NUMBER_CHARS}).", "", t.pos)
        if re.fullmatch(r"\d+", t.text):
            whole = int(t.text)
            if abs(whole) <= _LARGEST:
                return whole
        value = float(t.text)
        if not math.isfinite(value):
            raise error(f"The number {t.text} is beyond the largest a float holds (about 1.8e308).", "", t.pos)
        return value

    def _unknown(self, name: str) -> str:
        if ("." in name and (name.split(".", 1)[0] in self.columns or "._" in name)) or name.startswith("__"):
            return "Attribute access and private names are not supported."
        columns = [str(c) for c in self.columns]
        close = difflib.get_close_matches(name, columns, n=3, cutoff=0.6)
        msg = f"There is no column {name!r}."
        if close:
            return msg + f" Did you mean {', '.join(spell(c) for c in close)}?"
        if bare(name):
            msg += ' To compare with text, put it in quotes: "' + name + '".'
        return msg + " Columns: " + some_names(columns) + "."

    def _no_column(self, operands: Sequence[Col | Lit], pos: int) -> WitError:
        """A comparison of values only (``"my col" > 1``) reads no column: it would match all or nothing."""
        columns = [str(c) for c in self.columns]
        for o in operands:
            if isinstance(o, Lit) and isinstance(o.value, str):
                close = [o.value] if o.value in columns else difflib.get_close_matches(o.value, columns, n=1)
                if close:
                    how = "write it without quotes" if bare(close[0]) else "put it in backticks"
                    return error(
                        f"{o.value!r} in quotes is text, not a column; to name the column, {how}: {spell(close[0])}.",
                        self.text,
                        pos,
                    )
        return error("This compares values only, and no column; compare a column with a value.", self.text, pos)


#: the largest whole number kept exact (a larger one becomes a float, whose range :meth:`_Parser.number` checks)
_LARGEST = 2**63


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def parse_filter(text: str, columns: Collection[str]) -> Filter:
    """Parse ``text`` against the known column names; WitError with the reason if it is not valid.

    The grammar is bounded (depth, number sizes), so any other exception is a bug of the parser's: it still
    reaches the user as a filter message, never as a crash of whoever asked."""
    try:
        parser = _Parser(text, columns)
        tree = parser.parse()
    except WitError:
        raise
    except Exception as exc:  # a bad filter must never crash the screen that typed it
        raise WitError(f"Bad filter: the expression could not be read ({type(exc).__name__}).", SYNTAX_HINT) from exc
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
    "MAX_DEPTH",
    "MAX_NUMBER_CHARS",
    "Truth",
    "bare",
    "parse_filter",
    "spell",
    "tokenize",
]
