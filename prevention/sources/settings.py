"""Settings of the live sources: base URLs, the ReliefWeb appname and a contact address.

Kept apart from prevention/settings.py while the connectors are built (phase 1 of issue 14);
each field is to be merged into `prevention.settings.Settings` and documented in
docs/settings.md, whose test checks every setting is listed. The environment names are already
the final ones (prefix PREVENTION_).
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The product has no packaged version yet; the User-Agent needs one so that a provider can tell
# our releases apart when it writes to the contact address.
PRODUCT_VERSION = "0.1.0"


class SourceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PREVENTION_", extra="ignore")

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

    def user_agent(self) -> str:
        contact = self.contact or "contact not configured; set PREVENTION_CONTACT"
        return f"PreventionDashboard/{PRODUCT_VERSION} (+{contact})"


@lru_cache(maxsize=1)
def get_source_settings() -> SourceSettings:
    return SourceSettings()
