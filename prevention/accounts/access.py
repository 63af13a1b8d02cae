"""Who may see which page and do which action: the one place the role matrix lives.

The matrix is data so that the navigation (app.py), the server-side checks in every write
function (`require`), the documentation and the tests all read the same table. Roles are not a
ladder: a `researcher` does not see the Bureau's confidential reviews, and a `reviewer` does not
save threshold-lab scenarios; `admin` may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

ROLES: tuple[str, ...] = ("viewer", "reviewer", "researcher", "admin")
ANONYMOUS = "anonymous"  # a visitor who has not signed in; not a role an account can hold
# The command line and the seed: run by whoever can open the database itself, so no account's
# role could add anything to what they can do already. Not a role an account can hold.
SYSTEM_ROLE = "system"

# page id -> what it shows. Page ids are the `url_path` of the st.Page in app.py.
PAGES: dict[str, str] = {
    "overview": "Every State's status under a rule set (public evidence)",
    "country": "One State's criteria, evidence and timeline (public evidence)",
    "about": "Where the criteria come from; attributions",
    "watchlists": "The signed-in user's own watchlists",
    "lab": "Threshold lab: change parameters, save scenarios",
    "backtest": "Back-tests against Council outcomes",
    "consistency": "Consistency of the Council's response across similar situations (research)",
    "track_record": "The criteria's track record against Council outcomes (public)",
    "data": "Imports, quarantine and coverage",
    "review": "The Bureau's confidential review queue and cases",
    "admin": "Accounts and the audit log",
    "account": "Sign in, sign out, first administrator",
    "changes": "What changed: the monthly digest of status changes (public)",
    "shared": "A watchlist its owner made readable by link (read only)",
}

# action id -> what it allows. Every function that writes checks its action with `require`.
ACTIONS: dict[str, str] = {
    "watchlist.manage": "create, rename, share and delete one's own watchlists",
    "scenario.save": "save a threshold-lab scenario as a new rule-set version",
    "backtest.run": "run back-tests (a read: nothing is stored)",
    "case.view": "read review cases, their comments, assessments and decisions (confidential)",
    "case.sync": "open cases for States that became triggered",
    "case.assign": "assign a case to a reviewer",
    "case.comment": "add a confidential comment to a case",
    "case.assess": "record the Irish-Principles judgements on a case",
    "case.transition": "move a case between new, in review and closed",
    "case.decide": "record the Bureau's decision on a case",
    "brief.export": "download a case's situation brief",
    "import.run": "import data",
    "quarantine.fix": "fix and re-submit quarantined rows",
    "coverage.declare": "declare or end what a source was searched for (coverage)",
    "source.fetch": "fetch a public source now (the Data page's Fetch now)",
    "ruleset.publish": "publish a rule-set version",
    "account.manage": "add accounts, change roles, disable accounts",
    "audit.view": "read the audit log",
    "audit.export": "export the audit log",
    "api_token.manage": "create and revoke one's own API tokens",
}

# Track record is for everyone (issue 6): the published criteria's record is public.
_PUBLIC_PAGES = {"overview", "country", "about", "account", "track_record", "changes", "shared"}
_VIEWER_PAGES = _PUBLIC_PAGES | {"watchlists"}
_CASE_ACTIONS = {"case.view", "case.sync", "case.assign", "case.comment", "case.assess",
                 "case.transition", "case.decide", "brief.export"}

ROLE_PAGES: dict[str, frozenset[str]] = {
    ANONYMOUS: frozenset(_PUBLIC_PAGES),
    "viewer": frozenset(_VIEWER_PAGES),
    "reviewer": frozenset(_VIEWER_PAGES | {"review"}),
    "researcher": frozenset(_VIEWER_PAGES | {"lab", "backtest", "consistency", "track_record"}),
    "admin": frozenset(PAGES),
}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    ANONYMOUS: frozenset(),
    "viewer": frozenset({"watchlist.manage", "api_token.manage"}),
    "reviewer": frozenset({"watchlist.manage", "api_token.manage"} | _CASE_ACTIONS),
    "researcher": frozenset({"watchlist.manage", "api_token.manage", "scenario.save",
                             "backtest.run"}),
    "admin": frozenset(ACTIONS),
}


class Principal(Protocol):
    """Anything that names who is acting: an account id, a username and a role."""

    id: int | None
    username: str
    role: str


@dataclass(frozen=True)
class System:
    """The command line or the seed acting (under the name it was given, for the records)."""

    username: str = "system"
    id: None = None
    role: str = SYSTEM_ROLE


def system(name: str = "system") -> System:
    return System(username=(name or "system")[:120])


class PermissionDenied(PermissionError):
    """The acting user's role does not allow the action; nothing was changed."""

    def __init__(self, who: str, role: str, action: str):
        self.who, self.role, self.action = who, role, action
        allowed = sorted(r for r in ROLES if action in ROLE_ACTIONS[r])
        super().__init__(f"{who} ({role}) may not {ACTIONS.get(action, action)}; "
                         f"roles allowed: {', '.join(allowed) or 'none'}")


