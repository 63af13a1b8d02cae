"""The error of an account operation that cannot be done as asked (a weak password, a locked
sign-in, the last administrator disabled): its message is shown to the person as it is."""

from __future__ import annotations


class AccountError(ValueError):
    """An account operation that cannot be done as asked; the message says why."""
