"""Imports every context's models so `Base.metadata` is complete (for Alembic and tests)."""

from syncpoint.audit import models as audit_models
from syncpoint.auth import models as auth_models
from syncpoint.blockers import models as blockers_models
from syncpoint.cadence import models as cadence_models
from syncpoint.core import data_version as data_version_table
from syncpoint.core.models import Base
from syncpoint.dependencies import models as dependencies_models
from syncpoint.forums import models as forums_models
from syncpoint.products import models as products_models
from syncpoint.scrum_of_scrums import models as scrum_of_scrums_models
from syncpoint.scrum_of_scrums import refinement_models as refinement_models
from syncpoint.teams import models as teams_models
from syncpoint.work import gate_models as work_gate_models
from syncpoint.work import models as work_models
from syncpoint.work import tracking_models as work_tracking_models

__all__ = [
    "audit_models",
    "Base",
    "auth_models",
    "blockers_models",
    "cadence_models",
    "data_version_table",
    "dependencies_models",
    "forums_models",
    "products_models",
    "scrum_of_scrums_models",
    "refinement_models",
    "teams_models",
    "work_gate_models",
    "work_models",
    "work_tracking_models",
]
