"""E-mail digests through a real SMTP server on loopback (aiosmtpd): weekly and on change,
to the owner's account address, recorded only once sent."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import datetime, timedelta, timezone

import pytest
from aiosmtpd.controller import Controller

from prevention.accounts.auth import User
from prevention.storage.db import session_scope
from prevention.storage.settings import Settings
from prevention.watch import digests, subscriptions, watchlists
from tests.ui.conftest import account_id


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def settings(port: int) -> Settings:
    return Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                    smtp_from="Prevention Dashboard <dash@example.org>",
                    public_url="https://dash.example.org")


def vera() -> User:
    return User(account_id("viewer"), "vera", "viewer")


def give_vera_an_address() -> None:
    from sqlalchemy import text

    with session_scope() as s:
        s.execute(text("UPDATE accounts SET email = 'vera@example.org' WHERE username = 'vera'"))


def test_a_weekly_digest_is_sent_once_a_week(ui_db, smtp):
    inbox, port = smtp
    give_vera_an_address()
    info = watchlists.create(vera(), "Sahel", ["LBY", "MLI"])
    subscriptions.set_digest(info.id, vera(), "weekly")
    lines = []
    assert digests.run(send=True, settings=settings(port), say=lines.append) == 0
    [(to, msg)] = inbox.messages
    assert to == ["vera@example.org"] and msg["From"] == "Prevention Dashboard <dash@example.org>"
    assert msg["Subject"].startswith("[Prevention Dashboard] Sahel:")
    body = msg.get_content()
    assert "Today:" in body and "Libya (LBY)" in body
    assert f"https://dash.example.org/watchlists?watchlist={info.id}" in body
    assert "/feeds/watchlist/" in body and "not rules the Human Rights Council adopted" in body
    sent = subscriptions.settings_of(info.id, vera())
    assert sent.digest_sent_at is not None and set(sent.digest_statuses) == {"LBY", "MLI"}
    # The next run within the week sends nothing; a week later it does.
    assert digests.run(send=True, settings=settings(port), say=lines.append) == 0
    assert len(inbox.messages) == 1 and "no digest is due" in lines
    later = datetime.now(timezone.utc) + timedelta(days=7)
    assert digests.run(send=True, now=later, settings=settings(port), say=lines.append) == 0
    assert len(inbox.messages) == 2


def test_on_change_sends_only_when_something_changed(ui_db, smtp, tmp_path):
    from tests.ui.test_live_pages import hc_statement_today

    inbox, port = smtp
    give_vera_an_address()
    info = watchlists.create(vera(), "North Africa", ["LBY"])
    subscriptions.set_digest(info.id, vera(), "change")
    # Nothing in the last week (the sample is from 2011, stored just now: new by storage).
    lines = []
    digests.run(send=True, settings=settings(port), say=lines.append)
    first = len(inbox.messages)
    digests.run(send=True, settings=settings(port), say=lines.append)
    assert len(inbox.messages) == first  # nothing new since the last one
    assert any("nothing changed" in line for line in lines)
    hc_statement_today(tmp_path)
    digests.run(send=True, settings=settings(port), say=lines.append)
    assert len(inbox.messages) == first + 1
    body = inbox.messages[-1][1].get_content()
    assert "became ▲ triggered" in body and "was " in body
    assert "1 status change" in inbox.messages[-1][1]["Subject"]


def test_dry_run_sends_nothing_and_missing_settings_exit_2(ui_db, smtp):
    inbox, port = smtp
    give_vera_an_address()
    info = watchlists.create(vera(), "Sahel", ["LBY"])
    subscriptions.set_digest(info.id, vera(), "weekly")
    lines = []
    assert digests.run(send=False, settings=settings(port), say=lines.append) == 0
    assert not inbox.messages and any("would send to vera@example.org" in line for line in lines)
    assert subscriptions.settings_of(info.id, vera()).digest_sent_at is None
    assert digests.run(send=True, settings=Settings(), say=lines.append) == 2


def test_an_unreachable_server_records_nothing(ui_db):
    give_vera_an_address()
    info = watchlists.create(vera(), "Sahel", ["LBY"])
    subscriptions.set_digest(info.id, vera(), "weekly")
    lines = []
    assert digests.run(send=True, settings=settings(_free_port()), say=lines.append) == 3
    assert subscriptions.settings_of(info.id, vera()).digest_sent_at is None


def test_a_list_whose_owner_has_no_address_is_skipped(ui_db, smtp):
    inbox, port = smtp
    info = watchlists.create(vera(), "Sahel", ["LBY"])
    subscriptions.set_digest(info.id, vera(), "weekly")
    lines = []
    assert digests.run(send=True, settings=settings(port), say=lines.append) == 0
    assert not inbox.messages and any("no e-mail address" in line for line in lines)


def test_the_cli_command(ui_db, capsys):
    from prevention.cli import main

    assert main(["digest"]) == 0
    assert "no digest is due" in capsys.readouterr().out
