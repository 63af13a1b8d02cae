"""Review queue and case view (Bureau only). Logic lives in prevention.cases.review and .briefs.

The version a reviewer works from is the one they opened, kept in the session until they save
or reload: a rerun caused by typing must not quietly move them onto someone else's newer
version, or the conflict check would pass and overwrite that person's change.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.exc import IntegrityError

from prevention.accounts.access import PermissionDenied, can, require_page
from prevention.accounts.auth import reviewers
from prevention.cases import briefs, opening, review, rulesets
from prevention.storage.db import session_scope
from prevention.web import common, views
from prevention.web.session import current_user

user = current_user()
try:
    require_page(user, "review")
except PermissionDenied as exc:
    st.error(f"{views.md_text(exc)}. Sign in with a Bureau (reviewer) account on the Account page.")
    st.stop()

st.title("Bureau review")
st.caption("Confidential. A case opens when a State becomes triggered under the published rule "
           "set; it keeps a frozen record of what the Bureau looked at.")

rules = rulesets.published_rule_set()
d = common.data()

# Cases open by themselves: once per browser session and data version, the queue is brought up
# to date as of today (recorded in the audit log under the reviewer who opened the page).
def _sync(as_of) -> opening.SyncReport:
    evaluation = common.evaluation(rules, as_of)
    for attempt in (1, 2):
        try:
            with session_scope() as s:
                return opening.sync_cases(s, user, evaluation, d["bundle"].links)
        except IntegrityError:
            # Another reviewer's page opened the same case a moment earlier (the database
            # allows one open case per State): run again, and that case counts as already open.
            if attempt == 2:
                raise


auto_key = f"_review_auto_sync_{common.db_key()}_{rules.label}"
if can(user, "case.sync") and auto_key not in st.session_state:
    report = _sync(date.today())
    st.session_state[auto_key] = True
    if report.opened or report.reopened:
        st.session_state["_review_sync"] = report.summary()

with st.sidebar:
    as_of = st.date_input("Open cases as of", value=date.today(), key="review_as_of",
                          min_value=date(2006, 1, 1), max_value=date.today())
    if st.button("Check for newly triggered States", disabled=not can(user, "case.sync")):
        st.session_state["_review_sync"] = _sync(as_of).summary()
    if "_review_sync" in st.session_state:
        st.info(st.session_state["_review_sync"])
    st.caption(f"Published rule set: {views.md_text(rules.label)} ({views.md_text(rules.title)}).")

states = st.multiselect("States", list(review.STATE_LABELS), default=["new", "in_review", "decided"],
                        format_func=review.STATE_LABELS.get)
mine = st.toggle("Assigned to me")
with session_scope() as s:
    rows = review.queue(s, user, states, assignee_id=user.id if mine else None)
if not rows:
    st.info("No cases here. Use **Check for newly triggered States** in the sidebar.")
    st.stop()
st.dataframe(views.review_queue_table(rows, d["countries"]), hide_index=True, width="stretch")

ids = [r["case"] for r in rows]
labels = {r["case"]: f"#{r['case']} {r['country']} ({review.STATE_LABELS[r['status']]})" for r in rows}
wanted = st.query_params.get("case")
start = ids.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in ids else 0
case_id = st.selectbox("Case", ids, index=start, format_func=labels.get)
st.query_params["case"] = str(case_id)

with session_scope() as s:
    case = review.get_case(s, user, case_id)
base_key = f"_case_base_{case_id}"
base = st.session_state.setdefault(base_key, case.version)

st.header(f"{briefs.country_name(None, case.country)} ({case.country})")
snap = case.snapshot
st.write(f"**{review.STATE_LABELS[case.status]}** · frozen record {snap['seq']} of "
         f"{len(case.snapshots)}: {views.md_text(snap['rule_set_id'])} v{snap['rule_set_version']} as of "
         f"{views.iso(snap['as_of'])} · assigned to {views.md_text(case.assignee or 'nobody')} · "
         f"version {case.version}")

if base != case.version:
    with session_scope() as s:
        theirs = review.changes_since(s, case.id, base)
    st.warning("This case changed since you opened it: "
               + "; ".join(f"{views.md_text(t['actor'])}: {views.md_text(t['summary'])}" for t in theirs)
               + ". Saving now would conflict; press **Reload the case** to work from the latest.")
    if st.button("Reload the case"):
        st.session_state[base_key] = case.version
        st.rerun()

st.subheader("Frozen record")
snapshot_rules = review.snapshot_rule_set(snap)
st.dataframe(views.frozen_criteria(snap["criteria"], snapshot_rules), hide_index=True,
             width="stretch")
st.dataframe(views.frozen_evidence_table(d["bundle"], snap["evidence"]), hide_index=True,
             width="stretch", column_config={"Source": st.column_config.LinkColumn("Source")})
st.caption(f"Fingerprint of the frozen evidence (SHA-256 of its {len(snap['evidence'])} items' "
           f"content hashes, printed in the brief's footer): `{briefs.evidence_digest(snap['evidence'])}`")

st.subheader("New since the case opened")
now = common.evaluation(rules, date.today())
fresh = review.new_since(case, now, d["bundle"].links)
if fresh.empty:
    st.write("Nothing new.")
else:
    st.dataframe(views.new_evidence_table(fresh, snapshot_rules), hide_index=True, width="stretch",
                 column_config={"Source": st.column_config.LinkColumn("Source")})


def _save(**changes) -> None:
    try:
        with session_scope() as s:
            saved = review.save_case(s, user, case.id, base, **changes)
        st.session_state[base_key] = saved.version
        st.session_state.pop("_case_conflict", None)
        st.toast("Saved.")
        st.rerun()
    except review.CaseConflict as exc:
        # Widget values stay as typed: nothing of theirs or yours is lost.
        st.session_state["_case_conflict"] = exc
    except (review.CaseError, PermissionDenied) as exc:
        st.error(views.md_text(exc))


st.subheader("Review")
judgements = review.judgements()
with st.form(f"case_form_{case.id}"):
    next_states = [case.status] + sorted(review.TRANSITIONS[case.status])
    status = st.selectbox("Status", next_states, format_func=review.STATE_LABELS.get)
    with session_scope() as s:
        people = [""] + [u.username for u in reviewers(s)]
    current = case.assignee or ""
    assignee = st.selectbox("Assigned to", people, index=people.index(current) if current in people else 0,
                            format_func=lambda n: n or "nobody")
    answers = {}
    for jid, title in judgements.items():
        now_a = case.assessments.get(jid)
        ratings = list(review.RATING_LABELS)
        c1, c2 = st.columns([1, 2])
        rating = c1.selectbox(title, ratings, format_func=review.RATING_LABELS.get,
                              index=ratings.index(now_a["rating"]) if now_a else ratings.index("unknown"))
        note = c2.text_area(f"Reasons ({jid})", value=now_a["note"] if now_a else "", height=68)
        answers[jid] = (rating, note)
    if st.form_submit_button("Save", type="primary"):
        changes: dict = {}
        if status != case.status:
            changes["status"] = status
        if (assignee or None) != case.assignee:
            changes["assignee"] = assignee or None
        changed = {j: a for j, a in answers.items()
                   if (case.assessments.get(j) or {"rating": "unknown", "note": ""})["rating"] != a[0]
                   or (case.assessments.get(j) or {"note": ""})["note"] != a[1].strip()}
        if changed:
            changes["assessments"] = changed
        if changes:
            _save(**changes)
        else:
            st.info("Nothing changed.")

conflict = st.session_state.get("_case_conflict")
if conflict is not None and conflict.case_id == case.id:
    st.error(views.md_text(conflict))
    st.write("Their changes:")
    st.dataframe(pd.DataFrame([{"Who": t["actor"], "When (UTC)": views.minute(t["at"]),
                                "What": t["summary"]} for t in conflict.theirs]), hide_index=True)
    st.write("Yours (not saved):")
    st.json(conflict.yours)
    st.caption("Your entries are still in the form. Press **Reload the case**, check theirs, "
               "and save yours again.")

st.subheader("Decision")
for dec in case.decisions:
    st.write(f"{dec['decided_at']:%Y-%m-%d} **{dec['label']}** by {views.md_text(dec['decided_by'])}")
    st.text(dec["rationale"])
if case.status in ("in_review", "decided") and can(user, "case.decide"):
    with st.form(f"decision_{case.id}", clear_on_submit=False):
        action = st.selectbox("Action", list(review.ACTION_LABELS), format_func=review.ACTION_LABELS.get)
        rationale = st.text_area("Rationale (required)")
        if st.form_submit_button("Record the decision"):
            try:
                with session_scope() as s:
                    saved = review.decide(s, user, case.id, base, action, rationale)
                st.session_state[base_key] = saved.version
                st.rerun()
            except review.CaseConflict as exc:
                st.session_state["_case_conflict"] = exc
                st.rerun()
            except (review.CaseError, PermissionDenied) as exc:
                st.error(views.md_text(exc))
elif case.status == "new":
    st.caption("Move the case to 'In review' to record a decision.")

st.subheader("Comments (confidential)")
for c in case.comments:
    st.caption(f"{views.md_text(c['actor'])}, {c['created_at']:%Y-%m-%d %H:%M}")
    st.text(c["body"])
with st.form(f"comment_{case.id}", clear_on_submit=True):
    body = st.text_area("Add a comment")
    if st.form_submit_button("Add comment"):
        try:
            with session_scope() as s:
                review.comment(s, user, case.id, body)
            st.rerun()
        except (review.CaseError, PermissionDenied) as exc:
            st.error(views.md_text(exc))

st.subheader("Situation brief")
bundle = d["bundle"]


def _brief_html() -> str:
    # Made when the button is clicked (not on every rerun): that is when a brief leaves the
    # building, so that is what the audit log records.
    with session_scope() as s:
        return briefs.case_brief_html(s, user, case.id, bundle, snapshot_rules, new_since=fresh)


def _brief_pdf() -> bytes:
    with session_scope() as s:
        return briefs.case_brief_pdf(s, user, case.id, bundle, snapshot_rules, new_since=fresh)


stem = f"brief-{case.country}-case{case.id}"
try:
    briefs.pdf_engine()
    pdf_problem = None
except briefs.BriefPdfUnavailable as exc:
    pdf_problem = str(exc)
b1, b2, _ = st.columns([2, 2, 3])
b1.download_button("Situation brief (PDF)", _brief_pdf, f"{stem}.pdf", "application/pdf",
                   on_click="ignore", icon=":material/download:", type="primary",
                   disabled=pdf_problem is not None, key="brief_pdf",
                   help="A4, with the fingerprint of the frozen evidence in every page's footer. "
                        "Each download is recorded in the audit log.")
b2.download_button("Situation brief (HTML)", _brief_html, f"{stem}.html", "text/html",
                   on_click="ignore", icon=":material/download:", key="brief_html",
                   help="The same brief as one web page (print it from the browser). "
                        "Each download is recorded in the audit log.")
if pdf_problem:
    st.caption(views.md_text(pdf_problem[:1].upper() + pdf_problem[1:] + "."))
