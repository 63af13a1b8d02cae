"""Fill a migrated database with the real data through the product's own ingest.

Countries and UN regional groups (reference/un_regional_groups.csv), the shipped rule sets, the
sample bundle (data/sample: real statements of the domain brief's worked examples), and the
special sessions about those States from the public UN records. The synthetic variant stores a
benchmarks/synth.py bundle the same way (every title marked [SYNTHETIC]).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, insert

from prevention.accounts.access import system
from prevention.sources.importers import ParserUnavailable
from prevention.sources.ingest import import_file
from prevention.sources.seed import seed as seed_reference
from prevention.storage.frames import bump_version, invalidate
from prevention.storage.models.core import Outcome
from triggers.bundle import Bundle, write_bundle

SHARED = Path("/work/shared/data")
REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"


def special_sessions() -> pd.DataFrame:
    """Special sessions about the sample's States (country, date, kind, reference, title, url)."""
    raw = pd.read_csv(SHARED / "hrc" / "hrc_special_sessions_2006_2026.csv", dtype=str)
    known = {"LIBYA": "LBY", "MYANMAR": "MMR", "COTE D'IVOIRE": "CIV", "CÔTE D'IVOIRE": "CIV",
             "SYRIAN ARAB REPUBLIC": "SYR"}
    rows = []
    for r in raw.itertuples():
        agenda = f"{r.agenda} {r.title}".upper()
        code = next((c for k, c in known.items() if k in agenda), None)
        if code:
            symbol = str(r.outcome_symbols).split("|")[0].strip()
            rows.append({"country": code, "date": r.first_date, "kind": "special_session",
                         "reference": f"S-{r.special_session}",
                         "title": re.sub(r"\s*[:/]\s*(resolution)?\s*/?\s*$", "", str(r.title)).strip(),
                         "url": f"https://undocs.org/{symbol}" if symbol and symbol != "nan" else ""})
    return pd.DataFrame(rows)


def _data_dir(tmp: Path) -> Path:
    """The project's reference tables (countries with UN groups, memberships, Council
    outcomes) without the large seed files, so a test database is ready in about a second."""
    data = tmp / "data"
    (data / "reference").mkdir(parents=True, exist_ok=True)
    for name in ("countries.csv", "memberships.csv", "council_outcomes.csv", "un_regional_groups.csv"):
        src = REPO / "data" / "reference" / name
        if src.exists():
            shutil.copy(src, data / "reference")
    return data


def _outcomes(engine: Engine, frame: pd.DataFrame) -> None:
    with engine.begin() as conn:
        rows = frame.assign(date=pd.to_datetime(frame["date"]).dt.date).to_dict("records")
        if rows:
            conn.execute(insert(Outcome), rows)
        bump_version(conn)
    invalidate()


def seed_real(engine: Engine, tmp: Path | None = None) -> None:
    tmp = Path(tmp or tempfile.mkdtemp(prefix="seed-"))
    data = _data_dir(tmp)
    seed_reference(engine, data, say=lambda _m: None)
    import_file(SAMPLE, "bundle", user=system("seed"), engine=engine)
    if (data / "reference" / "council_outcomes.csv").exists():
        return  # seeded above from the project's own outcomes table
    outcomes = special_sessions()
    path = tmp / "council_outcomes.csv"
    outcomes.to_csv(path, index=False)
    try:
        import_file(path, "outcomes", user=system("seed"), engine=engine)
    except ParserUnavailable:
        _outcomes(engine, outcomes)  # the outcomes importer is not there yet


def seed_synthetic(engine: Engine, bundle: Bundle, tmp: Path | None = None) -> None:
    tmp = Path(tmp or tempfile.mkdtemp(prefix="seed-"))
    seed_reference(engine, _data_dir(tmp), say=lambda _m: None)
    write_bundle(bundle, tmp / "synthetic")
    import_file(tmp / "synthetic", "bundle", user=system("benchmark"), engine=engine)


PASSWORD = "correct horse battery staple"
ACCOUNTS = {"admin": "ada", "researcher": "rosa", "viewer": "vera"}


def seed_accounts(engine: Engine) -> None:
    """One account per role (the first, an admin, creates the others)."""
    from prevention.accounts import auth
    from prevention.storage.db import session_scope

    with session_scope(engine) as s:
        admin = auth.add_account(s, None, ACCOUNTS["admin"], "admin", PASSWORD)
        for role in ("researcher", "viewer"):
            auth.add_account(s, admin, ACCOUNTS[role], role, PASSWORD)
