"""Data: imports with a progress bar, the import history, the quarantine (fix and re-submit)
and the coverage of each source."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from prevention import data_admin, frames, quarantine, views
from prevention.access import can, require
from prevention.importers import available_kinds
from prevention.ingest import IngestError, import_file
from prevention.ui import common

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
user = actor.username if actor else ""

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
                report = import_file(path, kind, user=user, progress=progress)
            except (data_admin.UploadError, IngestError) as exc:
                bar.empty()
                st.error(views.md_text(exc))
            else:
                bar.progress(1.0, text="Done")
                frames.invalidate()
                st.session_state["_last_import"] = report.summary()
                st.rerun()
if "_last_import" in st.session_state:
    st.text(st.session_state["_last_import"])

st.subheader("Import history")
history = data_admin.import_history()
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
        result = quarantine.resubmit(int(qid), edited.iloc[0].to_dict(), user=user)
        if result.fixed:
            st.success(f"Row #{qid} stored.")
            st.rerun()
        else:
            st.error(f"Still rejected: {views.md_text(result.reason)}")

st.subheader("Coverage per source")
sources = views.sources_table(d["sources"])
if sources.empty:
    st.info("No signals loaded yet.")
else:
    st.dataframe(sources, hide_index=True, width="stretch", key="coverage")
    common.downloads(sources, "coverage", d["synthetic"], "coverage")
missing = sorted(set(views.KIND_LABELS) - set(d["kinds"]) - {"other"})
if missing:
    st.caption("No signals at all from: " + ", ".join(views.KIND_LABELS[k] for k in missing)
               + ". Criteria counting them show “no data”.")
