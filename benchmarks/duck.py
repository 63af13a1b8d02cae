"""The timeline semantics of issue 2, section 4, written as SQL window queries for DuckDB.

An independent implementation for the speed comparison (and a cross-check of the engine): the
SQL is generated from the RuleSet's fields, criterion by criterion, and shares no code with
`triggers/` beyond reading those fields. Supported: `statement_by` (with `members_only`
membership periods), `joint_group` in `joint` mode and `nhri_with_ngos` in `joint` mode, which
is every criterion of glion-iii-2016 and hrc20-2012. Other modes raise NotImplementedError.

Shape of the query: per criterion, an aggregate per (country, day) of the qualifying signals
(count, or the largest joint group); a dense country x day grid from the first day any window
can reach to the last day; one window function per criterion over the grid, covering the
W days T-W < date <= T; then met,
progress, status; episodes by gaps-and-islands over the triggered days.
The window frame is written with ROWS over the dense grid (see status_sql).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from triggers.bundle import Bundle
from triggers.rules import RuleSet

EPOCH = pd.Timestamp("1970-01-01")


def _days(series: pd.Series) -> pd.Series:
    """Days since 1970-01-01 as nullable integers (NaT -> NULL)."""
    return ((series - EPOCH).dt.days).astype("Int64")


def load(con: duckdb.DuckDBPyConnection, bundle: Bundle) -> None:
    """Copy the bundle's frames into DuckDB tables with integer days."""
    s, m = bundle.signals, bundle.memberships
    sig = pd.DataFrame({"signal_id": s["signal_id"], "day": _days(s["date"]).astype("int32"),
                        "country": s["country"], "concern": s["concern"]})
    mem = pd.DataFrame({"org_id": m["org_id"], "country": m["country"],
                        "since": _days(m["since"]), "until": _days(m["until"])})
    iss = bundle.issuers[["issuer_id", "kind", "country", "accreditation", "scope"]]
    links = bundle.links
    for name, frame in (("signals", sig), ("links", links), ("issuers", iss), ("memberships", mem)):
        con.register("_frame", frame)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _frame")
        con.unregister("_frame")


