"""Every model module, imported so that Base.metadata (and so Alembic) sees every table.

Add one import line per new module (and an Alembic revision for its tables).
"""

from prevention.models import core  # noqa: F401
from prevention.models import review  # noqa: F401
from prevention.models import security  # noqa: F401
from prevention.models import sources  # noqa: F401
from prevention.models import watch  # noqa: F401
from prevention.models.base import Base

__all__ = ["Base"]
