"""Every model module, imported so that Base.metadata (and so Alembic) sees every table.

Add one import line per new module (and an Alembic revision for its tables).
"""

from prevention.storage.models import (
    api,  # noqa: F401
    core,  # noqa: F401
    review,  # noqa: F401
    security,  # noqa: F401
    sources,  # noqa: F401
    statuses,  # noqa: F401
    watch,  # noqa: F401
)
from prevention.storage.models.base import Base

__all__ = ["Base"]
