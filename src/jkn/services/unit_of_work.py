"""The one unit of work: every use case, page, endpoint and command writes inside ``unit_of_work``.

Rules (issue #9, architecture.md "transactions around every use case"):

* Outermost call: the session's own read transaction (SQLAlchemy's autobegin after a lookup) is
  ended first, then a new transaction begins; it commits when the block ends and rolls back on
  any error. Writes made *outside* any unit of work are never committed or dropped silently:
  entering a unit of work, or closing the session, with such writes pending raises
  ``UnitOfWorkError``.
* Nested call (a use case called by another, e.g. ``jkn demo`` issuing many): it joins the
  outer unit, which commits or rolls back the whole.
* Errors become domain errors: a lost optimistic-lock race or a unique key won by a concurrent
  writer is 409 ``Conflict``; a ``RuleError`` (bad input to a rule) is 422 ``Invalid``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from jkn.i18n import Msg
from jkn.rules.decision import RuleError
from jkn.services.errors import Conflict, Invalid
from jkn.store.prepared import PreparedWrite

_DEPTH, _WROTE = "jkn_uow_depth", "jkn_uow_wrote"


class UnitOfWorkError(RuntimeError):
    """A programming error: something wrote to the database outside a unit of work."""


@event.listens_for(Session, "after_flush")
def _mark_flush(session: Session, _ctx) -> None:
    if not session.info.get(_DEPTH):
        session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _mark_execute(state) -> None:
    if state.session.info.get(_DEPTH) or state.is_select:
        return
    sql = str(getattr(state.statement, "text", "")).lstrip().upper()
    if not sql.startswith(("SELECT", "WITH")):  # a textual SELECT reads; everything else writes
        state.session.info[_WROTE] = True


def _mark_prepared_write(session: Session) -> None:
    if not session.info.get(_DEPTH):
        session.info[_WROTE] = True


PreparedWrite.wrote = staticmethod(_mark_prepared_write)  # a write sent past SQLAlchemy's events


@event.listens_for(Session, "after_transaction_end")
def _clear(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def _outside_writes(session: Session) -> bool:
    return bool(session.new or session.dirty or session.deleted or session.info.get(_WROTE))


def integrity_message(exc: IntegrityError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Run a use case in one transaction (see the module docstring)."""
    depth = session.info.get(_DEPTH, 0)
    if depth:
        session.info[_DEPTH] = depth + 1
        try:
            yield session
        except RuleError as exc:
            raise Invalid(exc.msg or str(exc), code="rule") from None
        finally:
            session.info[_DEPTH] = depth
        return
    if session.in_transaction():
        if _outside_writes(session):
            raise UnitOfWorkError("the session holds writes made outside a unit of work; they would be "
                                  "committed by accident or lost: wrap them in unit_of_work()")
        session.commit()  # only reads so far: end that transaction before our own begins
    session.info[_DEPTH] = 1
    try:
        with session.begin():
            yield session
    except StaleDataError:
        raise Conflict(Msg("error.concurrent_change")) from None
    except IntegrityError as exc:  # a unique key won by a concurrent request (NIK, payment reference ...)
        raise Conflict(Msg("error.concurrent_conflict", exc=integrity_message(exc))) from None
    except RuleError as exc:
        raise Invalid(exc.msg or str(exc), code="rule") from None
    finally:
        session.info[_DEPTH] = 0


def close_checked(session: Session) -> None:
    """Close a session, refusing loudly if it would throw away writes made outside a unit of work."""
    try:
        if session.in_transaction() and _outside_writes(session):
            raise UnitOfWorkError("a session was closed with uncommitted writes made outside a unit of work")
    finally:
        session.close()