def _q(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def status_sql(rules: RuleSet, first: int, last: int) -> str:
    """SQL for a table (ci, day, status, criteria_met) over days first..last.

    `ci` is the country's 0-based position in the sorted list of countries with signals,
    the row order the engine uses.
    """
    crits = [c for c in rules.criteria]
    widest = max(rules.window_of(c) for c in crits)
    lo = first - widest + 1
    ctes = [
        f"sig AS (SELECT signal_id, day, country FROM signals WHERE concern AND day BETWEEN {lo} AND {last})",
        """li AS (SELECT s.signal_id, s.day, s.country, i.issuer_id, i.kind,
                  i.country AS icountry, i.accreditation, i.scope
                  FROM sig s JOIN links l ON l.signal_id = s.signal_id
                  JOIN issuers i ON i.issuer_id = l.issuer_id)""",
        "cs AS (SELECT country, CAST(ROW_NUMBER() OVER (ORDER BY country) - 1 AS INTEGER) AS ci "
        "FROM (SELECT DISTINCT country FROM signals))",
        f"grid AS (SELECT cs.country, cs.ci, CAST(d.range AS INTEGER) AS day FROM cs "
        f"CROSS JOIN range({lo}, {last + 1}) d)",
    ]
    cols, windows, met_terms, watch_terms = [], [], [], []
    joins = []
    for k, c in enumerate(crits):
        w = rules.window_of(c)
        t = c.threshold
        name = f"c{k}"
        win = f"w{w}"
        windows.append(w)
        if c.type == "statement_by":
            member = ""
            if c.members_only:
                member = ("AND (kind <> 'regional_org' OR EXISTS (SELECT 1 FROM memberships m "
                          "WHERE m.org_id = li.issuer_id AND m.country = li.country "
                          "AND (m.since IS NULL OR m.since <= li.day) "
                          "AND (m.until IS NULL OR li.day < m.until)))")
            ctes.append(f"{name} AS (SELECT country, day, COUNT(DISTINCT signal_id) AS v FROM li "
                        f"WHERE kind IN ({_q(c.issuer_kinds)}) {member} GROUP BY country, day)")
            joins.append(name)
            cols.append(f"COALESCE(SUM({name}.v) OVER {win}, 0) AS {name}_v")
            met = f"{name}_v >= {t}"
            progress = f"LEAST({name}_v, {t})::DOUBLE / {t}"
        elif c.type == "joint_group":
            if c.mode != "joint":
                raise NotImplementedError(f"joint_group mode {c.mode!r} is not written in SQL here")
            ctes.append(f"{name} AS (SELECT country, day, MAX(n) AS v FROM ("
                        f"SELECT country, day, signal_id, COUNT(DISTINCT issuer_id) AS n FROM li "
                        f"WHERE kind IN ({_q(c.issuer_kinds)}) GROUP BY country, day, signal_id) "
                        f"GROUP BY country, day)")
            joins.append(name)
            cols.append(f"COALESCE(MAX({name}.v) OVER {win}, 0) AS {name}_v")
            met = f"{name}_v >= {t}"
            progress = f"LEAST({name}_v, {t})::DOUBLE / {t}"
        elif c.type == "nhri_with_ngos":
            if c.mode != "joint":
                raise NotImplementedError(f"nhri_with_ngos mode {c.mode!r} is not written in SQL here")
            scope = "" if c.ngo_scope is None else f"AND scope = '{c.ngo_scope}'"
            # Per signal: does the State's own eligible NHRI sign it, and how many of the
            # State's eligible NGOs; only signals with the NHRI count towards the value.
            ctes.append(
                f"{name} AS (SELECT country, day, 1 AS h, MAX(ngos) AS v FROM ("
                f"SELECT country, day, signal_id, "
                f"BOOL_OR(kind = 'nhri' AND icountry = country AND accreditation IN ({_q(c.nhri_status)})) AS has, "
                f"COUNT(DISTINCT CASE WHEN kind = 'ngo' AND icountry = country "
                f"AND accreditation IN ({_q(c.ngo_status)}) {scope} THEN issuer_id END) AS ngos "
                f"FROM li GROUP BY country, day, signal_id) WHERE has GROUP BY country, day)")
            joins.append(name)
            cols.append(f"COALESCE(MAX({name}.v) OVER {win}, 0) AS {name}_v")
            cols.append(f"COALESCE(MAX({name}.h) OVER {win}, 0) AS {name}_h")
            met = f"({name}_h = 1 AND {name}_v >= {t})"
            progress = f"({name}_h + LEAST({name}_v, {t}))::DOUBLE / {1 + t}"
        else:  # pragma: no cover - the RuleSet model admits only the three types
            raise NotImplementedError(c.type)
        if c.enabled:
            met_terms.append(f"CAST({met} AS INTEGER)")
            watch_terms.append(f"{progress} >= {rules.watch_ratio!r}")
    join_sql = " ".join(f"LEFT JOIN {j} ON {j}.country = g.country AND {j}.day = g.day" for j in joins)
    # The grid has exactly one row per country and day, so a frame of W-1 preceding rows is
    # the window T-W < date <= T (RANGE on the day gives the same rows, measured 2x slower).
    named = ", ".join(f"w{w} AS (PARTITION BY g.ci ORDER BY g.day ROWS BETWEEN {w - 1} PRECEDING "
                      f"AND CURRENT ROW)" for w in sorted(set(windows)))
    ctes.append(f"w AS (SELECT g.ci, g.day, {', '.join(cols)} FROM grid g {join_sql} WINDOW {named})")
    criteria_met = " + ".join(met_terms) if met_terms else "0"
    watch = " OR ".join(watch_terms) if watch_terms else "FALSE"
    ctes.append(f"st AS (SELECT ci, day, {criteria_met} AS criteria_met, ({watch}) AS watch "
                f"FROM w WHERE day >= {first})")
    return ("WITH " + ",\n".join(ctes) +
            f"\nSELECT ci, day, CAST(CASE WHEN criteria_met >= {rules.min_criteria} THEN 2 "
            f"WHEN watch THEN 1 ELSE 0 END AS TINYINT) AS status, "
            f"CAST(criteria_met AS TINYINT) AS criteria_met FROM st")


EPISODES_SQL = """
SELECT ci, MIN(day) AS start, MAX(day) AS "end", COUNT(*) AS days FROM (
    SELECT ci, day, day - ROW_NUMBER() OVER (PARTITION BY ci ORDER BY day) AS run
    FROM status WHERE status = 2)
GROUP BY ci, run
"""


@dataclass(frozen=True)
class DuckTimeline:
    countries: np.ndarray
    first_day: int
    status: np.ndarray  # int8 (countries x days), as triggers.timeline.Timeline.status
    criteria_met: np.ndarray
    episodes: pd.DataFrame  # country, start, end (days since epoch), days


def duckdb_timeline(con: duckdb.DuckDBPyConnection, rules: RuleSet, first: int, last: int) -> DuckTimeline:
    """Run the status and episode queries on tables made by `load`; grids as numpy arrays."""
    con.execute("CREATE OR REPLACE TEMP TABLE status AS " + status_sql(rules, first, last))
    countries = np.asarray([r[0] for r in con.execute(
        "SELECT DISTINCT country FROM signals ORDER BY country").fetchall()], dtype=object)
    got = con.execute("SELECT ci, day, status, criteria_met FROM status").fetchnumpy()
    n_days = last - first + 1
    status = np.zeros((len(countries), n_days), dtype=np.int8)
    met = np.zeros((len(countries), n_days), dtype=np.int8)
    ci = np.asarray(got["ci"], dtype=np.int64)
    col = np.asarray(got["day"], dtype=np.int64) - first
    status[ci, col] = got["status"]
    met[ci, col] = got["criteria_met"]
    ep = con.execute(EPISODES_SQL + " ORDER BY ci, start").df()
    episodes = pd.DataFrame({"country": countries[ep["ci"].to_numpy(dtype=np.int64)],
                             "start": ep["start"].to_numpy(dtype=np.int64),
                             "end": ep["end"].to_numpy(dtype=np.int64),
                             "days": ep["days"].to_numpy(dtype=np.int64)})
    return DuckTimeline(countries, first, status, met, episodes)


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con
