"""docs/bad-input.md is complete: every row names tests that exist, every test it names is marked
``@pytest.mark.bad_input``, and every test so marked is named in a row."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "bad-input.md"
REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _is_bad_input_marker(node: ast.expr) -> bool:
    """``pytest.mark.bad_input``, or a module-level alias of it such as ``bad_input``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "bad_input"
    return isinstance(node, ast.Name) and node.id == "bad_input"


def marked_tests() -> set[tuple[str, str]]:
    found = set()
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                if any(_is_bad_input_marker(d) for d in node.decorator_list):
                    found.add((path.relative_to(ROOT).as_posix(), node.name))
    return found


def table_rows() -> list[tuple[str, set[tuple[str, str]]]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| case") or line.startswith("|---"):
            continue
        rows.append((line.split("|")[1].strip(), set(REF.findall(line))))
    return rows


def test_every_row_names_a_test():
    rows = table_rows()
    assert len(rows) >= 40
    empty = [case for case, refs in rows if not refs]
    assert not empty, f"rows without a test: {empty}"


def test_every_named_test_exists_and_is_marked():
    named = set().union(*(refs for _, refs in table_rows()))
    marked = marked_tests()
    assert named - marked == set(), "named in docs/bad-input.md but missing or not marked @pytest.mark.bad_input"


def test_every_marked_test_has_a_row():
    named = set().union(*(refs for _, refs in table_rows()))
    assert marked_tests() - named == set(), "marked @pytest.mark.bad_input but not named in docs/bad-input.md"
