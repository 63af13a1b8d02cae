"""What a password must be: the rules, in the words the forms show, and the check that names
the first rule a password breaks. Hashing and verifying are the accounts' (auth.py)."""

from __future__ import annotations

from prevention.accounts.errors import AccountError

MIN_PASSWORD_LENGTH = 12


def password_rules_text() -> str:
    """The rules, in the words the forms show before anyone types (and the errors repeat)."""
    return (f"At least {MIN_PASSWORD_LENGTH} characters; not one character or a short pattern "
            "repeated (aaaa…, abcabc…); not a common password, even with digits or symbols "
            "added at either end (checked against the 30,000 most common leaked passwords); "
            "not containing your username. A few unrelated words make a good one.")


def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of the most common passwords in public leaks (lower-case), maintained with
    # the library; loaded on first use only, the sign-in path never needs it.
    global _COMMON
    if _COMMON is None:
        from zxcvbn.frequency_lists import FREQUENCY_LISTS

        _COMMON = frozenset(FREQUENCY_LISTS["passwords"])
    return _COMMON


_COMMON: frozenset[str] | None = None


def _letters_core(text: str) -> str:
    """The text without the digits and symbols at either end ('Qwerty123!' -> 'qwerty')."""
    start, end = 0, len(text)
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and not text[end - 1].isalpha():
        end -= 1
    return text[start:end]


def check_password_rules(password: str, username: str = "") -> None:
    """Raise AccountError naming the first rule of password_rules_text() the password breaks."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    folded = password.lower()
    for size in range(1, len(folded) // 2 + 1):
        if len(folded) % size == 0 and folded[:size] * (len(folded) // size) == folded:
            raise AccountError("the password is one character or a short pattern repeated; "
                               "choose one that is not (a few unrelated words work well)")
    core = _letters_core(folded)
    common = _common_passwords()
    if folded in common or (core and core in common):
        raise AccountError("that is a common password (one of the most used in public leaks, "
                           "perhaps with digits or symbols added); choose another")
    if username and username.lower() in folded:
        raise AccountError("the password must not contain the username")
