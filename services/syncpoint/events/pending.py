"""Events collected during a transaction and published only once it commits.

Services call `collect(session, message)`; the session hooks below drop messages whose
SAVEPOINT (a failed mutation) or whole transaction rolled back, and hand the rest to the bus the
request attached to the session: just before the outermost commit (PostgreSQL NOTIFY, delivered
by the server at commit) and right after it (in-process broadcast).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from syncpoint.events.bus import EventBus
from syncpoint.events.messages import BlockerEventMessage

_PENDING = "syncpoint.pending_events"
_BUS = "syncpoint.event_bus"

Pending = list[tuple[SessionTransaction | None, BlockerEventMessage]]


def _sync(session: AsyncSession | Session) -> Session:
    return session.sync_session if isinstance(session, AsyncSession) else session


def attach_bus(session: AsyncSession | Session, bus: EventBus) -> None:
    """Publish this session's committed events on `bus` (sessions without a bus publish nothing)."""
    _sync(session).info[_BUS] = bus


def collect(session: AsyncSession | Session, message: BlockerEventMessage) -> None:
    """Remember `message` until the transaction it belongs to commits or rolls back."""
    sync = _sync(session)
    transaction = sync.get_nested_transaction() or sync.get_transaction()
    sync.info.setdefault(_PENDING, []).append((transaction, message))


def pending_messages(session: AsyncSession | Session) -> list[BlockerEventMessage]:
    """Messages waiting for the commit (for tests and diagnostics)."""
    return [message for _tx, message in _sync(session).info.get(_PENDING, [])]


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # releasing a SAVEPOINT commits nothing yet
    bus: EventBus | None = session.info.get(_BUS)
    pending: Pending = session.info.get(_PENDING, [])
    if bus is not None and pending:
        bus.publish_in_transaction(session, [message for _tx, message in pending])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    pending: Pending = session.info.pop(_PENDING, [])
    bus: EventBus | None = session.info.get(_BUS)
    if bus is not None and pending:
        bus.publish_committed([message for _tx, message in pending])


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: Any) -> None:
    pending: Pending | None = session.info.get(_PENDING)
    if not pending:
        return
    if previous.parent is None:
        pending.clear()
        return
    pending[:] = [(tx, m) for tx, m in pending if not _within(tx, previous)]
