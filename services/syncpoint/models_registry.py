"""Imports every context's models so `Base.metadata` is complete (for Alembic and tests)."""

from syncpoint.auth import models as auth_models
from syncpoint.core.models import Base
from syncpoint.teams import models as teams_models

__all__ = ["Base", "auth_models", "teams_models"]
