"""What are the words of a filter expression? Tokens, and how a column name is written so it reads back as one.

A bare name is letters (any alphabet), digits, ``_``, and ``.`` or ``/`` inside it; any other name is written in
backticks, a backtick inside doubled (`` `my col` ``, `` `a``b` ``). A character no token starts with ends the
tokens as a ``bad`` one, which the parser reports in its place (``filter_parser``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wit_tui.engine.core.errors import WitError

SYNTAX_HINT = (
    'Write conditions like  age > 40 and sex == "Female",  x in ["a", "b"],  not (y <= 3),  z is missing;'
    "  a column name with spaces or symbols in backticks: `my col` > 1."
)

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<quoted>`(?:[^`]|``)*`)
  | (?P<name>[^\W\d][\w./]*)
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|&|\||~|-)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "is", "missing", "true", "false"}
_FORBIDDEN = {
    "@": "@variables are not supported; write the value itself.",
    "`": "A column name in backticks is not closed; end it with a backtick (a backtick inside a name is doubled).",
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
    kind: str  # number, string, name, keyword, op, end, bad
    text: str  # a backticked name: the name itself (doubled backticks undone)
    pos: int


def error(message: str, text: str, pos: int | None = None) -> WitError:
    where = f" (at character {pos + 1})" if pos is not None else ""
    return WitError(f"Bad filter{where}: {message}", SYNTAX_HINT)


def bad_character(text: str, pos: int) -> WitError:
    ch = text[pos]
    if text.startswith("``", pos):
        return error("A column name in backticks is empty.", text, pos)
    if ch in _FORBIDDEN:
        return error(_FORBIDDEN[ch], text, pos)
    if ch == "/":
        return error("Arithmetic is not supported; compare a column with a value.", text, pos)
    if ch == ".":
        return error("Attribute access is not supported.", text, pos)
    if ch in "\"'":
        return error("A string is not closed; end it with the same quote.", text, pos)
    return error(f"Unexpected character {ch!r}.", text, pos)


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
            if kind == "quoted":  # a name in backticks is a name, even "and" or "my col"
                kind, value = "name", value[1:-1].replace("``", "`")
                if not value:
                    out.append(Token("bad", "``", pos))
                    break
            elif kind == "name" and value.lower() in _KEYWORDS:
                kind, value = "keyword", value.lower()
            out.append(Token(kind, value, pos))
        pos = m.end()
    out.append(Token("end", "", len(text)))
    return out


def bare(name: str) -> bool:
    """Whether ``name`` can be written in a filter as it is (else it needs backticks)."""
    toks = tokenize(name)
    return len(toks) == 2 and toks[0].kind == "name" and toks[0].text == name and not name.startswith("`")


def spell(name: str) -> str:
    """``name`` as a filter writes it: as it is, or in backticks (a backtick inside doubled)."""
    return name if bare(name) else "`" + name.replace("`", "``") + "`"


def literal(value: Any) -> str:
    """``value`` as a filter writes it: true/false, a number, or text in double quotes (escaped)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def value_filter(column: str, value: Any, below: float | None = None) -> str:
    """The filter that keeps the rows where ``column`` is ``value`` (None: missing), or from ``value`` up to
    ``below`` (excluded) when ``below`` is given."""
    name = spell(column)
    if value is None:
        return f"{name} is missing"
    if below is not None:
        return f"{name} >= {literal(value)} and {name} < {literal(below)}"
    return f"{name} == {literal(value)}"


def some_names(columns: Sequence[str], limit: int = 8) -> str:
    return ", ".join(spell(c) for c in columns[:limit]) + (", …" if len(columns) > limit else "")


__all__ = [
    "SYNTAX_HINT",
    "Token",
    "bad_character",
    "bare",
    "error",
    "literal",
    "some_names",
    "spell",
    "tokenize",
    "value_filter",
]
