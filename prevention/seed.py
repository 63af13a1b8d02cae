"""Load the real bundled data into an empty (or partly seeded) database, once.

Idempotent: a source file already imported (same kind and SHA-256) is not imported again, and
even if it were, natural keys would make it add nothing. Sources whose file or parser is not
there yet are skipped with a message instead of failing the whole seed.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pycountry
import sqlalchemy as sa
from sqlalchemy import Engine

from prevention.db import get_engine, session_scope
from prevention.frames import bump_version, invalidate
from prevention.importers import ParserUnavailable
from prevention.ingest import file_sha256, import_file
from prevention.models.core import Country, Import
from prevention.rulesets import seed_shipped
from prevention.settings import get_settings
from triggers.vocabulary import EXTRA_COUNTRY_CODES

SEED_USER = "seed"


@dataclass(frozen=True)
class SeedSource:
    kind: str
    pattern: str  # glob under the data folder; the first match in name order is used
    what: str


# Order matters: issuers and memberships before the signals that reference them.
SOURCES = [
    SeedSource("memberships", "reference/*memberships*.csv", "regional memberships"),
    SeedSource("outcomes", "reference/council_outcomes.csv", "Council outcomes (special sessions)"),
    SeedSource("undl", "seed/*resolutions*.csv", "GA and SC resolutions, 2006 onwards"),
    SeedSource("ohchr-sp", "seed/*sp_communications*.csv", "Special Procedures communications"),
]


def seed_countries(data_dir: Path, engine: Engine | None = None) -> int:
    """Every ISO 3166-1 country (and Kosovo, XKX), with its UN regional group from
    reference/un_regional_groups.csv when that file is there. Adds only missing countries."""
    groups: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    path = data_dir / "reference" / "un_regional_groups.csv"
    if path.exists():
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                code = (row.get("Code") or "").strip()
                if code:
                    groups.setdefault(code, []).append((row.get("Region") or "").strip())
                    names.setdefault(code, (row.get("Name") or "").strip())
    rows = {c.alpha_3: (names.get(c.alpha_3) or getattr(c, "common_name", None) or c.name,
                        getattr(c, "official_name", "") or "") for c in pycountry.countries}
    rows.update({code: (name, name) for code, name in EXTRA_COUNTRY_CODES.items()})
    with session_scope(engine) as s:
        stored = set(s.scalars(sa.select(Country.iso3)))
        added = [Country(iso3=code, name=name, formal_name=formal,
                         un_group=";".join(sorted(set(groups.get(code, [])))), names={})
                 for code, (name, formal) in sorted(rows.items()) if code not in stored]
        s.add_all(added)
        if added:
            bump_version(s)
    return len(added)


def seed(engine: Engine | None = None, data_dir: Path | None = None,
         say: Callable[[str], None] = print) -> None:
    engine = engine or get_engine()
    data_dir = data_dir or get_settings().data_dir
    with session_scope(engine) as s:
        n = seed_shipped(s)
    say(f"rule sets: {n} shipped rule set(s) added" if n else "rule sets: already seeded")
    n = seed_countries(data_dir, engine)
    say(f"countries: {n} added" if n else "countries: already seeded")
    for source in SOURCES:
        matches = sorted(data_dir.glob(source.pattern))
        if not matches:
            say(f"{source.what}: skipped, no file {data_dir / source.pattern}")
            continue
        path = matches[0]
        digest = file_sha256(path)
        with engine.connect() as conn:
            done = conn.execute(sa.select(Import.id).where(
                Import.sha256 == digest, Import.source_kind == source.kind)).first()
        if done:
            say(f"{source.what}: already loaded ({path.name}, import #{done[0]})")
            continue
        try:
            report = import_file(path, source.kind, user=SEED_USER, engine=engine)
        except ParserUnavailable as exc:
            say(f"{source.what}: skipped, {exc}")
            continue
        say(f"{source.what}: {path.name}: {report.accepted} accepted, {report.duplicates} "
            f"duplicates, {report.quarantined} quarantined, {report.skipped} skipped")
    invalidate()
