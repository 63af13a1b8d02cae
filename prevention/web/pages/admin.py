"""Administration: accounts, the published rule set, and the audit log (filter and export)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from prevention.accounts import audit, auth
from prevention.accounts.access import ROLES, PermissionDenied, require_page
from prevention.cases import rulesets
from prevention.storage.db import session_scope
from prevention.web import common, views
from prevention.web.session import current_user

user = current_user()
try:
    require_page(user, "admin")
except PermissionDenied as exc:
    st.error(f"{views.md_text(exc)}. Sign in with an admin account on the Account page.")
    st.stop()

st.title("Administration")


def _do(fn, done: str) -> None:
    """Run one write in its own transaction; show the refusal instead of a traceback."""
    try:
        with session_scope() as s:
            fn(s)
    except (auth.AccountError, rulesets.RuleSetNotFound, PermissionDenied) as exc:
        st.error(views.md_text(exc))
        return
    st.toast(done)
    st.rerun()


accounts_tab, rules_tab, audit_tab = st.tabs(["Accounts", "Published rule set", "Audit log"])

with accounts_tab:
    with session_scope() as s:
        accounts = pd.DataFrame(auth.list_accounts(s, user))
    st.dataframe(views.accounts_table(accounts), hide_index=True, width="stretch")
    names = list(accounts["username"])
    c1, c2 = st.columns(2)
    with c1.form("add_account", clear_on_submit=True):
        st.write("**Add an account**")
        name = st.text_input("Username")
        role = st.selectbox("Role", ROLES)
        email = st.text_input("Email (for sign-in through the identity provider)")
        pw = st.text_input("Initial password (leave empty for identity-provider sign-in only)",
                           type="password")
        if st.form_submit_button("Add"):
            _do(lambda s: auth.add_account(s, user, name, role, pw or None, email=email or None),
                f"Added {views.md_text(name)}.")
    with c2.form("change_account"):
        st.write("**Change an account**")
        who = st.selectbox("Account", names)
        new_role = st.selectbox("New role", ROLES)
        b1, b2, b3 = st.columns(3)
        if b1.form_submit_button("Set role"):
            _do(lambda s: auth.set_role(s, user, who, new_role), f"{views.md_text(who)} is now {new_role}.")
        if b2.form_submit_button("Disable"):
            _do(lambda s: auth.disable(s, user, who), f"Disabled {views.md_text(who)}.")
        if b3.form_submit_button("Enable"):
            _do(lambda s: auth.enable(s, user, who), f"Enabled {views.md_text(who)}.")
    with st.form("reset_password", clear_on_submit=True):
        st.write("**Reset a password**")
        who_pw = st.selectbox("Account", names, key="pw_account")
        new_pw = st.text_input("New password", type="password")
        if st.form_submit_button("Set password"):
            _do(lambda s: auth.set_password(s, user, who_pw, new_pw), f"Password of {views.md_text(who_pw)} set; their sessions have ended.")

with rules_tab:
    with session_scope() as s:
        rid, version = rulesets.published(s)
    st.write(f"Cases open under **{views.md_text(rid)} v{version}**. Saving a new version (for example from the "
             "threshold lab) does not change this; publishing does.")
    choices = [k for k in common.rule_set_choices()]
    with st.form("publish"):
        pick = st.selectbox("Rule set version", choices,
                            format_func=lambda k: common.rule_set_choices().get(k, k))
        note = st.text_input("Why (recorded in the audit log)")
        if st.form_submit_button("Publish"):
            chosen = common.rule_set(pick)
            _do(lambda s: rulesets.publish(s, user, chosen.id, chosen.version, note),
                f"Published {views.md_text(chosen.label)}.")

with audit_tab:
    c1, c2, c3 = st.columns(3)
    actor = c1.text_input("Who (username)")
    action = c2.text_input("Action (e.g. case. for every case action)")
    entity = c3.selectbox("Entity", ["", "case", "account", "rule_set", "import", "quarantine",
                                     "audit_log"])
    c4, c5, c6 = st.columns(3)
    since = c4.date_input("From", value=date.today() - timedelta(days=30))
    until = c5.date_input("To", value=date.today())
    text = c6.text_input("Containing")
    flt = audit.AuditFilter(actor=actor or None, action=action or None, entity_type=entity or None,
                            since=since, until=until, text=text or None)
    with session_scope() as s:
        entries = audit.rows(audit.query(s, user, flt))
    st.caption(f"{len(entries)} entries (at most {flt.limit}), newest first. The log is append-only. "
               "Select an entry to see the values it recorded.")
    picked = st.dataframe(views.audit_table(entries), hide_index=True, width="stretch",
                          key="audit_entries", on_select="rerun", selection_mode="single-row",
                          column_config={"What": st.column_config.TextColumn(width="large")})
    chosen = picked.selection.rows if picked else []
    if chosen:
        entry = entries[chosen[0]]
        with st.expander(f"Recorded values of entry {entry['id']} (JSON)", expanded=True):
            st.write(views.md_text(views.audit_sentence(entry)))
            st.json(views.recorded_values(entry))
    key = f"_audit_export_{hash(flt)}"
    if key not in st.session_state:
        if st.button("Prepare CSV export", help="The export itself is recorded in the audit log."):
            with session_scope() as s:
                st.session_state[key] = audit.export_csv(s, user, flt)
            st.rerun()
    else:
        st.download_button("Download the audit log (CSV)", st.session_state[key],
                           f"audit-{since}-{until}.csv", "text/csv")
