"""The shape of the code, kept by tests: functions short and simple (or saying why not), no import
cycle between modules, and readers that know formats and cells, not project fields."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "gpscli"
MAX_LINES, MAX_COMPLEXITY = 80, 25
WHY = "# long:"  # a function past the limits says why in a comment starting so, inside it


def _modules() -> dict[str, ast.Module]:
    out = {}
    for p in sorted(SRC.rglob("*.py")):
        rel = p.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        out[name] = ast.parse(p.read_text(encoding="utf-8"), str(p))
    return out


def _complexity(fn: ast.AST) -> int:
    """McCabe's number: one, plus one per decision (branch, loop, boolean operand, handler, comprehension if)."""
    n = 1
    for node in ast.walk(fn):
        if node is not fn and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler, ast.With,
                             ast.Assert)):
            n += 1
        elif isinstance(node, ast.BoolOp):
            n += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            n += 1 + len(node.ifs)
        elif isinstance(node, ast.match_case):
            n += 1
    return n


def test_functions_are_short_and_simple_or_say_why():
    texts = {p: p.read_text(encoding="utf-8").splitlines() for p in SRC.rglob("*.py")}
    offenders = []
    for p, lines in texts.items():
        tree = ast.parse("\n".join(lines))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                complexity = _complexity(node)
                if length > MAX_LINES or complexity > MAX_COMPLEXITY:
                    body = lines[node.lineno - 1:node.end_lineno]
                    if not any(line.strip().startswith(WHY) for line in body):
                        offenders.append(f"{p.relative_to(SRC)}:{node.lineno} {node.name} "
                                         f"({length} lines, complexity {complexity})")
    assert not offenders, "\n".join(offenders)


def _imports(name: str, tree: ast.Module, known: set[str]) -> set[str]:
    """Modules of the package imported at module level (not under TYPE_CHECKING, not in functions)."""
    package = name if (SRC.parent / Path(*name.split(".")) / "__init__.py").exists() else name.rpartition(".")[0]
    out = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in known else base)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m in known and m != name}


def test_no_import_cycle():
    mods = _modules()
    known = set(mods)
    graph = {name: _imports(name, tree, known) for name, tree in mods.items()}
    # A package's __init__ importing its own modules is how a package is made, not a cycle.
    for name in graph:
        graph[name] = {m for m in graph[name] if not m.startswith(name + ".")}
    cycles = []
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> None:
        state[n] = 1
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                cycles.append(" -> ".join([*path[path.index(m):], m]))
            elif m not in state:
                visit(m, [*path, m])
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [n])
    assert not cycles, "\n".join(cycles)


def test_readers_know_formats_and_cells_not_project_fields():
    forbidden = ("gpscli.records", "gpscli.normalise", "gpscli.checks", "gpscli.catalogue", "gpscli.profile",
                 "gpscli.issues", "gpscli.codes", "gpscli.aggregate")
    bad = []
    for p in sorted((SRC / "readers").glob("*.py")):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                module = "gpscli." + (node.module or "")
                if module.startswith(forbidden):
                    bad.append(f"readers/{p.name}: {module}")
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(forbidden):
                bad.append(f"readers/{p.name}: {node.module}")
    assert not bad, bad
