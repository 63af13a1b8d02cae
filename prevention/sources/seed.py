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

from prevention.accounts.access import system
from prevention.cases.rulesets import seed_shipped
from prevention.sources.importers import ParserUnavailable
from prevention.sources.ingest import declare_coverage, file_sha256, import_file
from prevention.storage.db import get_engine, session_scope
from prevention.storage.frames import bump_version, invalidate
from prevention.storage.models.core import Country, Coverage, Import
from prevention.storage.settings import get_settings
from triggers.vocabulary import EXTRA_COUNTRY_CODES

SEED_USER = system("seed")


@dataclass(frozen=True)
class SeedSource:
    kind: str
    path: str  # under the data folder
    what: str
    options: tuple[tuple[str, str], ...] = ()


# Order matters: issuers and memberships before the signals that reference them.
SOURCES = [
    SeedSource("memberships", "reference/memberships.csv", "regional memberships"),
    SeedSource("outcomes", "reference/council_outcomes.csv", "Council outcomes (special sessions)"),
    # The Council was created on 15 March 2006; earlier resolutions are out of scope.
    SeedSource("undl", "seed/un_sc_ga_resolutions_1946_2025.csv",
               "GA and SC resolutions, 2006 onwards", (("since", "2006-01-01"),)),
    SeedSource("ohchr-sp", "seed/sp_communications_sample_2025-12_2026-02.csv",
               "Special Procedures communications (OHCHR sample, Dec 2025 - Feb 2026)"),
]

LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")


def _country_rows(data_dir: Path) -> dict[str, Country]:
    """reference/countries.csv (UN names in six languages and UN regional groups), completed
    with pycountry for any ISO 3166-1 code (and Kosovo, XKX) the file lacks."""
    rows: dict[str, Country] = {}
    path = data_dir / "reference" / "countries.csv"
    if path.exists():
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                code = (r.get("iso3") or "").strip().upper()
                if not code:
                    continue
                names = {lang: r[f"name_{lang}"].strip() for lang in LANGUAGES
                         if (r.get(f"name_{lang}") or "").strip()}
                rows[code] = Country(iso3=code, name=names.get("en", code), formal_name="",
                                     un_group=(r.get("un_group") or "").strip(), names=names)
    for c in pycountry.countries:
        if c.alpha_3 not in rows:
            rows[c.alpha_3] = Country(iso3=c.alpha_3,
                                      name=getattr(c, "common_name", None) or c.name,
                                      formal_name=getattr(c, "official_name", "") or "",
                                      un_group="", names={})
    for code, name in EXTRA_COUNTRY_CODES.items():
        rows.setdefault(code, Country(iso3=code, name=name, formal_name="", un_group="",
                                      names={}))
    return rows


def seed_countries(data_dir: Path, engine: Engine | None = None) -> int:
    """Add every country not stored yet; returns how many were added."""
    rows = _country_rows(data_dir)
    with session_scope(engine) as s:
        stored = set(s.scalars(sa.select(Country.iso3)))
        added = [row for code, row in sorted(rows.items()) if code not in stored]
        s.add_all(added)
        if added:
            bump_version(s)
    return len(added)


def seed(engine: Engine | None = None, data_dir: Path | None = None,
         say: Callable[[str], None] = print) -> None:
    """Load the bundled data once (idempotent); then the stored status table is refreshed,
    once, if an import happened or it is older than today or than the data."""
    from prevention.cases import statuses

    engine = engine or get_engine()
    with statuses.batch(engine, say):
        _seed(engine, data_dir, say)
    statuses.refresh_if_stale(engine, say)


def _seed(engine: Engine, data_dir: Path | None, say: Callable[[str], None]) -> None:
    data_dir = data_dir or get_settings().data_dir
    with session_scope(engine) as s:
        n = seed_shipped(s)
    say(f"rule sets: {n} shipped rule set(s) added" if n else "rule sets: already seeded")
    n = seed_countries(data_dir, engine)
    say(f"countries: {n} added" if n else "countries: already seeded")
    for source in SOURCES:
        path = data_dir / source.path
        if not path.exists():
            say(f"{source.what}: skipped, no file {path}")
            continue
        digest = file_sha256(path)
        with engine.connect() as conn:
            done = conn.execute(sa.select(Import.id).where(
                Import.sha256 == digest, Import.source_kind == source.kind)).first()
        if done:
            say(f"{source.what}: already loaded ({path.name}, import #{done[0]})")
            _backfill_coverage(engine, source, path, done[0], say)
            continue
        try:
            report = import_file(path, source.kind, user=SEED_USER, engine=engine,
                                 **dict(source.options))
        except ParserUnavailable as exc:
            say(f"{source.what}: skipped, {exc}")
            continue
        say(f"{source.what}: {path.name}: {report.accepted} accepted, {report.duplicates} "
            f"duplicates, {report.quarantined} quarantined, {report.skipped} skipped, "
            f"{report.coverage} coverage row(s)")
    invalidate()


def _backfill_coverage(engine: Engine, source: SeedSource, path: Path, import_id: int,
                       say: Callable[[str], None]) -> None:
    """A database seeded before coverage existed holds the signals but not what was searched:
    declare it now, so its criteria are not all "no data"."""
    with engine.connect() as conn:
        has = conn.execute(sa.select(Coverage.id).where(Coverage.import_id == import_id)).first()
    if has:
        return
    try:
        added = declare_coverage(path, source.kind, import_id, user=SEED_USER, engine=engine,
                                 **dict(source.options))
    except ParserUnavailable as exc:
        say(f"{source.what}: coverage not declared, {exc}")
        return
    if added:
        say(f"{source.what}: {added} coverage row(s) declared for import #{import_id}")
