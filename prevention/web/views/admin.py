"""The Administration page's tables: accounts in words, the audit log as sentences."""

from __future__ import annotations

import pandas as pd

from prevention.display.audit import audit_sentence, audit_table, minute, recorded_values

__all__ = ["accounts_table", "audit_table", "audit_sentence", "recorded_values"]


def accounts_table(accounts: pd.DataFrame) -> pd.DataFrame:
    """auth.list_accounts() rows for display: name, role, e-mail, how they sign in, enabled,
    created (to the minute); no database ids."""
    cols = ["Username", "Name shown", "Role", "E-mail", "Signs in with", "Enabled", "Created (UTC)"]
    if accounts is None or accounts.empty:
        return pd.DataFrame(columns=cols)
    a = accounts
    get = lambda c, default="": a[c] if c in a else pd.Series(default, index=a.index)  # noqa: E731
    return pd.DataFrame({
        "Username": a["username"].to_numpy(),
        "Name shown": get("display_name").fillna("").to_numpy(),
        "Role": a["role"].to_numpy(),
        "E-mail": get("email").fillna("").to_numpy(),
        "Signs in with": ["password" if p else "identity provider only"
                          for p in get("has_password", True)],
        "Enabled": ["no" if d else "yes" for d in get("disabled", False)],
        "Created (UTC)": [minute(t) for t in get("created_at", None)],
    }, columns=cols)
