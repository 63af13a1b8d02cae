"""The PostgreSQL grants for the application's own role (docs/promises.md shows them).

The audit log's triggers stop the application from changing history only while the role it
connects as cannot remove them. In PostgreSQL only a table's owner (or a superuser) may drop or
disable its triggers, and only a superuser may `SET session_replication_role = replica`, which
would skip them. So production uses two roles: an owner that runs `python -m prevention db
upgrade` (and owns every table), and the application's login role below, which owns nothing,
is not a superuser, and may only read and write rows, never UPDATE, DELETE or TRUNCATE the
audit log. SQLite has no roles: whoever can write the file can also drop its triggers.
"""

from __future__ import annotations


def application_role_sql(role: str, database: str) -> list[str]:
    """Statements an owner (or a superuser) runs once, after `db upgrade`, to create the
    application's role. New tables from later migrations are covered by the default
    privileges, which apply to tables the migrating role creates afterwards."""
    if not role.replace("_", "").isalnum() or not database.replace("_", "").isalnum():
        raise ValueError("role and database names: letters, digits and underscores only")
    return [
        f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT",
        f"GRANT CONNECT ON DATABASE {database} TO {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
