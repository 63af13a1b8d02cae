"""Versioned rule sets in the database: editing saves a new version; old ones stay readable.

The shipped rule sets (data/rules/*.yaml) are seeded as their first versions the first time
the store is read, so a freshly migrated database already has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import yaml
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prevention.accounts import audit
from prevention.accounts.access import Principal, require
from prevention.storage.db import session_scope
from prevention.storage.frames import bump_version
from prevention.storage.models.core import RuleSetVersion
from prevention.storage.models.review import RuleSetPublication, utcnow
from triggers.rules import (
    DEFAULT_RULE_SET_ID,
    RuleSet,
    load_rule_set,
    parse_rule_set,
    rule_set_to_yaml,
    shipped_rule_sets,
)

SHIPPED_AUTHOR = "system"


class RuleSetNotFound(LookupError):
    """No stored rule set (or version) with that id."""


class RuleSetConflict(RuntimeError):
    """Someone else saved a version of the same rule set at the same moment."""


@dataclass(frozen=True)
class RuleSetInfo:
    id: str
    version: int
    title: str
    author: str
    note: str
    created_at: datetime


def seed_shipped(session: Session) -> int:
    """Store each shipped rule-set version that is not stored yet (a new shipped version is
    added beside the older ones); returns how many were added."""
    stored = {tuple(r) for r in session.execute(select(RuleSetVersion.id, RuleSetVersion.version))}
    added = 0
    for rid, rules in shipped_rule_sets().items():
        if (rid, rules.version) in stored:
            continue
        session.add(RuleSetVersion(id=rid, version=rules.version, title=rules.title,
                                   body=rule_set_to_yaml(rules), author=SHIPPED_AUTHOR,
                                   note=f"shipped with the product (data/rules/{rid}.yaml)"))
        added += 1
    if added:
        bump_version(session)
    return added


def _ensure_seeded(engine: Engine | None) -> None:
    with session_scope(engine) as s:
        if s.scalar(select(func.count()).select_from(RuleSetVersion)) == 0:
            try:
                with s.begin_nested():
                    seed_shipped(s)
            except IntegrityError:
                pass  # another process seeded at the same moment: its rows are as good


def list_rule_sets(engine: Engine | None = None) -> list[RuleSetInfo]:
    """Every stored version of every rule set, by id then version."""
    _ensure_seeded(engine)
    with session_scope(engine) as s:
        rows = s.execute(select(RuleSetVersion.id, RuleSetVersion.version, RuleSetVersion.title,
                                RuleSetVersion.author, RuleSetVersion.note,
                                RuleSetVersion.created_at)
                         .order_by(RuleSetVersion.id, RuleSetVersion.version)).all()
    return [RuleSetInfo(*row) for row in rows]


def get_rule_set(rule_set_id: str, version: int | None = None,
                 engine: Engine | None = None) -> RuleSet:
    """A stored rule set: the given version, or the latest."""
    _ensure_seeded(engine)
    with session_scope(engine) as s:
        query = select(RuleSetVersion).where(RuleSetVersion.id == rule_set_id)
        if version is None:
            query = query.order_by(RuleSetVersion.version.desc()).limit(1)
        else:
            query = query.where(RuleSetVersion.version == version)
        row = s.scalars(query).first()
        if row is None:
            known = sorted(set(s.scalars(select(RuleSetVersion.id))))
            what = f"rule set {rule_set_id!r}" + (f" version {version}" if version else "")
            raise RuleSetNotFound(f"no {what} is stored; stored ids: {', '.join(known) or 'none'}")
        return parse_rule_set(yaml.safe_load(row.body), origin=f"stored {rule_set_id} v{row.version}")


def save_rule_set_version(rules: RuleSet, author: Principal, note: str = "", *,
                          engine: Engine | None = None, session: Session | None = None) -> RuleSet:
    """Store `rules` as the next version of its id (version 1 for a new id) and return it.
    `author`: the acting account; its stored role must allow `scenario.save`.

    Pass `session` to save inside the caller's transaction (e.g. with its audit entry).
    """
    if session is None:
        _ensure_seeded(engine)
        try:
            with session_scope(engine) as s:
                return save_rule_set_version(rules, author, note, session=s)
        except IntegrityError:
            raise RuleSetConflict(
                f"another version of {rules.id!r} was saved at the same moment; "
                "reload the latest version and save your change again") from None
    require(author, "scenario.save", session)
    latest = session.scalar(select(func.max(RuleSetVersion.version))
                            .where(RuleSetVersion.id == rules.id)) or 0
    # Re-validate the copy: model_copy(update=...) skips validation.
    saved = parse_rule_set(rules.model_copy(update={"version": latest + 1}).model_dump(mode="json"),
                           origin=f"{rules.id} v{latest + 1}")
    session.add(RuleSetVersion(id=saved.id, version=saved.version, title=saved.title,
                               body=rule_set_to_yaml(saved), author=author.username[:120], note=note))
    session.flush()
    audit.record(session, author, "ruleset.save", "rule_set", f"{saved.id}@{saved.version}",
                 after=saved.model_dump(mode="json"), detail=note)
    bump_version(session)
    return saved


# ---------------------------------------------------------------- the published version

def published(session: Session) -> tuple[str, int]:
    """(rule-set id, version) that cases open under: the latest publication, else the shipped
    default. Saving a new version (e.g. a lab scenario) does not publish it; an admin does."""
    row = session.scalar(select(RuleSetPublication).order_by(RuleSetPublication.id.desc()).limit(1))
    if row is None:
        return DEFAULT_RULE_SET_ID, load_rule_set(DEFAULT_RULE_SET_ID).version
    return row.rule_set_id, row.rule_set_version


def publish(session: Session, actor: Principal | None, rule_set_id: str, version: int,
            note: str = "") -> None:
    """Make a stored rule-set version the one cases open under (admins only; audited)."""
    require(actor, "ruleset.publish", session)
    exists = session.scalar(select(RuleSetVersion.id).where(
        RuleSetVersion.id == rule_set_id, RuleSetVersion.version == version))
    if exists is None:
        raise RuleSetNotFound(f"no stored rule set {rule_set_id!r} version {version}")
    before = dict(zip(("rule_set_id", "version"), published(session)))
    session.add(RuleSetPublication(rule_set_id=rule_set_id, rule_set_version=version,
                                   published_by=actor.username, published_at=utcnow(), note=note))
    audit.record(session, actor, "ruleset.publish", "rule_set", f"{rule_set_id}@{version}",
                 before=before, after={"rule_set_id": rule_set_id, "version": version}, detail=note)
    session.flush()
    # The public pages' choice of rule sets and their default follow the publication.
    bump_version(session)


def stored_rule_set(rule_set_id: str, version: int) -> RuleSet:
    """A stored version, or the shipped file when it is that version and not stored yet."""
    try:
        return get_rule_set(rule_set_id, version)
    except RuleSetNotFound:
        shipped = load_rule_set(rule_set_id)
        if shipped.version != version:
            raise
        return shipped


def published_rule_set() -> RuleSet:
    """The published rule set itself, loaded from the rule-set store."""
    with session_scope() as s:
        rid, version = published(s)
    return stored_rule_set(rid, version)
