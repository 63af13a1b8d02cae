"""Data: imports with a progress bar, the import history, the quarantine (fix and re-submit),
what each source was searched for (coverage: admins add or end rows) and the signals each kind
of import brought."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from prevention.accounts.access import can, require
from prevention.sources import coverage as coverage_admin
from prevention.sources import quarantine
from prevention.sources import uploads as data_admin
from prevention.sources.importers import available_kinds
from prevention.sources.ingest import IngestError, import_file
from prevention.storage import frames
from prevention.storage.db import session_scope
from prevention.web import common, views
from triggers.vocabulary import ISSUER_KINDS

KIND_HELP = {
    "bundle": "signal bundle: signals.csv + issuers.csv (+ memberships.csv), or a .zip of them",
    "table": "a spreadsheet of signals with a column mapping",
    "ohchr-sp": "OHCHR Special Procedures communications (CSV export)",
    "undl": "UN Digital Library: GA and SC resolutions",
    "memberships": "regional organisation memberships",
    "nhri": "GANHRI accreditation of NHRIs",
    "ngos": "NGOs with ECOSOC consultative status",
    "outcomes": "Council outcomes (special sessions, inquiries)",
}

d = common.header("Data", "Import the evidence, see what every import did, fix rejected rows.")
actor = common.guard("data")

st.subheader("Import")
kinds = available_kinds()
if not kinds:
    st.warning("No importer is installed.")
else:
    kind = st.selectbox("Source", kinds, format_func=lambda k: f"{k} — {KIND_HELP.get(k, '')}")
    uploads = st.file_uploader("Files", accept_multiple_files=True, type=["csv", "zip", "json", "tsv", "txt"])
    if st.button("Import", type="primary", disabled=not (uploads and can(actor, "import.run"))):
        require(actor, "import.run")
        bar = st.progress(0.0, text="Reading…")

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(min(done / total, 1.0) if total else 1.0, text=f"{stage}: {done:,} of {total:,}")

        with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
            try:
                path = data_admin.stage_upload([(u.name, u.getvalue()) for u in uploads], kind, Path(tmp))
                report = import_file(path, kind, user=actor, progress=progress)
            except (data_admin.UploadError, IngestError) as exc:
                bar.empty()
                # The server's temporary folder means nothing to the reader: names only.
                st.error(views.md_text(views.without_folder(str(exc), tmp)))
            else:
                bar.progress(1.0, text="Done")
                frames.invalidate()
                st.session_state["_last_import"] = views.without_folder(report.summary(), tmp)
                st.rerun()
if "_last_import" in st.session_state:
    st.text(st.session_state["_last_import"])

st.subheader("Import history")
history = data_admin.import_history()
history["File"] = [views.shown_name(f) for f in history["File"]]  # no server folders
if history.empty:
    st.info("Nothing imported yet: import a signal bundle above.")
else:
    st.dataframe(history, hide_index=True, width="stretch", key="history")
    common.downloads(history, "import-history", d["synthetic"], "history")

st.subheader("Quarantine")
open_rows = quarantine.list_quarantine("open")
if open_rows.empty:
    st.caption("No rows are waiting: every imported row was accepted, a duplicate, or skipped.")
else:
    shown = views.quarantine_table(open_rows)
    st.dataframe(shown, hide_index=True, width="stretch", key="quarantine")
    common.downloads(shown, "quarantine", d["synthetic"], "quarantine")
    qid = st.selectbox("Fix row", open_rows["id"].tolist(),
                       format_func=lambda i: f"#{i}: " + str(open_rows.set_index("id").loc[i, "reason"])[:90])
    row = open_rows.set_index("id").loc[qid]
    st.caption("Edit the values and re-submit; the row is parsed again exactly like the original file.")
    if row["suggestions"]:
        st.caption("Suggestions: " + views.md_text(", ".join(map(str, row["suggestions"]))))
    raw = dict(row["raw"] or {})
    edited = st.data_editor(pd.DataFrame([{k: ("" if v is None else str(v)) for k, v in raw.items()}]),
                            hide_index=True, width="stretch", key=f"fix_{qid}")
    if st.button("Re-submit", disabled=not can(actor, "quarantine.fix"), key=f"resubmit_{qid}"):
        require(actor, "quarantine.fix")
        result = quarantine.resubmit(int(qid), edited.iloc[0].to_dict(), user=actor)
        if result.fixed:
            st.success(f"Row #{qid} stored.")
            st.rerun()
        else:
            st.error(f"Still rejected: {views.md_text(result.reason)}")

st.subheader("What was searched (coverage)")
st.caption("A criterion can say “not met” only about days its sources were searched "
           "completely. Imports declare what they searched; add a row when sources were "
           "searched by hand (“we entered every High Commissioner statement of 2024”), and end "
           "one when a source stopped being kept up.")
coverage_rows = d["coverage"]
spans = views.source_spans(coverage_rows)
if spans.empty:
    st.info("Nothing is declared as searched: every criterion reads “no data”, and no State "
            "can be clear.")
else:
    shown_spans = spans.drop(columns=["kind"])
    st.dataframe(shown_spans, hide_index=True, width="stretch", key="coverage_spans")
    common.downloads(shown_spans, "coverage-spans", d["synthetic"], "coverage_spans")
unsearched = views.unsearched_kinds(coverage_rows)
if unsearched:
    st.caption("Never searched: " + ", ".join(unsearched)
               + ". Criteria counting them read “no data”.")
with st.expander(f"Every stored coverage row ({len(coverage_rows)})"):
    rows_table = views.coverage_rows_table(coverage_rows)
    st.dataframe(rows_table, hide_index=True, width="stretch", key="coverage_rows")
    common.downloads(rows_table, "coverage-rows", d["synthetic"], "coverage_rows")

if can(actor, "coverage.declare"):
    declare_col, end_col = st.columns(2)
    with declare_col, st.form("declare_coverage", clear_on_submit=True):
        st.markdown("**Add a coverage row**")
        source = st.text_input("Source id", placeholder="e.g. hc-statements-2024", key="cov_source")
        issuer_kind = st.selectbox("Issuer kind searched", ISSUER_KINDS,
                                   format_func=views.kind_title, key="cov_kind")
        codes = sorted(d["countries"]["iso3"]) if len(d["countries"]) else []
        country = st.selectbox("State", [""] + codes, format_func=lambda c: c or "every State",
                               key="cov_country")
        c1, c2 = st.columns(2)
        first = c1.date_input("First day searched", value=None, format="YYYY-MM-DD",
                              key="cov_start")
        last = c2.date_input("Last day searched", value=None, format="YYYY-MM-DD", key="cov_end")
        completeness = st.radio("Completeness", ["complete", "sample"], horizontal=True,
                                key="cov_completeness",
                                help="complete: everything the source published in the span is "
                                     "loaded; sample: some of it.")
        note = st.text_input("Note (why: what was searched, by whom)", key="cov_note")
        if st.form_submit_button("Add coverage row"):
            try:
                require(actor, "coverage.declare")
                with session_scope() as s:
                    added = coverage_admin.declare(
                        s, actor, source=source, issuer_kind=issuer_kind, country=country,
                        start=first or "", end=last or "", completeness=completeness, note=note)
                    added_id = added.id
                frames.invalidate()
                st.session_state["_coverage_done"] = f"Coverage row #{added_id} added."
                st.rerun()
            except coverage_admin.CoverageError as exc:
                st.error(views.md_text(exc))
    with end_col, st.form("end_coverage", clear_on_submit=True):
        st.markdown("**End a coverage row**")
        described = {r["Row"]: f"#{r['Row']} {r['Source']} · {r['Issuer kind']} · {r['State']} · "
                               f"{r['From']} to {r['To']}" for r in rows_table.to_dict("records")}
        row_id = st.selectbox("Row", list(described), index=None, format_func=described.get,
                              placeholder="Choose a row", key="cov_end_row")
        new_last = st.date_input("New last day searched", value=None, format="YYYY-MM-DD",
                                 key="cov_end_day")
        end_note = st.text_input("Note (why it ends)", key="end_note")
        if st.form_submit_button("End coverage row"):
            try:
                require(actor, "coverage.declare")
                if row_id is None or new_last is None:
                    raise coverage_admin.CoverageError("choose a row and its new last day")
                with session_scope() as s:
                    coverage_admin.end(s, actor, int(row_id), new_last, note=end_note)
                frames.invalidate()
                st.session_state["_coverage_done"] = (f"Coverage row #{row_id} now ends on "
                                                      f"{new_last}.")
                st.rerun()
            except coverage_admin.CoverageError as exc:
                st.error(views.md_text(exc))
    if "_coverage_done" in st.session_state:
        st.success(st.session_state.pop("_coverage_done"))
else:
    st.caption("Adding or ending coverage rows needs an admin account.")

st.subheader("Signals per import kind")
sources = views.sources_table(d["sources"])
if sources.empty:
    st.info("No signals loaded yet.")
else:
    st.caption("How many signals each kind of import brought, and the dates of the first and "
               "last: not the days searched, which are above.")
    st.dataframe(sources, hide_index=True, width="stretch", key="sources")
    common.downloads(sources, "sources", d["synthetic"], "sources")

# -- Public sources (issue 14): what each fetch did, and a fetch on demand. The table comes from
# prevention.sources.status; the fetch itself checks `source.fetch` on the server side.
from prevention.sources import registry as source_registry  # noqa: E402
from prevention.sources import run as source_run  # noqa: E402
from prevention.sources import status as source_status  # noqa: E402
from prevention.sources.archive import ArchiveDamaged  # noqa: E402
from prevention.storage.settings import get_settings  # noqa: E402

st.subheader("Public sources")
st.caption("What `python -m prevention fetch` (and its daily timer) read from each public "
           "source: the last fetch, what it added, the coverage it declared. A fetch that "
           "stopped continues where it stopped; every response is archived.")
source_table = source_status.sources_table()
st.dataframe(source_table, hide_index=True, width="stretch", key="source_status")
source_id = st.selectbox("Source", source_table["Source"].tolist(), key="fetch_source")
source_cov = source_status.source_coverage(source_id)
if source_cov.empty:
    st.caption(f"{source_id} has declared no coverage yet.")
else:
    st.dataframe(source_cov, hide_index=True, width="stretch", key="source_coverage")
missing = source_registry.unavailable(get_settings())
needs_setting = source_id in missing
if needs_setting:
    st.caption(views.md_text(f"{source_id} {missing[source_id]}."))
since = None
if source_id == "reliefweb-ohchr":
    since = st.date_input("First day to search (needed for the first fetch only)", value=None,
                          format="YYYY-MM-DD", key="fetch_since")
if st.button("Fetch now", disabled=needs_setting or not can(actor, "source.fetch"),
             key="fetch_now"):
    bar = st.progress(0.0, text=f"Fetching {source_id}…")

    def fetch_progress(stored: int, expected: int | None, message: str) -> None:
        share = stored / expected if expected else stored / (stored + 1)
        bar.progress(min(share, 1.0), text=message if expected else
                     f"{message}; the source does not say how many pages there are")

    try:
        fetched = source_run.fetch(source_id, since=since.isoformat() if since else None,
                                   actor=actor, progress=fetch_progress)
    except (source_run.SourceNotReady, source_run.SourceBusy, ArchiveDamaged) as exc:
        bar.empty()
        st.error(views.md_text(exc))
    else:
        bar.progress(1.0, text="Done")
        frames.invalidate()
        st.session_state["_last_fetch"] = fetched.summary()
        st.rerun()
if "_last_fetch" in st.session_state:
    st.text(st.session_state["_last_fetch"])
if not can(actor, "source.fetch"):
    st.caption("Fetching needs an admin account.")