def role_of(user: Principal | None) -> str:
    return ANONYMOUS if user is None else user.role


def can(user_or_role: Principal | str | None, action: str) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
    role = user_or_role if isinstance(user_or_role, str) else role_of(user_or_role)
    return action in ROLE_ACTIONS.get(role, frozenset())


def can_see(user_or_role: Principal | str | None, page: str) -> bool:
    if page not in PAGES:
        raise KeyError(f"unknown page {page!r}; known: {', '.join(PAGES)}")
    role = user_or_role if isinstance(user_or_role, str) else role_of(user_or_role)
    return page in ROLE_PAGES.get(role, frozenset())


def pages_for(user_or_role: Principal | str | None) -> list[str]:
    """The page ids a user may open, in the order of PAGES."""
    role = user_or_role if isinstance(user_or_role, str) else role_of(user_or_role)
    allowed = ROLE_PAGES.get(role, frozenset())
    return [p for p in PAGES if p in allowed]


def stored_role(user: Principal | None, bind: Any = None) -> str:
    """The acting account's role as the database holds it now (ANONYMOUS for nobody, a
    disabled or unknown account), whatever role the caller's object says: an object can be
    stale (the role changed since sign-in) or made up."""
    if isinstance(user, System):
        return SYSTEM_ROLE
    if user is None or getattr(user, "id", None) is None:
        return ANONYMOUS
    from sqlalchemy import select

    from prevention.storage.models.review import Account

    query = select(Account.role, Account.disabled).where(Account.id == user.id)
    if bind is None:
        from prevention.storage.db import get_engine

        bind = get_engine()
    if hasattr(bind, "connect") and not hasattr(bind, "execute"):  # an Engine
        with bind.connect() as conn:
            row = conn.execute(query).first()
    else:  # a Session or a Connection: read inside the caller's transaction
        row = bind.execute(query).first()
    if row is None or row[1]:
        return ANONYMOUS
    return row[0]


def require(user: Principal | str | None, action: str, bind: Any = None) -> None:
    """Raise PermissionDenied unless the acting account's role, as stored in the database,
    allows the action (the server-side check every function that changes data makes).
    `bind`: the caller's Session or Connection (else the default engine). A plain name is not
    an account: the command line passes system(name)."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
    if isinstance(user, str):
        raise TypeError(f"pass the acting account to check {action!r}, not the name {user!r} "
                        "(prevention.accounts.access.system(name) for the command line)")
    role = stored_role(user, bind)
    if role == SYSTEM_ROLE:
        return
    if action not in ROLE_ACTIONS.get(role, frozenset()):
        who = "an anonymous visitor" if user is None else repr(user.username)
        raise PermissionDenied(who, role, action)


def require_page(user: Principal | None, page: str) -> None:
    """Raise PermissionDenied unless the user may open the page (pages call it first)."""
    if not can_see(user, page):
        who = "an anonymous visitor" if user is None else repr(user.username)
        raise PermissionDenied(who, role_of(user), f"open the {page} page")


def matrix_markdown() -> str:
    """The matrix as a Markdown table, for docs/accounts.md (a test keeps the two in step)."""
    roles = (ANONYMOUS,) + ROLES
    lines = ["| | " + " | ".join(roles) + " |", "|---" * (len(roles) + 1) + "|"]
    for page in PAGES:
        lines.append(f"| page `{page}` | " + " | ".join(
            "yes" if page in ROLE_PAGES[r] else "" for r in roles) + " |")
    for action in ACTIONS:
        lines.append(f"| `{action}` | " + " | ".join(
            "yes" if action in ROLE_ACTIONS[r] else "" for r in roles) + " |")
    return "\n".join(lines)
