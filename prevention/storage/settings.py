"""Settings, each declared once with its default and help text, read from the environment.

docs/settings.md lists every setting; tests/prevention/test_settings.py fails when one is missing
there, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parents[2]
# The product has no packaged version yet; the User-Agent sent to the sources needs one so that
# a provider can tell our releases apart when it writes to the contact address.
PRODUCT_VERSION = "0.1.0"


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_DIR / 'var' / 'prevention.sqlite3'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PREVENTION_", extra="ignore")

    database_url: str = Field(
        default_factory=_default_database_url,
        # DATABASE_URL is what hosting platforms and docker images set; accept it unprefixed.
        validation_alias=AliasChoices("DATABASE_URL", "PREVENTION_DATABASE_URL"),
        description="SQLAlchemy URL of the database. Default: a SQLite file var/prevention.sqlite3 "
                    "in the project (created on first use). PostgreSQL: "
                    "postgresql+psycopg://user:password@host:5432/dbname.",
    )
    sql_echo: bool = Field(
        default=False,
        description="Log every SQL statement (for debugging slow pages or imports).",
    )
    data_dir: Path = Field(
        default=PROJECT_DIR / "data",
        description="Folder of the bundled data: rules/, reference/ and seed/ (read by `seed`).",
    )
    db_busy_seconds: float = Field(
        default=15.0, ge=0.1, le=600,
        description="How long a write waits for another writer to finish (SQLite's busy timeout; "
                    "PostgreSQL's lock timeout) before the user is told the database is busy.",
    )
    status_days: int = Field(
        default=31, ge=0, le=3660,
        description="Days, up to today, whose statuses are stored after each import, fetch and "
                    "seed (the stored status table, latest version of each rule set): the "
                    "Overview of such a day is a lookup. 0: never stored (always evaluated).",
    )
    import_batch_size: int = Field(
        default=50_000, ge=100,
        description="Rows written per INSERT batch during an import; the progress callback fires "
                    "once per batch.",
    )

    # The public sources (prevention/sources/, docs/connectors.md): base URLs are settings so
    # that tests and mirrors can point elsewhere.
    reliefweb_url: str = Field(
        default="https://api.reliefweb.int/v2",
        description="Base URL of the ReliefWeb API, version 2 (OHCHR news releases).")
    reliefweb_appname: str = Field(
        default="",
        description="The appname ReliefWeb approved for this installation. Required since "
                    "1 November 2025: request one at https://apidoc.reliefweb.int/parameters "
                    "(an unapproved name is refused with HTTP 403).")
    undl_url: str = Field(
        default="https://digitallibrary.un.org",
        description="Base URL of the UN Digital Library (datasets, records, MARCXML export).")
    undl_search_approved: bool = Field(
        default=False,
        description="Set to true once the UN Digital Library has approved automated downloading "
                    "from its search (robots.txt disallows /search): enables the HRC "
                    "resolutions source.")
    spcomm_url: str = Field(
        default="https://spcommreports.ohchr.org",
        description="Base URL of the OHCHR Special Procedures communications site.")
    sdg_url: str = Field(
        default="https://unstats.un.org/SDGAPI/v1/sdg",
        description="Base URL of the UN Statistics Division SDG API (indicator 16.a.1).")
    contact: str = Field(
        default="",
        description="A contact (e-mail or URL) sent in the User-Agent of every request, so that "
                    "a provider can reach the operator instead of blocking the traffic.")

    # The live routes (issue 16, docs/api.md): feeds, the API, e-mail digests.
    public_url: str = Field(
        default="",
        description="The dashboard's address as its users reach it (e.g. https://prevention.example.org), "
                    "for the links in e-mail digests. Feeds and the API use the address each "
                    "request came to when this is empty.")
    api_rate_per_minute: int = Field(
        default=120, ge=1, le=100_000,
        description="Requests a minute to the API and the feeds from one client address "
                    "without a token (or with an unknown one).")
    api_token_rate_per_minute: int = Field(
        default=600, ge=1, le=100_000,
        description="Requests a minute to the API with one token.")
    smtp_host: str = Field(
        default="",
        description="SMTP server for the e-mail digests (`python -m prevention digest --send`); "
                    "empty: digests are not sent.")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port.")
    smtp_user: str = Field(default="", description="SMTP user name (empty: no login).")
    smtp_password: str = Field(default="", description="SMTP password.")
    smtp_starttls: bool = Field(
        default=True,
        description="Upgrade the SMTP connection with STARTTLS before logging in (port 587); "
                    "false only for a local relay.")
    smtp_from: str = Field(
        default="",
        description="The From address of the digests, e.g. Prevention Dashboard <noreply@example.org>.")

    def user_agent(self) -> str:
        contact = self.contact or "contact not configured; set PREVENTION_CONTACT"
        return f"PreventionDashboard/{PRODUCT_VERSION} (+{contact})"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def env_names(name: str) -> list[str]:
    """The environment variable names that set one field (for the docs and their test)."""
    info = Settings.model_fields[name]
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        return [str(a) for a in alias.choices]
    return [f"PREVENTION_{name.upper()}"]
