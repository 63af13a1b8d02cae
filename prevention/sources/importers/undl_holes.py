"""What a UN Digital Library export covers: the holes in its resolutions' symbol sequences.

Resolution numbers run in sequences (S/RES/1, 2, ... across years; A/RES/<session>/1, 2, ...
within a GA session; A/RES/1(I) ... A/RES/3554(XXX) for the first thirty sessions), so a
missing run of numbers is a hole in the file, not a quiet time: the days between the
resolutions on either side of it are not covered. The rules are in docs/importers.md ("GA and SC
resolutions", coverage); undl.parse declares the rest of the file's span as covered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_SC_SYMBOL = re.compile(r"^S/RES/(\d+)\s*\(")
_GA_SESSION = re.compile(r"^A/RES/((?:ES-|S-)?\d+)/+(\d+)\s*(.*)$")
_GA_OLD = re.compile(r"^A/RES/(\d+)\s*\(([^)]*)\)\s*(.*)$")
_LETTER = re.compile(r"^\[?\s*([A-Z])\s*\]?$")
OLD_NUMBERING = "old"  # GA sessions 1-30: one sequence A/RES/1(I) ... A/RES/3554(XXX)


@dataclass(frozen=True)
class Hole:
    """Days on which resolutions missing from the file may have been adopted (both included)."""

    body: str
    start: str
    end: str
    after: str  # the symbol before the missing ones ("" at the start of a sequence)
    before: str  # the symbol after them ("" at the end of a session)
    missing: str  # e.g. "S/RES/2726-2779", "A/RES/78/252 and later"

    @property
    def days(self) -> int:
        return (date.fromisoformat(self.end) - date.fromisoformat(self.start)).days + 1


def sequence_key(symbol: str) -> tuple[str, str, int, int] | None:
    """(body, sequence, number, letter index) of a resolution symbol, or None for symbols that
    are not numbered resolutions (A/DEC/... decisions). Letters (A/RES/61/89 A, [B]) order the
    parts of one number; other suffixes ([B-IX], [RULE-33A], sections) are the number itself."""
    s = symbol.strip()
    m = _SC_SYMBOL.match(s)
    if m:
        return "SC", "", int(m.group(1)), 0
    m = _GA_SESSION.match(s)
    if m:
        session, number, suffix = m.groups()
    else:
        m = _GA_OLD.match(s)
        if not m:
            return None
        session, (number, _, suffix) = OLD_NUMBERING, m.groups()
    letter = _LETTER.match(suffix.strip())
    return "GA", session, int(number), (ord(letter.group(1)) - ord("A")) if letter else 0


def _prefix(body: str, seq: str) -> str:
    if body == "SC":
        return "S/RES/"
    return "A/RES/" if seq == OLD_NUMBERING else f"A/RES/{seq}/"


def _regular(seq: str) -> bool:
    return seq == OLD_NUMBERING or seq.isdigit()


def _gap_text(prefix: str, n1: int, l1: int, n2: int, l2: int) -> str:
    letters = lambda a, b: "".join(chr(ord("A") + i) for i in range(a, b))  # noqa: E731
    parts = []
    if n1 == n2:
        return f"{prefix}{n1} {letters(l1 + 1, l2)}"
    if n2 - n1 > 1:
        parts.append(f"{prefix}{n1 + 1}" + (f"-{n2 - 1}" if n2 - n1 > 2 else ""))
    if l2 > 0:
        parts.append(f"{prefix}{n2} {letters(0, l2)}")
    return ", ".join(parts)


def coverage_holes(rows) -> list[Hole]:
    """The holes of every sequence, from rows of (body, symbol, date). Rules (docs/importers.md):
    a missing run of numbers is a hole from the earlier neighbour's day to the later neighbour's
    day, both included; the end of a regular GA session is unknown, so from its last resolution
    to the next regular session's first is a hole; an emergency or special session whose first
    numbers are missing has a hole on its first day in the file."""
    seqs: dict[tuple[str, str], dict[tuple[int, int], list]] = {}
    for body, symbol, day in rows:
        key = sequence_key(symbol)
        if key is None or key[0] != body:
            continue
        entry = seqs.setdefault(key[:2], {}).setdefault(key[2:], [day, day, symbol])
        entry[0], entry[1] = min(entry[0], day), max(entry[1], day)
    holes: list[Hole] = []
    for (body, seq), parts in seqs.items():
        prefix = _prefix(body, seq)
        keys = sorted(parts)
        (n0, l0) = keys[0]
        # An emergency or special session's missing first resolutions were adopted at its
        # opening, on or before its first day in the file; a regular session's are inside the
        # previous session's tail (below); before the body's first resolution, the file's
        # span has not begun.
        if (n0, l0) != (1, 0) and body == "GA" and not _regular(seq):
            lo, _, sym = parts[keys[0]]
            holes.append(Hole(body, lo, lo, "", sym, _gap_text(prefix, 0, 0, n0, l0)))
        for k1, k2 in zip(keys, keys[1:]):
            (n1, l1), (n2, l2) = k1, k2
            if n2 == n1 + 1 and l2 == 0 or n2 == n1 and l2 == l1 + 1:
                continue
            a, b = parts[k1], parts[k2]
            holes.append(Hole(body, min(a[0], b[0]), max(a[1], b[1]), a[2], b[2],
                              _gap_text(prefix, n1, l1, n2, l2)))
    holes += _session_tails(seqs)
    return sorted(holes, key=lambda h: (h.body, h.start, h.end))


def _session_order(seq: str) -> int:
    return 0 if seq == OLD_NUMBERING else int(seq)


def _session_tails(seqs) -> list[Hole]:
    """A regular GA session's numbering may stop early in the file: the resolutions after its
    last one may have been adopted any day up to the next regular session's first."""
    regular = sorted((s for b, s in seqs if b == "GA" and _regular(s)), key=_session_order)
    out = []
    for this, following in zip(regular, regular[1:]):
        parts, nxt = seqs["GA", this], seqs["GA", following]
        last, first = parts[max(parts)], nxt[min(nxt)]
        missing = f"{_prefix('GA', this)}{max(parts)[0] + 1} and later"
        head = _gap_text(_prefix("GA", following), 0, 0, *min(nxt))
        # Sessions can overlap in the catalogue (a resumed part dated after the next opening).
        out.append(Hole("GA", min(last[1], first[0]), max(last[1], first[0]), last[2], first[2],
                        f"{missing}, {head}" if head else missing))
    if regular:  # the last session runs on to the GA's last resolution in the file
        parts = seqs["GA", regular[-1]]
        last = parts[max(parts)]
        ga_end = max(p[1] for (b, _), s in seqs.items() if b == "GA" for p in s.values())
        if ga_end > last[1]:
            out.append(Hole("GA", last[1], ga_end, last[2], "",
                            f"{_prefix('GA', regular[-1])}{max(parts)[0] + 1} and later"))
    return out


def _day(text: str) -> date:
    return date.fromisoformat(text)


def covered_spans(start: str, end: str, holes: list[Hole]) -> list[tuple[str, str]]:
    """[start, end] without the holes, as (first day, last day) pairs."""
    lo, hi = _day(start), _day(end)
    spans, cursor = [], lo
    for h in sorted(holes, key=lambda h: h.start):
        a, b = max(_day(h.start), lo), min(_day(h.end), hi)
        if a > b:
            continue
        if a > cursor:
            spans.append((cursor.isoformat(), (a - timedelta(days=1)).isoformat()))
        cursor = max(cursor, b + timedelta(days=1))
    if cursor <= hi:
        spans.append((cursor.isoformat(), hi.isoformat()))
    return spans
