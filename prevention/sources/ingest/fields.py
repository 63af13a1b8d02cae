"""The stored fields of signals and issuers, in the order they are written."""

SIGNAL_FIELDS = ["date", "country", "concern", "title", "url", "reference", "summary", "language",
                 "category"]
ISSUER_FIELDS = ["name", "kind", "country", "accreditation", "scope"]
