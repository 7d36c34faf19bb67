"""The per-request GraphQL context: one database session, the calling actor, the loaders."""

from __future__ import annotations

from typing import Any, TypeAlias

import strawberry
from strawberry.fastapi import BaseContext

from syncpoint.core.auth import Actor
from syncpoint.core.db import SerialSession
from syncpoint.core.loaders import Loaders
from syncpoint.core.refusals import Refusal
from syncpoint.core.settings import Settings


class Context(BaseContext):
    def __init__(self, *, session: SerialSession, actor: Actor, settings: Settings) -> None:
        super().__init__()
        self.session = session
        self.actor = actor
        self.settings = settings
        self.loaders = Loaders(session)
        self.extras: dict[str, Any] = {}
        self.refusals: list[Refusal] = []
        """Actions refused in this request: security events, stored after its transaction."""


Info: TypeAlias = strawberry.Info[Context, None]
"""What every resolver takes: `info.context` is a `Context`, never `Any`."""
