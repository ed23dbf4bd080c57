"""The structure the layers issue promised, checked on the source so it stays true.

Import-linter (run by .ci/run) checks the layers; it cannot see every import a function makes at run time in the
way a cycle needs, and it does not measure sizes. These tests read every module of the package with ``ast``:

- no import cycle among wit_tui modules, counting imports inside functions and under ``TYPE_CHECKING``;
- an import inside a function only defers a heavy import (pandas, sklearn, the engine before the first paint) and
  carries a comment saying so; it never hides a cycle, because the cycle check counts it;
- no module over ~400 lines, class over ~300 lines or function over ~50 lines, unless the file names it at its top
  in a ``# size-exception: <name> — <why>`` comment.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import wit_tui

PACKAGE = Path(wit_tui.__file__).resolve().parent
MAX_MODULE, MAX_CLASS, MAX_FUNCTION = 400, 300, 50
HEAD = 40  # a size exception sits in the first lines of its file


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


@dataclass(frozen=True)
class Import:
    target: str
    line: int
    in_function: bool


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not MODULES[module].name == "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str) -> list[Import]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                out.extend(Import(a.name, child.lineno, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = _resolve(module, child)
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    out.append(Import(sub if sub in MODULES else base, child.lineno, in_function))
            visit(child, inner)

    visit(tree, False)
    return out


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for imp in _imports(module):
            target = imp.target
            while target and target not in MODULES:  # `import wit_tui.a.b.c` names a module, maybe via a parent
                target = target.rpartition(".")[0]
            if target.startswith("wit_tui") and target != module:
                graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_the_package_is_read():
    """Guards the checks below against reading nothing."""
    assert {"wit_tui.engine", "wit_tui.tui.app", "wit_tui.cli.main", "wit_tui.engine.core.errors"} <= set(MODULES)
    assert "wit_tui.engine.core.errors" in _graph()["wit_tui.engine"] or _graph()["wit_tui.engine"]


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_counting_imports_inside_functions():
    assert _cycles(_graph()) == []


def test_every_deferred_import_says_why():
    """An import inside a function has a comment on its line or the line above saying why it is deferred."""
    silent = []
    for module, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for imp in _imports(module):
            if not imp.in_function:
                continue
            here, above = lines[imp.line - 1], lines[imp.line - 2] if imp.line > 1 else ""
            if "#" not in here and not above.strip().startswith("#"):
                silent.append(f"{path.relative_to(PACKAGE.parent)}:{imp.line} {imp.target}")
    assert silent == []


def _exceptions(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines()[:HEAD]:
        text = line.strip()
        if text.startswith("# size-exception:"):
            names.add(text.removeprefix("# size-exception:").split("—")[0].split(" - ")[0].strip())
    return names


def _oversized(path: Path, module: str) -> list[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    allowed = _exceptions(path)
    out = []
    n_lines = len(source.splitlines())
    if n_lines > MAX_MODULE and module.rpartition(".")[2] not in allowed and module not in allowed:
        out.append(f"module {module}: {n_lines} lines")

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                size = (child.end_lineno or child.lineno) - child.lineno + 1
                limit = MAX_CLASS if isinstance(child, ast.ClassDef) else MAX_FUNCTION
                if size > limit and child.name not in allowed and name not in allowed:
                    out.append(f"{module}: {type(child).__name__.replace('Def', '')} {name}: {size} lines")
                visit(child, f"{name}.")

    visit(tree, "")
    return out


def test_size_limits_hold_or_are_named_exceptions():
    too_big = [line for module, path in MODULES.items() for line in _oversized(path, module)]
    assert too_big == [], "\n".join(too_big)


def test_size_check_sees_a_long_function(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f():\n" + "    x = 1\n" * 60)
    assert _oversized(path, "m") == ["m: Function f: 61 lines"]
    path.write_text("# size-exception: f — a search algorithm\n" + path.read_text())
    assert _oversized(path, "m") == []
