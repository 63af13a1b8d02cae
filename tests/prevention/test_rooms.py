"""The rooms of prevention/: web is the top room; nothing below it imports it (nor Streamlit),
so the engine's results, feeds, API documents and digests are testable without a browser."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "prevention"
BELOW = sorted(p for p in PACKAGE.rglob("*.py") if "web" not in p.relative_to(PACKAGE).parts[:1])


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", BELOW, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_room_below_web_imports_it(path):
    bad = {n for n in _imports(path) if n == "prevention.web" or n.startswith("prevention.web.")
           or n == "streamlit" or n.startswith("streamlit.")}
    assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"
