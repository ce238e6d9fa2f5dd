"""A hot read statement run on the driver's own connection where that gives the same values.

On PostgreSQL (psycopg) the statement SQLAlchemy compiled is sent as a server-side prepared
statement on the session's connection (its transaction, after the session's autoflush), and the
row comes back as a light named tuple: the same values as SQLAlchemy's row (psycopg's types for
these columns are the ones SQLAlchemy returns), without its per-execution result machinery —
about 0.5 ms of a 1 ms VClaim eligibility answer (docs/benchmarks.md, issue #13). Elsewhere (SQLite,
whose dates SQLAlchemy converts from text) the statement runs through SQLAlchemy as before.
:meth:`PreparedRead.first_async` sends the same statement on an asyncpg connection (the event-loop
reads of :mod:`jkn.bridging.core.async_read`), with the same values (tests/vclaim/test_vclaim_fast_read.py).
:class:`PreparedWrite` does the same for the hot INSERTs of a write (tests/store/test_prepared_write.py).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from typing import Any

from psycopg.rows import namedtuple_row
from sqlalchemy import Select, exc
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.orm import Session


class PreparedRead:
    """``PreparedRead(select)``; ``.first(session, params)``: the first row or None, ``.all(session,
    params)``: every row, with the selected columns' keys as attributes. Values the statement itself
    holds (a literal) are sent with ``params``; it cannot hold an expanding ``IN``."""

    def __init__(self, stmt: Select):
        self.stmt = stmt
        self.row = namedtuple("Row", list(stmt.selected_columns.keys()))
        self._sql: str | None = None  # as SQLAlchemy's psycopg dialect compiles it (pyformat parameters)
        self._own: dict[str, Any] = {}  # the statement's own bound values
        self._asyncpg: tuple[str, tuple[str, ...]] | None = None  # as its asyncpg dialect does, parameter names

    def first(self, session: Session, params: dict[str, Any]):
        return self._run(session, params, lambda cursor: cursor.fetchone(), lambda result: result.first())

    def all(self, session: Session, params: dict[str, Any]) -> list:
        return self._run(session, params, lambda cursor: cursor.fetchall(), lambda result: result.all())

    async def first_async(self, connection, params: dict[str, Any]):
        """:meth:`first` on an asyncpg connection: the statement as SQLAlchemy's asyncpg dialect compiles
        it (``$1`` placeholders), prepared (asyncpg's statement cache), the row as the same named tuple."""
        if self._asyncpg is None:
            compiled = self.stmt.compile(dialect=asyncpg_dialect())
            if "POSTCOMPILE" in str(compiled):
                raise TypeError("an expanding IN cannot be prepared; compare with each value instead")
            self._own = self._own or {k: v for k, v in compiled.params.items() if v is not None}
            self._asyncpg = (str(compiled), tuple(compiled.positiontup))
        sql, names = self._asyncpg
        values = {**self._own, **params} if self._own else params
        record = await connection.fetchrow(sql, *(values[name] for name in names))
        return None if record is None else self.row._make(record)

    def _run(self, session: Session, params: dict[str, Any], fetch, fetch_result):
        connection = session.connection()
        dialect = connection.dialect
        if dialect.driver != "psycopg":
            return fetch_result(session.execute(self.stmt, params))
        session.flush()  # what session.execute's autoflush does
        make = self.row._make
        cursor = connection.connection.driver_connection.cursor(row_factory=lambda _cursor: make)
        try:
            if self._sql is None:
                compiled = self.stmt.compile(dialect=dialect)
                self._own = {k: v for k, v in compiled.params.items() if v is not None}
                self._sql = str(compiled)
                if "POSTCOMPILE" in self._sql:
                    raise TypeError("an expanding IN cannot be prepared; compare with each value instead")
            cursor.execute(self._sql, {**self._own, **params} if self._own else params, prepare=True)
            return fetch(cursor)
        finally:
            cursor.close()


class PreparedWrite:
    """A hot write that answers rows — an INSERT … RETURNING, or a SELECT over such INSERTs as CTEs
    (Antrean's entry or task time with its audit row, :mod:`jkn.services.care.queues`); the statement
    built once, SQLAlchemy Core — run as PreparedRead runs a read: ``PreparedWrite.first(session, stmt,
    values)``, the first returned row (columns as attributes) or None.

    On psycopg the statement is compiled once per set of given columns, as SQLAlchemy's own execution
    compiles it, and sent prepared on the session's connection with the values SQLAlchemy would
    send: the Python-side defaults of the columns not given (``insert_prefetch``; scalars and callables
    that take no execution context, as this project's tables have), each column's bind
    processor (JSON), the statement's own bound values (``last + 1``). Elsewhere it runs through
    SQLAlchemy. Only for statements built once (the compiled forms are kept per statement). A
    database error is raised as SQLAlchemy raises it (``IntegrityError`` …); :attr:`wrote` is told of
    every write made this way (jkn.services.unit_of_work's guard against writes outside a unit of work).
    """

    _compiled: dict = {}  # (statement, given keys, dialect) -> (sql, prefetch columns, bind processors, fixed values)
    wrote: Callable[[Session], None] = staticmethod(lambda session: None)

    @classmethod
    def first(cls, session: Session, stmt, values: dict[str, Any]):
        session.flush()  # what the session holds first (a row the new one names exists)
        connection = session.connection()
        dialect = connection.dialect
        if dialect.driver != "psycopg":
            return session.execute(stmt, values).first()
        key = (stmt, tuple(values), dialect)
        done = cls._compiled.get(key)
        if done is None:
            compiled = stmt.compile(dialect=dialect, column_keys=list(values))
            fixed = {k: v for k, v in compiled.construct_params(_check=False).items() if k not in values}
            done = cls._compiled[key] = (str(compiled), [(c.key, c.default) for c in compiled.insert_prefetch],
                                         list(compiled._bind_processors.items()), fixed)
        sql, prefetch, processors, fixed = done
        params = {**fixed, **values}
        for name, default in prefetch:
            params[name] = default.arg(None) if default.is_callable else default.arg
        for name, process in processors:
            params[name] = process(params[name])
        PreparedWrite.wrote(session)
        dbapi = dialect.loaded_dbapi
        cursor = connection.connection.driver_connection.cursor(row_factory=namedtuple_row)
        try:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone()
        except dbapi.Error as err:
            raise exc.DBAPIError.instance(sql, params, err, dbapi.Error) from err
        finally:
            cursor.close()
