"""Names instead of codes: organisations (memberships are stored by org_id: 'osce', 'un').

The names come from the bundled reference table (data/reference/memberships.csv, org_name),
with the few upstream spellings corrected below, then from the issuers loaded (a regional
organisation's issuer row), then the code itself in capitals, so that a reader never meets a
bare lower-case id.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

MEMBERSHIPS_CSV = Path(__file__).resolve().parents[2] / "data" / "reference" / "memberships.csv"

# Upstream spellings (internacia-db) that are not the organisation's own.
_CORRECTED = {
    "asean": "Association of Southeast Asian Nations",
    "echr": "European Court of Human Rights",
    # Renamed in 2011 from the Organisation of the Islamic Conference.
    "oic": "Organisation of Islamic Cooperation",
}


@lru_cache(maxsize=1)
def _reference_names() -> dict[str, str]:
    try:
        with MEMBERSHIPS_CSV.open(encoding="utf-8") as f:
            names = {r["org_id"].strip().lower(): r["org_name"].strip()
                     for r in csv.DictReader(f) if r.get("org_id") and r.get("org_name")}
    except OSError:
        names = {}
    return names | _CORRECTED


def organisation_name(org_id: str, issuer_names: dict | None = None) -> str:
    """'osce' -> 'Organization for Security and Co-operation in Europe'; an organisation the
    reference table does not know takes its issuer name, else its code in capitals."""
    code = str(org_id or "").strip()
    known = _reference_names().get(code.lower())
    if known:
        return known
    if issuer_names:
        name = issuer_names.get(code)
        if isinstance(name, str) and name.strip():
            return name.strip()
    return code.upper()


def organisation_names(org_ids, issuer_names: dict | None = None) -> list[str]:
    """organisation_name for each id, sorted by name, each once."""
    return sorted({organisation_name(o, issuer_names) for o in org_ids})
