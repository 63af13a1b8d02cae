"""Issue 12, points 1-7: bad input loses nothing and takes nothing down. Each test names the
point it guards; each failed on the code before the fix."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from prevention.accounts.access import system
from prevention.cli import main as cli
from prevention.sources.ingest import import_file
from prevention.sources.quarantine import list_quarantine
from prevention.storage import frames
from prevention.storage.db import dispose_engine, get_engine
from prevention.storage.frames import load_bundle, load_outcomes
from prevention.storage.migrate import upgrade
from prevention.storage.settings import PROJECT_DIR
from tests.prevention.bundles import (
    SIGNALS,
    table_counts,
    write_bundle,
    write_csv,
)

SP_HEADER = ["ohchr_gid", "date_sent", "addressee", "comm_type", "reference", "full_reference",
             "addressee_code", "is_state_addressee", "mandates", "n_mandates", "source_url"]


def sp_row(i: int, day: str = "2025-12-01") -> list[str]:
    return [str(i), day, "Canada", "AL", f"CAN {i}/2025", f"AL CAN {i}/2025", "CAN", "1",
            "business", "1", ""]


# ---------------------------------------------------------------- 1. unclosed quote

def test_1_an_unclosed_quote_in_a_big_table_costs_one_row(engine, tmp_path):
    lines = ["date,country,issuer_name,issuer_kind,title"]
    lines += [f"2021-01-{1 + i % 28:02d},SYR,UN Security Council,security_council,T{i}"
              for i in range(200_000)]
    lines[10] = '2021-01-10,SYR,UN Security Council,security_council,"T9'  # row 11 of the file
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = import_file(path, "table", user=system("t"), engine=engine)
    assert r.rows_read == 200_000  # the physical rows, every one accounted for
    assert (r.accepted + r.duplicates, r.quarantined) == (199_999, 1)
    [q] = list_quarantine(engine=engine).to_dict("records")
    assert q["row"] == 11 and "unclosed quote" in q["reason"]
    assert q["raw"]["_line"] == lines[10]  # the row's text, whole, to fix


def test_1_an_unclosed_quote_in_a_bundle_and_an_sp_export(engine, tmp_path):
    signals = SIGNALS + [["s-open", "2011-02-23", "LBY", "ohchr-hc", "true", '"open', "", "", "", ""]]
    folder = write_bundle(tmp_path / "b", signals)
    text = (folder / "signals.csv").read_text(encoding="utf-8").replace('"""open"', '"open')
    (folder / "signals.csv").write_text(text + "s-after,2011-02-24,LBY,ohchr-hc,true,after,,,,\n",
                                        encoding="utf-8")
    r = import_file(folder, "bundle", user=system("t"), engine=engine)
    assert r.quarantined == 1 and "s-after" in set(load_bundle(engine).signals["signal_id"])
    sp = tmp_path / "sp.csv"
    rows = [sp_row(1), sp_row(2), sp_row(3)]
    rows[1][9] = '"1'
    write_csv(sp, SP_HEADER, rows)
    sp.write_text(sp.read_text(encoding="utf-8").replace('"""1"', '"1'), encoding="utf-8")
    r = import_file(sp, "ohchr-sp", user=system("t"), engine=engine)
    assert (r.rows_read, r.accepted, r.quarantined) == (3, 2, 1)


# ---------------------------------------------------------------- 2. days out of range

@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1900-01-01"])
def test_2_every_parser_refuses_days_out_of_range(engine, tmp_path, day):
    table = tmp_path / "t.csv"
    table.write_text("date,country,issuer_name,issuer_kind\n"
                     f"{day},SYR,UN Security Council,security_council\n", encoding="utf-8")
    sp = tmp_path / "sp.csv"
    write_csv(sp, SP_HEADER, [sp_row(1, day)])
    outcomes = tmp_path / "o.csv"
    write_csv(outcomes, ["country", "date", "kind", "reference", "title", "url"],
              [["SYR", day, "special_session", "S-99", "", ""]])
    nhri = tmp_path / "n.csv"
    write_csv(nhri, ["country", "institution", "status", "date of review"],
              [["Syria", "National Commission", "A", day]])
    bundle = write_bundle(tmp_path / "b", [SIGNALS[0][:1] + [day] + SIGNALS[0][2:]])
    for path, kind in [(table, "table"), (sp, "ohchr-sp"), (outcomes, "outcomes"),
                       (nhri, "nhri"), (bundle, "bundle")]:
        r = import_file(path, kind, user=system("t"), engine=engine)
        assert r.quarantined == 1, kind
    reasons = list_quarantine(engine=engine)["reason"]
    assert all("outside the days the product accepts" in r for r in reasons), list(reasons)
    # Nothing stored reached the frames, and the pages' loaders work.
    assert load_bundle(engine).signals.empty and load_outcomes(engine).empty


def test_2_a_membership_before_the_un_is_fine_before_1800_is_not(engine, tmp_path):
    path = tmp_path / "m.csv"
    write_csv(path, ["org_id", "country", "since", "until"],
              [["las", "SYR", "1945-03-22", ""], ["las", "EGY", "1700-01-01", ""]])
    r = import_file(path, "memberships", user=system("t"), engine=engine)
    assert (r.accepted, r.quarantined) == (1, 1)


def test_2_the_loader_never_crashes_on_a_stored_row(engine, tmp_path):
    import_file(write_bundle(tmp_path / "b"), "bundle", user=system("t"), engine=engine)
    with engine.begin() as conn:  # as written before days were checked
        conn.execute(sa.text("UPDATE signals SET date = '9999-12-31' WHERE signal_id = 'libya-2011-hc'"))
        conn.execute(sa.text("UPDATE data_version SET version = version + 1"))
    frames.invalidate()
    bundle = load_bundle(engine)
    assert sorted(bundle.signals["signal_id"]) == ["libya-2011-las", "libya-2011-sc"]
    assert "libya-2011-hc" not in set(bundle.links["signal_id"])


