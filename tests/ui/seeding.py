"""Put a validated Bundle, the UN country list and special sessions into a migrated database.

A direct writer for test and benchmark fixtures, faster than going through the importers; it
writes the same tables the ingest step does and bumps the data version like it.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, insert, text

from prevention.frames import bump_version
from prevention.models.core import (
    Country, Import, Issuer, Membership, Outcome, Signal, SignalIssuer,
)
from triggers.bundle import Bundle

SHARED = Path("/work/shared/data")
REPO = Path(__file__).resolve().parents[2]
GROUPS = {"African Group": "African", "Asia-Pacific Group": "Asia-Pacific",
          "Eastern European Group": "Eastern European",
          "Latin American and Caribbean Group": "GRULAC",
          "Western European and Others Group": "WEOG"}


def un_countries() -> pd.DataFrame:
    """UN Member States with their regional group (WEOG for Turkiye, its electoral group)."""
    path = SHARED / "reference" / "un_regional_groups.csv"
    raw = pd.read_csv(path, dtype=str)
    raw["un_group"] = raw["Region"].map(lambda r: GROUPS.get(r, r))
    raw = raw.sort_values("un_group").drop_duplicates("Code", keep="last")
    return pd.DataFrame({"iso3": raw["Code"], "name": raw["Name"], "un_group": raw["un_group"]})


def special_sessions() -> pd.DataFrame:
    """The special sessions that concern one State in the sample, from the public UN symbols."""
    path = SHARED / "hrc" / "hrc_special_sessions_2006_2026.csv"
    raw = pd.read_csv(path, dtype=str)
    known = {"LIBYA": "LBY", "MYANMAR": "MMR", "COTE D'IVOIRE": "CIV", "SYRIAN ARAB REPUBLIC": "SYR"}
    rows = []
    for r in raw.itertuples():
        agenda = str(r.agenda).upper()
        code = next((c for k, c in known.items() if k in agenda), None)
        if code:
            rows.append({"country": code, "date": r.first_date, "kind": "special_session",
                         "reference": f"S-{r.special_session}",
                         "title": re.sub(r"\s*:.*$", "", str(r.title)),
                         "url": ""})
    return pd.DataFrame(rows)


def seed(engine: Engine, bundle: Bundle, countries: pd.DataFrame | None = None,
         outcomes: pd.DataFrame | None = None, source_kind: str = "bundle",
         file_name: str = "bundle") -> None:
    countries = un_countries() if countries is None else countries
    outcomes = special_sessions() if outcomes is None else outcomes
    with engine.begin() as conn:
        imp = conn.execute(insert(Import).values(
            user_name="test-seed", created_at=datetime.now(timezone.utc), file_name=file_name,
            sha256="0" * 64, source_kind=source_kind, rows_read=len(bundle.signals),
            accepted=len(bundle.signals), problems={})).inserted_primary_key[0]
        _many(conn, Country, [{"iso3": r.iso3, "name": r.name, "un_group": r.un_group,
                               "formal_name": "", "names": {}}
                              for r in countries.itertuples()])
        _many(conn, Issuer, [dict(r, import_id=imp) for r in
                             bundle.issuers.fillna("").to_dict("records")])
        sig = bundle.signals.copy()
        sig["date"] = sig["date"].dt.date
        sig["import_id"] = imp
        _many(conn, Signal, sig.fillna("").to_dict("records"))
        _many(conn, SignalIssuer, bundle.links.to_dict("records"))
        mem = bundle.memberships.copy()
        for c in ("since", "until"):
            mem[c] = [None if pd.isna(v) else v.date() for v in mem[c]]
        _many(conn, Membership, [dict(r, import_id=imp) for r in mem.to_dict("records")])
        if len(outcomes):
            out = outcomes.copy()
            out["date"] = pd.to_datetime(out["date"]).dt.date
            _many(conn, Outcome, out.to_dict("records"))
        bump_version(conn)


def _many(conn, model, rows: list[dict], batch: int = 20_000) -> None:
    for i in range(0, len(rows), batch):
        if rows[i:i + batch]:
            conn.execute(insert(model), rows[i:i + batch])
