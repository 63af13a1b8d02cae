"""`python -m prevention user add|set-role|disable|enable|password|list`.

Whoever can run this has the database in hand, so the commands act as an admin (recorded in the
audit log as `cli:<login name>`). Passwords are read with a hidden prompt, or from standard input
with --password-stdin (for scripts); never from an argument, which would land in shell history.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.exc import IntegrityError

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

    mail = actions.add_parser("set-email", help="set an account's e-mail address (digests, "
                                                "identity-provider sign-in); '' removes it")
    mail.add_argument("username")
    mail.add_argument("email")

    token = actions.add_parser("token", help="API tokens (docs/api.md): add, list, revoke")
    tokens = token.add_subparsers(dest="token_action", required=True)
    t_add = tokens.add_parser("add", help="make a token for an account; printed once")
    t_add.add_argument("username")
    t_add.add_argument("--label", default="", help="what the token is for")
    t_list = tokens.add_parser("list", help="an account's tokens (or every account's)")
    t_list.add_argument("username", nargs="?", default="*")
    t_revoke = tokens.add_parser("revoke", help="revoke a token by its number (see list)")
    t_revoke.add_argument("token_id", type=int)
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
            elif args.user_action == "set-email":
                email = args.email.strip().lower() or None
                if email and "@" not in email:
                    raise auth.AccountError(f"{args.email!r} is not an e-mail address")
                auth._change(s, actor, args.username, "account.set_email", email=email)
                print(f"e-mail of {args.username}: {email or '(none)'}")
            elif args.user_action == "token":
                _token(s, actor, args)
            elif args.user_action == "list":
                for a in auth.list_accounts(s, actor):
                    state = "disabled" if a["disabled"] else "enabled"
                    print(f"{a['username']}\t{a['role']}\t{state}\t{a['email'] or ''}")
    except auth.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except IntegrityError:
        print("error: another account has that e-mail address", file=sys.stderr)
        return 2
    return 0


def _token(s, actor, args) -> None:
    from prevention.accounts import api_tokens

    if args.token_action == "add":
        info, token = api_tokens.create(s, actor, args.label, username=args.username)
        print(f"token {info.id} for {info.username} (shown once; keep it secret):")
        print(token)
    elif args.token_action == "list":
        for t in api_tokens.list_tokens(s, actor, args.username):
            state = "revoked" if t.revoked_at else "live"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
            print(f"{t.id}\t{t.username}\t{t.hint}…\t{state}\t{used}\t{t.label}")
    else:
        t = api_tokens.revoke(s, actor, args.token_id)
        print(f"token {t.id} of {t.username} revoked")
