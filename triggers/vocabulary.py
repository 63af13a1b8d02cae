"""The closed vocabularies of the signal bundle, shared by the reader and the rule models."""

from typing import Literal, get_args

import pycountry

IssuerKind = Literal[
    "high_commissioner",
    # The Office of the High Commissioner speaking as an office (spokesperson's briefing notes,
    # regional offices), not the High Commissioner: counted by no shipped rule set.
    "ohchr",
    "secretary_general",
    "sp_mandate",
    "regional_org",
    "general_assembly",
    "security_council",
    "nhri",
    "ngo",
    "other",
]
NhriStatus = Literal["A", "B", "C", "none"]
NgoStatus = Literal["general", "special", "roster", "none"]
NgoScope = Literal["national", "international"]

ISSUER_KINDS: tuple[str, ...] = get_args(IssuerKind)
NHRI_STATUSES: tuple[str, ...] = get_args(NhriStatus)
NGO_STATUSES: tuple[str, ...] = get_args(NgoStatus)
NGO_SCOPES: tuple[str, ...] = get_args(NgoScope)

# Index = the status code in evaluation and timeline grids (2 is triggered everywhere).
# `undetermined`: not triggered, and the criteria the data loaded cannot judge could still
# reach the threshold (docs/criteria.md, "Status").
# In a rule's `categories`: signals whose source gives no category (a press statement in a
# spreadsheet, a bundle without the column). Listing it keeps them counted.
UNCATEGORISED = "uncategorised"

STATUSES = ("clear", "watch", "triggered", "undetermined")
CLEAR, WATCH, TRIGGERED, UNDETERMINED = range(4)
# Most pressing first: how tables and maps order and list the statuses.
STATUS_ORDER = ("triggered", "watch", "undetermined", "clear")

# Kosovo has no ISO 3166-1 code; XKX is the user-assigned code the UN system and
# the World Bank use, so signals about Kosovo must be accepted under it.
EXTRA_COUNTRY_CODES = {"XKX": "Kosovo"}

COUNTRY_CODES: frozenset[str] = frozenset(
    {c.alpha_3 for c in pycountry.countries} | set(EXTRA_COUNTRY_CODES)
)

# How each issuer kind reads in a sentence ("... expressed concern").
KIND_LABELS = {
    "high_commissioner": "the High Commissioner",
    "ohchr": "the Office of the High Commissioner (OHCHR)",
    "secretary_general": "the Secretary-General",
    "sp_mandate": "Special Procedures mandates",
    "regional_org": "a regional organisation",
    "general_assembly": "the General Assembly",
    "security_council": "the Security Council",
    "nhri": "the NHRI",
    "ngo": "NGOs",
    "other": "other issuers",
}


def country_name(code: str) -> str:
    if code in EXTRA_COUNTRY_CODES:
        return EXTRA_COUNTRY_CODES[code]
    c = pycountry.countries.get(alpha_3=code)
    return getattr(c, "common_name", None) or (c.name if c else code)