def test_2_the_migration_moves_stored_rows_out_of_range_into_the_quarantine(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = get_engine(url)
    try:
        upgrade(engine, "bt1")
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO imports (user_name, created_at, file_name, sha256, "
                                 "source_kind, options, rows_read, accepted, duplicates, quarantined, "
                                 "skipped, problems) VALUES ('t', '2024-01-01', 'f', '', 'bundle', "
                                 "'{}', 0, 0, 0, 0, 0, '{}')"))
            conn.execute(sa.text("INSERT INTO issuers (issuer_id, name, kind, country, "
                                 "accreditation, scope, import_id) VALUES ('hc', 'HC', "
                                 "'high_commissioner', '', '', '', 1)"))
            for sid, day in [("ok", "2011-02-22"), ("bad", "9999-12-31")]:
                conn.execute(sa.text("INSERT INTO signals (signal_id, date, country, concern, title, "
                                     "url, reference, summary, language, category, import_id) "
                                     "VALUES (:s, :d, 'LBY', 1, 't', '', '', '', '', '', 1)"),
                             {"s": sid, "d": day})
                conn.execute(sa.text("INSERT INTO signal_issuers VALUES (:s, 'hc')"), {"s": sid})
        upgrade(engine, "head")
        q = list_quarantine(engine=engine)
        assert len(q) == 1 and q.loc[0, "raw"]["signal_id"] == "bad"
        assert q.loc[0, "raw"]["issuers"] == "hc" and "9999-12-31" in q.loc[0, "reason"]
        assert list(load_bundle(engine).signals["signal_id"]) == ["ok"]
    finally:
        dispose_engine(url)


# ---------------------------------------------------------------- 3. file problems, exit 2

def test_3_deeply_nested_json_and_repeated_xlsx_headers_exit_2(db_url, tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert cli(["import", str(deep), "--kind", "table"]) == 2
    assert "nested too deeply" in capsys.readouterr().out
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["date", "country", "date"])
    book.active.append(["2021-01-01", "SYR", "2021-01-02"])
    xlsx = tmp_path / "dup.xlsx"
    book.save(xlsx)
    assert cli(["import", str(xlsx), "--kind", "table"]) == 2
    assert "more than once in the header" in capsys.readouterr().out


# ---------------------------------------------------------------- 4. an unknown bundle column

def test_4_a_misspelt_bundle_column_is_reported_not_dropped_silently(engine, tmp_path):
    folder = write_bundle(tmp_path / "b")
    text = (folder / "signals.csv").read_text(encoding="utf-8").replace("summary", "sumary", 1)
    (folder / "signals.csv").write_text(text, encoding="utf-8")
    r = import_file(folder, "bundle", user=system("t"), engine=engine)
    assert r.accepted == 6
    assert any("unknown column(s)" in p and "sumary" in p for p in r.problems), r.problems


# ---------------------------------------------------------------- 5. whole or not at all

def test_5_a_bundle_with_a_file_that_is_not_utf8_stores_nothing(engine, tmp_path):
    folder = write_bundle(tmp_path / "b")
    (folder / "signals.csv").write_bytes((folder / "signals.csv").read_text().replace(
        "Libya", "Lïbya").encode("latin-1"))
    before = table_counts(engine)
    r = import_file(folder, "bundle", user=system("t"), engine=engine)
    assert not r.read_anything and any("not UTF-8" in p for p in r.problems)
    assert table_counts(engine) == before  # not even its issuers
    assert cli(["import", str(folder), "--kind", "bundle"]) == 2


# ---------------------------------------------------------------- 6. quarantine keys

def test_6_re_importing_the_same_bad_file_adds_no_second_quarantine_row(engine, tmp_path):
    folder = write_bundle(tmp_path / "b", SIGNALS + [["bad", "22/02/2011", "LBY", "ohchr-hc", "true",
                                                       "", "", "", "", ""]])
    for _ in range(3):
        r = import_file(folder, "bundle", user=system("t"), engine=engine)
        assert r.quarantined == 1  # the report still says the row is not in
    assert len(list_quarantine(engine=engine)) == 1


# ---------------------------------------------------------------- 7. database is locked

def test_7_a_busy_database_is_a_clear_message_not_sql(tmp_path, monkeypatch, capsys):
    path = tmp_path / "busy.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("PREVENTION_DB_BUSY_SECONDS", "0.5")
    from prevention.storage.settings import get_settings

    get_settings.cache_clear()
    try:
        assert cli(["db", "upgrade"]) == 0
        holder = sqlite3.connect(path, timeout=0.1)
        holder.execute("BEGIN EXCLUSIVE")  # another writer holding the database
        try:
            code = cli(["import", str(PROJECT_DIR / "data" / "sample"), "--kind", "bundle"])
        finally:
            holder.rollback()
            holder.close()
        err = capsys.readouterr().err
        assert code == 1
        assert "the database is busy" in err and "try again" in err
        assert "SELECT" not in err and "INSERT" not in err and "sqlite3" not in err
    finally:
        dispose_engine(f"sqlite:///{path}")
        get_settings.cache_clear()


def test_7_the_busy_message_reaches_the_pages_without_sql(monkeypatch):
    from streamlit.testing.v1 import AppTest

    import prevention.web.session as login

    def locked(*_a, **_k):
        raise sa.exc.OperationalError("SELECT * FROM account_sessions", {},
                                      sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(login, "current_user", locked)
    at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=30).run()
    assert not at.exception
    text = " ".join(e.value for e in at.error)
    assert "database is busy" in text and "SELECT" not in text

