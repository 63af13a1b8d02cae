"""What each source searched, as spans with holes, and the Overview's coverage banner."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from prevention.display.coverage import UNCOUNTED_KINDS, kind_title
from prevention.display.status import iso, status_label
from prevention.display.text import md_text
from triggers.evaluate import Evaluation
from triggers.vocabulary import KIND_LABELS


def unsearched_kinds(coverage_rows: pd.DataFrame) -> list[str]:
    """The issuer kinds no coverage row declares searched (complete or sample), as titles."""
    have = set(coverage_rows["issuer_kind"]) if coverage_rows is not None and len(coverage_rows) else set()
    return [kind_title(k) for k in KIND_LABELS if k not in have and k not in UNCOUNTED_KINDS]


def day_spans(starts, ends) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Inclusive day intervals merged where they overlap or touch."""
    out: list[list[pd.Timestamp]] = []
    for a, b in sorted(zip(pd.to_datetime(starts), pd.to_datetime(ends))):
        if out and a <= out[-1][1] + pd.Timedelta(days=1):
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _day_range(a, b) -> str:
    return iso(a) if iso(a) == iso(b) else f"{iso(a)} to {iso(b)}"


def source_spans(coverage_rows: pd.DataFrame) -> pd.DataFrame:
    """What each source was searched for, one row per (source, issuer kind, State or every
    State, completeness): its span, the days inside it, and its holes (the gaps between the
    source's own rows, where nothing was searched). From frames.load_coverage()."""
    # The holes first after the span: they are what a reader of this table looks for.
    cols = ["Issuer kind", "Source", "From", "To", "Holes", "Days searched", "State",
            "Completeness", "kind"]
    if coverage_rows is None or coverage_rows.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    keys = ["source", "issuer_kind", "country", "completeness"]
    for (source, kind, country, completeness), part in coverage_rows.fillna({"country": ""}) \
            .groupby(keys, sort=True):
        spans = day_spans(part["start"], part["end"])
        holes = [(b1 + pd.Timedelta(days=1), a2 - pd.Timedelta(days=1))
                 for (_, b1), (a2, _) in zip(spans, spans[1:])]
        rows.append({
            "Source": source, "Issuer kind": kind_title(kind), "kind": kind,
            "State": country or "every State", "Completeness": completeness,
            "From": iso(spans[0][0]), "To": iso(spans[-1][1]),
            "Days searched": int(sum((b - a).days + 1 for a, b in spans)),
            "Holes": "; ".join(_day_range(a, b) for a, b in holes),
        })
    return pd.DataFrame(rows, columns=cols)


MAX_HOLES_SHOWN = 3


def span_words(row) -> str:
    """One source_spans row as words: 'undl-2025-10 · the Security Council: 2006-01-01 to
    2025-10-30, holes 2024-03-08 to 2025-05-29'."""
    scope = "" if row["State"] == "every State" else f", {row['State']} only"
    sample = " (sample: some of what it published)" if row["Completeness"] == "sample" else ""
    text = f"{row['Source']} · {KIND_LABELS.get(row['kind'], row['kind'])}{scope}{sample}: " \
           f"{_day_range(row['From'], row['To'])}"
    holes = [h for h in row["Holes"].split("; ") if h]
    if holes:
        shown = ", ".join(holes[:MAX_HOLES_SHOWN])
        more = f" and {len(holes) - MAX_HOLES_SHOWN} more" if len(holes) > MAX_HOLES_SHOWN else ""
        text += f" ({row['Days searched']:,} days searched), holes {shown}{more}"
    return text


@dataclass(frozen=True)
class CriterionCoverage:
    """One enabled criterion's coverage on the chosen date, for the Overview's banner."""

    criterion_id: str
    title: str
    state: str  # across States: 'full for all 196 States', 'partial for 194 States (...)', ...
    full: bool  # full for every State evaluated
    sources: tuple[str, ...]  # one line per source searched for the kinds it reads


MAX_SOURCE_LINES = 6


def _state_words(states: pd.Series, days: pd.Series, window: int) -> str:
    n = len(states)
    parts = []
    for state in ("full", "partial", "none"):
        mine = states == state
        count = int(mine.sum())
        if not count:
            continue
        who = f"all {count} States" if count == n else f"{count} State{'s' if count != 1 else ''}"
        text = f"{state} for {who}"
        if state == "partial":
            lo, hi = int(days[mine].min()), int(days[mine].max())
            text += f" ({lo if lo == hi else f'{lo} to {hi}'} of {window} days searched completely)"
        parts.append(text)
    return ", ".join(parts) if parts else "no State evaluated"


def coverage_banner(evaluation: Evaluation, coverage_rows: pd.DataFrame) -> list[CriterionCoverage]:
    """Per enabled criterion: its coverage across the States evaluated on the evaluation's
    date (from the engine's <id>_coverage columns), and each source of the kinds it reads with
    its span and holes (from the stored coverage rows); a kind with no row says so."""
    t = evaluation.table
    spans = source_spans(coverage_rows)
    out = []
    for crit in evaluation.rules.enabled_criteria:
        lines = []
        for kind in crit.kinds:
            mine = spans[spans["kind"] == kind]
            if mine.empty:
                lines.append(f"{kind_title(kind)}: no source loaded")
            lines.extend(span_words(r) for r in mine.to_dict("records"))
        if len(lines) > MAX_SOURCE_LINES:
            rest = len(lines) - MAX_SOURCE_LINES + 1
            lines = lines[:MAX_SOURCE_LINES - 1] + [f"and {rest} more (see the Data page)"]
        states = t[f"{crit.id}_coverage"]
        out.append(CriterionCoverage(
            criterion_id=crit.id, title=crit.title or crit.id,
            state=_state_words(states, t[f"{crit.id}_covered_days"],
                               evaluation.rules.window_of(crit)),
            full=bool(len(states)) and bool((states == "full").all()),
            sources=tuple(lines)))
    return out


def coverage_banner_markdown(banner: list[CriterionCoverage], as_of) -> str:
    """The banner as markdown: a heading line, then per criterion its state and, indented,
    its sources. Titles and source ids come from users and imports: escaped (md_text)."""
    lines = [f"**What the data loaded covers, as of {iso(as_of)}.** “Not met” only where "
             "every day of a criterion's window was searched; a State that the other criteria "
             f"could still bring to the threshold is **{status_label('undetermined')}**, not "
             "clear."]
    for c in banner:
        lines.append(f"- **{md_text(c.title)}**: {md_text(c.state)}")
        lines.extend(f"    - {md_text(src)}" for src in c.sources)
    return "\n".join(lines)
