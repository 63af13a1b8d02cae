"""Hardening (issue 12): a natural key for quarantined rows, and stored days checked.

1. quarantine.key: sha256 of the import kind and the raw row, so that importing the same bad
   file again adds no second copy of its rows (the ingest step looks the key up).
2. Rows stored before every parser checked days (issue 12, point 2) may hold a day outside
   the range the product accepts (1945-10-24 to a year after the migration; memberships from
   1800-01-01): such a row could not be loaded into the engine's frames. It is moved into the
   quarantine with the reason and its whole content, where it can be fixed and re-submitted,
   so nothing is lost.

Revision ID: hard1
Revises: bt1
"""
import hashlib
import json
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = 'hard1'
down_revision = 'bt1'
branch_labels = None
depends_on = None

EARLIEST, EARLIEST_MEMBERSHIP = "1945-10-24", "1800-01-01"


def row_key(kind: str, raw: dict) -> str:
    # Frozen copy of prevention.sources.ingest.report.quarantine_key as of this revision.
    text = json.dumps({"kind": kind, "raw": raw}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=64), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_quarantine_key'), ['key'], unique=False)
    conn = op.get_bind()
    for qid, raw, kind in conn.execute(sa.text(
            "SELECT q.id, q.raw, i.source_kind FROM quarantine q JOIN imports i ON i.id = q.import_id")):
        raw = json.loads(raw) if isinstance(raw, str) else (raw or {})
        conn.execute(sa.text("UPDATE quarantine SET key = :k WHERE id = :i"),
                     {"k": row_key(kind, raw), "i": qid})
    _quarantine_out_of_range(conn)


def _quarantine_out_of_range(conn) -> None:
    latest = (date.today() + timedelta(days=365)).isoformat()
    now = datetime.now(timezone.utc)
    reason = ("stored before days were checked: {day} is outside the days the product accepts "
              f"({{earliest}} to {latest}); write the real day and re-submit")
    moves = []
    for sid, day, country, title, ref, iid in conn.execute(sa.text(
            "SELECT signal_id, CAST(date AS TEXT), country, title, reference, import_id FROM signals "
            "WHERE CAST(date AS TEXT) < :lo OR CAST(date AS TEXT) > :hi"),
            {"lo": EARLIEST, "hi": latest}):
        issuers = ";".join(sorted(r[0] for r in conn.execute(sa.text(
            "SELECT issuer_id FROM signal_issuers WHERE signal_id = :s"), {"s": sid})))
        raw = {"signal_id": sid, "date": day, "country": country, "issuers": issuers,
               "title": title, "reference": ref, "_file": "signals.csv"}
        moves.append(("signals", "signal_id", sid, iid, "date", day, raw, EARLIEST))
    for oid, day, country, kind, ref, iid in conn.execute(sa.text(
            "SELECT id, CAST(date AS TEXT), country, kind, reference, import_id FROM outcomes "
            "WHERE CAST(date AS TEXT) < :lo OR CAST(date AS TEXT) > :hi"),
            {"lo": EARLIEST, "hi": latest}):
        raw = {"country": country, "date": day, "kind": kind, "reference": ref}
        moves.append(("outcomes", "id", oid, iid, "date", day, raw, EARLIEST))
    for mid, org, country, since, until, iid in conn.execute(sa.text(
            "SELECT id, org_id, country, CAST(since AS TEXT), CAST(until AS TEXT), import_id "
            "FROM memberships WHERE CAST(since AS TEXT) < :lo OR CAST(since AS TEXT) > :hi "
            "OR CAST(until AS TEXT) < :lo OR CAST(until AS TEXT) > :hi"),
            {"lo": EARLIEST_MEMBERSHIP, "hi": latest}):
        bad = "since" if since and not (EARLIEST_MEMBERSHIP <= since <= latest) else "until"
        raw = {"org_id": org, "country": country, "since": since or "", "until": until or "",
               "_file": "memberships.csv"}
        moves.append(("memberships", "id", mid, iid, bad, since if bad == "since" else until, raw,
                      EARLIEST_MEMBERSHIP))
    if not moves:
        return
    holder = None
    for table, key, value, iid, field, day, raw, earliest in moves:
        if iid is None:
            if holder is None:  # rows with no import of their own get one: this migration
                holder = conn.execute(sa.text(
                    "INSERT INTO imports (user_name, created_at, file_name, sha256, source_kind, "
                    "options, rows_read, accepted, duplicates, quarantined, skipped, problems) "
                    "VALUES ('migration hard1', :t, 'rows stored before days were checked', '', "
                    "'bundle', '{}', 0, 0, 0, 0, 0, '{}') RETURNING id"), {"t": now}).scalar_one()
            iid = holder
        kind = conn.execute(sa.text("SELECT source_kind FROM imports WHERE id = :i"),
                            {"i": iid}).scalar_one()
        conn.execute(sa.text(
            "INSERT INTO quarantine (import_id, row, field, value, reason, raw, suggestions, "
            "status, key) VALUES (:i, NULL, :f, :v, :r, :raw, '[]', 'open', :k)"),
            {"i": iid, "f": field, "v": day, "r": reason.format(day=day, earliest=earliest),
             "raw": json.dumps(raw), "k": row_key(kind, raw)})
        if table == "signals":
            conn.execute(sa.text("DELETE FROM signal_issuers WHERE signal_id = :v"), {"v": value})
        conn.execute(sa.text(f"DELETE FROM {table} WHERE {key} = :v"), {"v": value})
    conn.execute(sa.text("UPDATE data_version SET version = version + 1 WHERE id = 1"))


def downgrade() -> None:
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantine_key'))
        batch_op.drop_column('key')
