"""The parser registry: source kind -> the function that parses one file of that kind.

Parsers are imported on first use by module path, so a missing or broken parser module fails
only the imports of its own kind, with a message that names it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from prevention.sources.importers.base import SOURCE_KINDS, ParsedImport

# kind -> (module, function); every function is parse(path: Path, **options) -> ParsedImport.
PARSERS: dict[str, tuple[str, str]] = {
    "bundle": ("prevention.sources.importers.bundle", "parse"),
    "table": ("prevention.sources.importers.table", "parse"),
    "ohchr-sp": ("prevention.sources.importers.ohchr_sp", "parse"),
    "undl": ("prevention.sources.importers.undl", "parse"),
    "memberships": ("prevention.sources.importers.reference", "parse_memberships"),
    "nhri": ("prevention.sources.importers.reference", "parse_nhri"),
    "ngos": ("prevention.sources.importers.reference", "parse_ngos"),
    "outcomes": ("prevention.sources.importers.reference", "parse_outcomes"),
}
assert set(PARSERS) == set(SOURCE_KINDS), "every source kind needs a parser entry"

Parser = Callable[..., ParsedImport]


class ParserUnavailable(LookupError):
    """No parser for that kind, or its module cannot be imported."""


def get_parser(kind: str) -> Parser:
    if kind not in PARSERS:
        raise ParserUnavailable(f"unknown source kind {kind!r}; allowed: {', '.join(PARSERS)}")
    module_name, function = PARSERS[kind]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise ParserUnavailable(
            f"the {kind!r} importer is not installed ({module_name} is missing)") from None
    parser = getattr(module, function, None)
    if parser is None:
        raise ParserUnavailable(f"{module_name} has no {function}() for the {kind!r} importer")
    return parser


def available_kinds() -> list[str]:
    """The kinds whose parser can be imported now."""
    out = []
    for kind in PARSERS:
        try:
            get_parser(kind)
        except ParserUnavailable:
            continue
        out.append(kind)
    return out
