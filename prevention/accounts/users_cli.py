"""`python -m prevention user add|set-role|disable|enable|password|list`.

Whoever can run this has the database in hand, so the commands act as an admin (recorded in the
audit log as `cli:<login name>`). Passwords are read with a hidden prompt, or from standard input
with --password-stdin (for scripts); never from an argument, which would land in shell history.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from prevention.accounts.access import ROLES


def register(sub) -> None:
    """Add the `user` command to the CLI's subparsers."""
    user = sub.add_parser("user", help="manage accounts (add, set-role, disable, enable, password, list)")
    actions = user.add_subparsers(dest="user_action", required=True)

    add = actions.add_parser("add", help="add an account (the first one must be an admin)")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--email", help="for sign-in through the identity provider (OIDC)")
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--no-password", action="store_true",
                     help="identity-provider sign-in only (needs --email)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")

    role = actions.add_parser("set-role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)

    for name, text in (("disable", "disable an account (it can no longer sign in)"),
                       ("enable", "enable a disabled account")):
        p = actions.add_parser(name, help=text)
        p.add_argument("username")

    pw = actions.add_parser("password", help="set an account's password")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true")

    actions.add_parser("list", help="list the accounts")
    user.set_defaults(handler=run)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise SystemExit("no terminal to ask for the password; use --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise SystemExit("the two passwords differ; nothing was changed")
    return first


def run(args: argparse.Namespace) -> int:
    from prevention.accounts import auth
    from prevention.storage.db import session_scope

    actor = auth.cli_actor()
    try:
        with session_scope() as s:
            if args.user_action == "add":
                password = None if args.no_password else _read_password(args.password_stdin)
                user = auth.add_account(s, actor, args.username, args.role, password,
                                        email=args.email, display_name=args.name)
                print(f"added {user.username} ({user.role})")
            elif args.user_action == "set-role":
                user = auth.set_role(s, actor, args.username, args.role)
                print(f"{user.username} is now {user.role}")
            elif args.user_action == "disable":
                print(f"disabled {auth.disable(s, actor, args.username).username}")
            elif args.user_action == "enable":
                print(f"enabled {auth.enable(s, actor, args.username).username}")
            elif args.user_action == "password":
                auth.set_password(s, actor, args.username, _read_password(args.password_stdin))
                print(f"password of {args.username} changed")
            elif args.user_action == "list":
                for a in auth.list_accounts(s, actor):
                    state = "disabled" if a["disabled"] else "enabled"
                    print(f"{a['username']}\t{a['role']}\t{state}\t{a['email'] or ''}")
    except auth.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
