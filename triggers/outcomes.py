"""Council outcomes: read and validate the CSV of what the Council did, for back-testing.

Format (UTF-8): country,date,kind,reference,title,url. `country` is ISO 3166-1 alpha-3, or
empty for a thematic outcome (kept, but never scored against a State). A multi-State outcome
is one row per State with the same reference. Validation is lazy like the bundle reader's:
every problem is collected with its file, row (spreadsheet line, header = 1), field and value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

import pandas as pd

from triggers import cells, csvfile
from triggers.conform import conform
from triggers.problems import Problem, ProblemError, Problems
from triggers.schema import OUTCOMES

OutcomeKind = Literal["special_session", "commission_of_inquiry", "fact_finding_mission",
                      "urgent_debate", "country_resolution", "other"]
OUTCOME_KINDS: tuple[str, ...] = get_args(OutcomeKind)
OUTCOME_LABELS = {
    "special_session": "special session",
    "commission_of_inquiry": "commission of inquiry",
    "fact_finding_mission": "fact-finding mission",
    "urgent_debate": "urgent debate",
    "country_resolution": "country resolution",
    "other": "other outcome",
}
# Where outcomes of each kind come from: the bundled table (data/reference/council_outcomes.csv,
# data/README.md) or a connector. Shown beside the outcomes a back-test used.
OUTCOME_PROVENANCE = {
    "special_session": "the 39 special sessions S-1 to S-39 (UN records; bundled table, dated by "
                       "the session's first day, referenced by its outcome resolution)",
    "commission_of_inquiry": "inquiries established by the Council and dated in the domain brief "
                             "(bundled table; some symbols and days from memory, marked there)",
    "fact_finding_mission": "fact-finding missions established by the Council and dated in the "
                            "domain brief (bundled table; some symbols and days from memory)",
    "urgent_debate": "urgent debates dated in the domain brief (bundled table; descriptive "
                     "references)",
    "country_resolution": "Human Rights Council country resolutions from the UN Digital Library "
                          "connector (undl-hrc-resolutions); none in the bundled table",
    "other": "anything else an outcomes file records (none in the bundled table)",
}
OUTCOME_COLUMNS, OUTCOME_REQUIRED = list(OUTCOMES.columns), list(OUTCOMES.required)


class OutcomesError(ProblemError):
    """Every problem found in an outcomes file; nothing was read."""

    what = "the outcomes"

    def __init__(self, problems: list[Problem], source: str = "outcomes", shown: int = 50):
        super().__init__(problems, source, shown)


def empty_outcomes() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else object)
                         for c in OUTCOME_COLUMNS})


def read_outcomes(path: str | Path) -> pd.DataFrame:
    """Read and validate an outcomes CSV, or raise OutcomesError listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise OutcomesError([Problem(path.name, None, None, None, f"file not found at {path}")],
                            str(path)) from None
    except IsADirectoryError:
        raise OutcomesError([Problem(path.name, None, None, None,
                                     "is a folder; give the outcomes CSV file itself")], str(path)) from None
    return parse_outcomes(raw, path.name, str(path))


def parse_outcomes(raw: bytes, name: str = "outcomes.csv", source: str | None = None) -> pd.DataFrame:
    """Validate the bytes of an outcomes CSV (e.g. an upload), or raise OutcomesError."""
    source = source or name
    read = csvfile.read_bytes(raw, name)
    if not read.ok:
        raise OutcomesError([p if p.code != "empty" else Problem(
            name, None, None, None, "empty file; expected a header row with "
            + ", ".join(OUTCOME_REQUIRED), code="empty") for p in read.problems], source)
    errors = Problems()
    errors.extend(read.problems)  # rows that could not be read as rows
    return _validate(read.frame, name, errors, source, read.header, read.lines)


def validate_outcomes(frame: pd.DataFrame, source: str = "outcomes") -> pd.DataFrame:
    """Validate an outcomes frame (e.g. from the database), or raise OutcomesError."""
    frame = frame.copy()
    if "date" in frame.columns and pd.api.types.is_datetime64_any_dtype(frame["date"]):
        frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    text = frame.astype(object).where(frame.notna(), "").astype(str).reset_index(drop=True)
    return _validate(text, "outcomes", Problems(), source)


def _validate(frame: pd.DataFrame, name: str, errors: Problems, source: str,
              header: list[str] | None = None, lines=None) -> pd.DataFrame:
    frame = conform(frame, OUTCOMES, errors, header, lines, file=name)
    if frame is None:
        raise OutcomesError(errors.items, source)
    exact = frame.duplicated(keep="first")
    frame = frame[~exact.to_numpy()]
    dates = cells.dates(name, frame, "date", errors, required=True)
    kind = frame["kind"]
    errors.rows(name, frame, ~kind.isin(OUTCOME_KINDS), "kind",
                f"unknown kind; allowed: {', '.join(OUTCOME_KINDS)}")
    # An empty country is a thematic outcome, so it is allowed; a bad code is not.
    cells.countries(name, frame, "country", errors, required_mask=[False] * len(frame))
    errors.rows(name, frame, frame["reference"] == "", "reference",
                "a reference is required (e.g. S-15 or A/HRC/RES/S-15/1); a multi-State "
                "outcome repeats it on one row per State")
    url = frame["url"]
    errors.rows(name, frame, (url != "") & ~url.str.match(r"^https?://"), "url",
                "a url must start with http:// or https:// (or be empty)")
    _check_keys(name, frame, errors)
    if errors:
        raise OutcomesError(errors.items, source)
    out = frame.assign(date=dates)[OUTCOME_COLUMNS]
    return out.sort_values(["date", "reference", "country"]).reset_index(drop=True)


def _check_keys(name: str, frame: pd.DataFrame, errors: Problems) -> None:
    """One row per (kind, reference, State); the rows of one outcome share its date.

    One resolution can both hold a special session and establish an inquiry (S-15/1 on Libya),
    so the kind is part of the key, as in the database's outcomes index.
    """
    keyed = frame[frame["reference"] != ""]
    seen: dict[tuple[str, str, str], int] = {}
    dated: dict[tuple[str, str], tuple[str, int]] = {}
    for line, kind, ref, country, day in zip(keyed.index, keyed["kind"], keyed["reference"],
                                             keyed["country"], keyed["date"]):
        if (kind, ref, country) in seen:
            errors.add(name, int(line), "reference", ref,
                       f"{kind} {ref} is already given for {country or 'a thematic outcome'} on row "
                       f"{seen[kind, ref, country]} with different content; one row per kind, "
                       f"reference and State (an exact repeat is counted once)")
            continue
        seen[kind, ref, country] = int(line)
        if (kind, ref) in dated and dated[kind, ref][0] != day:
            first_day, first_line = dated[kind, ref]
            errors.add(name, int(line), "date", day,
                       f"{kind} {ref} is dated {first_day} on row {first_line}; the rows of one "
                       f"multi-State outcome share its date")
        dated.setdefault((kind, ref), (day, int(line)))
