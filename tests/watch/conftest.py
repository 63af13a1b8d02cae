"""The seeded database of tests/ui for the watch tests that need the real sample data."""

from tests.ui.conftest import seeded_template, ui_db  # noqa: F401
