"""E-mail digests of watchlists: `python -m prevention digest [--send]`, run by a timer (never
inside a page).

Each list whose owner chose a digest (prevention.watch.subscriptions) gets, at the owner's
account e-mail address:
- weekly: once every 7 days, what changed since the last one (or that nothing did);
- on change: whenever, since the last digest, a listed State's status changed (published
  rule set, as of today) or new signals about one were stored or dated.

Statuses come from the engine on the stored data, under the published rule set, as of the day
the command runs. Without --send nothing is sent or recorded: the command prints what it
would send. Exit codes: 0 done, 2 a missing setting, 3 the SMTP server could not be reached
(nothing recorded), 1 anything else.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from urllib.parse import urlencode

import pandas as pd

from prevention.display.status import status_label
from prevention.watch import subscriptions, whatsnew
from prevention.watch.changes import changes as status_changes
from prevention.watch.feeds import CAVEAT, change_summary, country_link

WEEK = timedelta(days=7)
SLACK = timedelta(hours=1)  # a weekly timer that fires a little early still sends


@dataclass(frozen=True)
class Mail:
    watchlist_id: int
    to: str
    subject: str
    body: str
    statuses: dict


def _owner_email(username: str, engine=None) -> str | None:
    from sqlalchemy import select

    from prevention.storage.db import session_scope
    from prevention.storage.models.review import Account

    with session_scope(engine) as s:
        row = s.execute(select(Account.email, Account.disabled)
                        .where(Account.username == username)).first()
    if row is None or row[1]:
        return None
    return row[0] or None


def due(f: subscriptions.Followed, now: datetime) -> bool:
    if f.digest == "weekly":
        return f.digest_sent_at is None or now - f.digest_sent_at >= WEEK - SLACK
    return f.digest == "change"


def compose(f: subscriptions.Followed, to: str, now: datetime, *, prep, rules, names: dict,
            statuses: dict[str, str], base_url: str = "", rules_param: str = "") -> Mail | None:
    """The digest of one list, or None when it has nothing to say and needs not be sent."""
    since = f.digest_sent_at or (now - WEEK)
    codes = list(f.countries)
    before = f.digest_statuses or {}
    # From the day of the last digest: a change later that day was not in it. One that was
    # (the status it reported is the change's new one) is not repeated.
    moved = [c for c in status_changes(prep, rules, since.date(), now.date(), countries=codes)
             if not (c.day == since.date().isoformat() and before.get(c.country) == c.after)] \
        if codes else []
    differ = {c: (before.get(c), s) for c, s in statuses.items() if before and before.get(c) != s}
    new = whatsnew.whats_new(codes, whatsnew.Window(since, False))
    if f.digest == "change" and not (moved or differ or len(new)):
        return None
    rules_param = rules_param or rules.id
    lines = [f"Watchlist “{f.name}”: since {since:%Y-%m-%d %H:%M} UTC, under the published rule "
             f"set {rules.title} v{rules.version}.", ""]
    signals = prep.bundle.signals
    if moved:
        lines.append(f"Status changes ({len(moved)}):")
        for c in moved:
            lines.append("- " + change_summary(c, names.get(c.country, c.country), signals))
            if base_url:
                lines.append(f"  {country_link(base_url, c.country, rules_param, c.day)}")
    else:
        lines.append("No listed State changed status.")
    lines += ["", "Today:"]
    for code in codes:
        was = before.get(code)
        lines.append(f"- {names.get(code, code)} ({code}): {status_label(statuses.get(code, 'undetermined'))}"
                     + (f" (was {status_label(was)})" if was and was != statuses.get(code) else ""))
    stored, dated = whatsnew.counts(new)
    lines += ["", f"New signals: {stored} stored, {dated} dated since then."]
    for r in new.head(30).itertuples(index=False):
        lines.append(f"- {pd.Timestamp(r.date):%Y-%m-%d} · {names.get(r.country, r.country)} · "
                     f"{(r.reference or '').strip()} {str(r.title)[:140]}".rstrip()
                     + (f" <{r.url}>" if r.url else ""))
    if len(new) > 30:
        lines.append(f"- … and {len(new) - 30} more on the Watchlists page.")
    lines.append("")
    if base_url:
        lines.append(f"The list: {base_url}/watchlists?" + urlencode({"watchlist": f.id}))
        lines.append(f"Its feed: {base_url}/feeds/watchlist/{f.feed_token}.atom")
    lines += ["To stop these e-mails, choose “No e-mail” under “Follow and share” on the "
              "Watchlists page.", CAVEAT]
    what = (f"{len(moved)} status change{'s' if len(moved) != 1 else ''}" if moved else "no status change")
    subject = f"[Prevention Dashboard] {f.name}: {what}, {len(new)} new signal{'s' if len(new) != 1 else ''}"
    return Mail(f.id, to, subject, "\n".join(lines), dict(statuses))


def message(mail: Mail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, mail.to, mail.subject
    msg.set_content(mail.body)
    return msg


class SmtpUnreachable(RuntimeError):
    pass


def run(send: bool = False, now: datetime | None = None, engine=None, settings=None,
        say=print) -> int:
    """Compose every due digest; with `send`, send them and record each one sent."""
    from prevention.cases.rulesets import published_rule_set
    from prevention.cases.statuses import evaluation_countries
    from prevention.storage import frames
    from prevention.storage.settings import get_settings
    from triggers.evaluate import evaluate
    from triggers.prepared import prepare

    settings = settings or get_settings()
    now = now or datetime.now(timezone.utc)
    if send and not (settings.smtp_host and settings.smtp_from):
        say("digest --send: set PREVENTION_SMTP_HOST and PREVENTION_SMTP_FROM first "
            "(docs/settings.md); nothing was sent")
        return 2
    lists = [f for f in subscriptions.with_digests(engine) if due(f, now)]
    if not lists:
        say("no digest is due")
        return 0
    rules = published_rule_set()
    bundle, countries = frames.load_bundle(engine), frames.load_countries(engine)
    prep = prepare(bundle, evaluation_countries(countries, bundle))  # the pages' States
    table = evaluate(prep, rules, now.date().isoformat(), sentences=False).table.set_index("country")
    names = dict(zip(countries["iso3"], countries["name"]))
    base = settings.public_url.rstrip("/")
    mails = []
    for f in lists:
        to = _owner_email(f.owner, engine)
        if not to:
            say(f"watchlist {f.id} ({f.owner}): skipped, the account has no e-mail address")
            continue
        statuses = {c: str(table["status"].get(c, "undetermined")) for c in f.countries}
        mail = compose(f, to, now, prep=prep, rules=rules, names=names, statuses=statuses,
                       base_url=base)
        if mail is None:
            say(f"watchlist {f.id} ({f.owner}): nothing changed, nothing to send")
            continue
        mails.append(mail)
    if not send:
        for m in mails:
            say(f"--- would send to {m.to}: {m.subject}\n{m.body}\n")
        say(f"{len(mails)} digest(s) due; run with --send to send them")
        return 0
    try:
        sent = _send(mails, settings, say)
    except SmtpUnreachable as exc:
        say(f"digest --send: {exc}; nothing was recorded")
        return 3
    for m in sent:
        subscriptions.mark_digest_sent(m.watchlist_id, m.statuses, now, engine)
        say(f"sent to {m.to}: {m.subject}")
    return 0 if len(sent) == len(mails) else 1


def _send(mails: list[Mail], settings, say=print) -> list[Mail]:
    if not mails:
        return []
    try:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
    except (OSError, socket.timeout) as exc:
        raise SmtpUnreachable(f"cannot reach the SMTP server {settings.smtp_host}:"
                              f"{settings.smtp_port} ({exc})") from None
    sent = []
    with smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        for m in mails:
            try:
                smtp.send_message(message(m, settings.smtp_from))
            except smtplib.SMTPException as exc:
                say(f"watchlist {m.watchlist_id}: not sent to {m.to} ({exc})")
                continue
            sent.append(m)
    return sent
