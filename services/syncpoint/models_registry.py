"""Imports every context's models so `Base.metadata` is complete (for Alembic and tests)."""

from syncpoint.auth import models as auth_models
from syncpoint.blockers import models as blockers_models
from syncpoint.cadence import models as cadence_models
from syncpoint.core.models import Base
from syncpoint.dependencies import models as dependencies_models
from syncpoint.products import models as products_models
from syncpoint.teams import models as teams_models
from syncpoint.work import models as work_models

__all__ = [
    "Base",
    "auth_models",
    "blockers_models",
    "cadence_models",
    "dependencies_models",
    "products_models",
    "teams_models",
    "work_models",
]
