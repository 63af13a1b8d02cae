"""The DuckDB peer of `python -m triggers timeline`, as a whole process: read the bundle's CSV
files, compute every State's status on every day with SQL windows (benchmarks/duck.py), write
the weekly table as CSV. Used by benchmarks/cli.py only; it checks nothing the engine checks.

    python -m benchmarks.duck_cli BUNDLE_DIR --start D --end D [--step-days N] > out.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from benchmarks.duck import status_sql
from triggers.prepared import to_day
from triggers.rules import DEFAULT_RULE_SET_ID, load_rule_set

LOAD = """
CREATE TABLE raw AS SELECT * FROM read_csv('{d}/signals.csv', all_varchar = true, header = true);
CREATE TABLE signals AS SELECT trim(signal_id) AS signal_id,
    CAST(CAST(trim(date) AS DATE) - DATE '1970-01-01' AS INTEGER) AS day,
    trim(country) AS country, lower(trim(coalesce(concern, ''))) NOT IN ('false', '0', 'no') AS concern
    FROM raw;
CREATE TABLE links AS SELECT DISTINCT signal_id, issuer_id FROM (
    SELECT trim(signal_id) AS signal_id, trim(unnest(string_split(issuers, ';'))) AS issuer_id
    FROM raw) WHERE issuer_id <> '';
CREATE TABLE issuers AS SELECT trim(issuer_id) AS issuer_id, trim(kind) AS kind,
    trim(coalesce(country, '')) AS country,
    CASE WHEN trim(coalesce(accreditation, '')) = '' AND trim(kind) IN ('nhri', 'ngo') THEN 'none'
         ELSE trim(coalesce(accreditation, '')) END AS accreditation,
    trim(coalesce(scope, '')) AS scope
    FROM read_csv('{d}/issuers.csv', all_varchar = true, header = true);
"""
MEMBERSHIPS = """
CREATE TABLE memberships AS SELECT trim(org_id) AS org_id, trim(country) AS country,
    CAST(CAST(nullif(trim(coalesce(since, '')), '') AS DATE) - DATE '1970-01-01' AS INTEGER) AS since,
    CAST(CAST(nullif(trim(coalesce(until, '')), '') AS DATE) - DATE '1970-01-01' AS INTEGER) AS until
    FROM read_csv('{d}/memberships.csv', all_varchar = true, header = true);
"""
NO_MEMBERSHIPS = "CREATE TABLE memberships (org_id VARCHAR, country VARCHAR, since INTEGER, until INTEGER);"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("bundle")
    ap.add_argument("--start", required=True)
    ap.add_argument("--end", required=True)
    ap.add_argument("--step-days", type=int, default=1)
    ap.add_argument("--rules", default=DEFAULT_RULE_SET_ID)
    args = ap.parse_args(argv)
    folder = Path(args.bundle).resolve()
    rules = load_rule_set(args.rules)
    first, last = to_day(args.start), to_day(args.end)
    con = duckdb.connect(":memory:")
    con.execute(LOAD.format(d=folder))
    con.execute((MEMBERSHIPS if (folder / "memberships.csv").exists() else NO_MEMBERSHIPS)
                .format(d=folder))
    con.execute("CREATE TABLE status AS " + status_sql(rules, first, last))
    out = con.execute(f"""
        WITH cs AS (SELECT country, CAST(ROW_NUMBER() OVER (ORDER BY country) - 1 AS INTEGER) AS ci
                    FROM (SELECT DISTINCT country FROM signals))
        SELECT cs.country, strftime(DATE '1970-01-01' + s.day, '%Y-%m-%d') AS date,
               CASE s.status WHEN 2 THEN 'triggered' WHEN 1 THEN 'watch' ELSE 'clear' END AS status,
               s.criteria_met
        FROM status s JOIN cs ON cs.ci = s.ci
        WHERE (s.day - {first}) % {args.step_days} = 0
        ORDER BY s.ci, s.day""").to_arrow_table()
    import pyarrow.csv as pacsv

    pacsv.write_csv(out, sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
