"""The four statuses: shape, colour and meaning, so a status never depends on colour alone."""

from __future__ import annotations

import pandas as pd

from triggers.bundle import Bundle
from triggers.vocabulary import STATUS_ORDER

# Shape + text + colour, so status never depends on colour alone. Okabe-Ito colours are
# distinguishable under the common colour-vision deficiencies. `undetermined` is grey with a
# question mark: the data loaded cannot tell, and it must never read as `clear` (blue).
STATUS_SHAPES = {"triggered": "▲", "watch": "◆", "undetermined": "?", "clear": "○"}
STATUS_COLOURS = {"triggered": "#D55E00", "watch": "#E69F00", "undetermined": "#9E9E9E",
                  "clear": "#56B4E9"}
# What each status means, for legends, hovers and captions (docs/criteria.md, "Status").
STATUS_MEANINGS = {
    "triggered": "enough criteria met to reach the threshold",
    "watch": "not triggered, but a criterion has reached the rule set's watch level (by "
             "default half its threshold)",
    "undetermined": "not triggered in the data loaded, but criteria the data cannot judge "
                    "could still reach the threshold",
    "clear": "every criterion that could reach the threshold was searched on every day of its "
             "window and is not met",
}
assert set(STATUS_SHAPES) == set(STATUS_COLOURS) == set(STATUS_MEANINGS) == set(STATUS_ORDER)
# Higher is more pressing: tables sort on it, most pressing first.
STATUS_RANK = {s: len(STATUS_ORDER) - i for i, s in enumerate(STATUS_ORDER)}
NO_DATA = "no data"
SYNTHETIC_MARK = "[SYNTHETIC]"


def status_label(status: str) -> str:
    """'▲ triggered', '◆ watch', '? undetermined', '○ clear'."""
    return f"{STATUS_SHAPES.get(status, '•')} {status}"


def iso(value) -> str:
    """A date as YYYY-MM-DD, or '' when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def is_synthetic(bundle: Bundle) -> bool:
    """True when any loaded signal is invented (benchmarks/synth.py marks every title)."""
    titles = bundle.signals["title"]
    return bool(len(titles)) and bool(titles.str.startswith(SYNTHETIC_MARK).any())
