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
