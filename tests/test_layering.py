"""The arrows of docs/architecture.md, held against the imports of every module (including the
imports inside functions: a lazy import is still an arrow)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package -> the packages it may import (docs/architecture.md, "Allowed arrows").
ALLOWED: dict[str, set[str]] = {
    "web": {"api", "watch", "sources", "cases", "accounts", "storage", "display", "cli"},
    "api": {"watch", "cases", "display", "storage"},
    "watch": {"cases", "accounts", "storage", "display"},
    "sources": {"cases", "accounts", "storage", "display"},
    "cases": {"accounts", "storage", "display"},
    "accounts": {"storage", "display"},
    "storage": set(),
    "display": set(),
}
# The command line is a door like app.py: it may reach any room.
DOORS = {"prevention/cli.py", "prevention/__main__.py", "prevention/__init__.py"}


def _modules(top: str) -> list[Path]:
    return sorted(p for p in (ROOT / top).rglob("*.py") if "migrations/versions" not in str(p))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def _package(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "prevention" or len(parts) < 2:
        return None
    return parts[1]


def test_the_engine_imports_nothing_of_the_application():
    wrong = {str(p.relative_to(ROOT)): sorted(m for m in _imports(p) if m.startswith("prevention"))
             for p in _modules("triggers")}
    assert not {k: v for k, v in wrong.items() if v}


@pytest.mark.parametrize("path", [p for p in _modules("prevention")
                                  if str(p.relative_to(ROOT)) not in DOORS],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_arrow_points_down(path):
    here = _package(".".join(path.relative_to(ROOT).with_suffix("").parts))
    allowed = ALLOWED[here] | {here}
    wrong = sorted({m for m in _imports(path)
                    if _package(m) is not None and _package(m) not in allowed
                    and (ROOT / "prevention" / _package(m)).exists()})
    assert not wrong, (f"{path.relative_to(ROOT)} ({here}/) imports {wrong}: "
                       f"{here}/ may import {sorted(ALLOWED[here])} (docs/architecture.md)")


def test_no_page_imports_another_page():
    pages = ROOT / "prevention" / "web" / "pages"
    wrong = {p.name: sorted(m for m in _imports(p) if m.startswith("prevention.web.pages"))
             for p in pages.glob("*.py")}
    assert not {k: v for k, v in wrong.items() if v}


def test_every_package_is_in_the_table():
    packages = {p.name for p in (ROOT / "prevention").iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == set(ALLOWED)


def _module_file(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def _import_graph(tops: tuple[str, ...]) -> dict[Path, set[Path]]:
    """Module file -> the module files of this tree it imports (a name imported from a package
    that is one of its modules counts as that module, not the package)."""
    graph: dict[Path, set[Path]] = {}
    for top in tops:
        for path in _modules(top):
            targets = set()
            for name in _imports(path):
                if name.split(".")[0] not in tops:
                    continue
                target = _module_file(name)
                parent = _module_file(name.rsplit(".", 1)[0]) if "." in name else None
                if target is not None:
                    # `from a.b import c` names both a.b and a.b.c: when c is a module, the
                    # arrow is to c alone.
                    targets.add(target)
                elif parent is not None:
                    targets.add(parent)
            sub = {t for t in targets if t.name != "__init__.py"}
            inits = {t for t in targets if t.name == "__init__.py"
                     and not any(s.parent == t.parent for s in sub)}
            graph[path] = (sub | inits) - {path}
    return graph


def _circles(graph: dict[Path, set[Path]]) -> list[list[Path]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[Path, int] = {}
    low: dict[Path, int] = {}
    stack: list[Path] = []
    on_stack: set[Path] = set()
    found: list[list[Path]] = []

    def visit(v: Path) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_modules_import_each_other_in_a_circle():
    # A circle of modules is one idea cut into files: none of them can be read, tested or
    # moved alone (docs/architecture.md).
    circles = _circles(_import_graph(("prevention", "triggers")))
    assert not circles, "\n".join(
        "circle: " + " -> ".join(str(p.relative_to(ROOT)) for p in c) for c in circles)
