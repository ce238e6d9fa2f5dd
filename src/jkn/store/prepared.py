"""A hot statement run on the driver's own connection where that gives the same values.

On PostgreSQL the statement SQLAlchemy compiled is sent prepared on the session's connection (its
transaction, after the session's autoflush) and the row comes back as a light named tuple: the same
values as SQLAlchemy's row, without its per-execution result machinery — about 0.5 ms of a 1 ms
VClaim eligibility answer (docs/benchmarks.md, issue #13). On psycopg it goes as a server-side
prepared statement; on SQLAlchemy's asyncpg adapter (the bridging writes run in the event loop,
:mod:`jkn.bridging.core.async_write`) through the adapter's cursor, which prepares and caches it.
Elsewhere (SQLite, whose dates SQLAlchemy converts from text) the statement runs through SQLAlchemy.
:meth:`PreparedRead.first_async` sends the same statement on a bare asyncpg connection (the
event-loop reads of :mod:`jkn.bridging.core.async_read`), with the same values
(tests/vclaim/test_vclaim_fast_read.py). :class:`PreparedWrite` does the same for the hot INSERTs of
a write (tests/store/test_prepared_write.py).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from typing import Any

from asyncpg.transaction import TransactionState
from sqlalchemy import Select, event, exc
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.orm import Session
from sqlalchemy.util import await_only

#: the drivers whose connection takes a prepared statement here (others run it through SQLAlchemy)
DRIVERS = ("psycopg", "asyncpg")


def _send(connection, sql: str, names: tuple[str, ...] | None, values: dict[str, Any], make, *, read: bool = False):
    """Run ``sql`` on ``connection``'s driver (psycopg: pyformat ``values``; asyncpg under SQLAlchemy's
    adapter: ``$n`` placeholders, ``values`` in the order of ``names``); a cursor whose rows are
    ``make(row)``. A driver error is raised as SQLAlchemy raises it (``IntegrityError`` …). ``read``:
    the statement only reads and locks nothing (see :func:`_asyncpg_fetch`)."""
    dialect = connection.dialect
    dbapi = dialect.loaded_dbapi
    raw = connection.connection
    try:
        if names is None:
            cursor = raw.driver_connection.cursor(row_factory=lambda _cursor: make)
            cursor.execute(sql, values, prepare=True)
            return cursor
        return _Rows(_asyncpg_fetch(raw.dbapi_connection, sql, [values[name] for name in names], read), make)
    except dbapi.Error as err:
        raise exc.DBAPIError.instance(sql, values, err, dbapi.Error) from err


#: isolation levels under which a read before the transaction's first write sees what it would see inside
_READ_COMMITTED = (None, "read_committed")


def _asyncpg_fetch(adapted, sql: str, args: list, read: bool) -> list:
    """The rows of ``sql`` sent on the asyncpg connection under SQLAlchemy's adapter ``adapted``, in its
    transaction (begun here if this is the transaction's first statement, as the adapter's cursor
    does), prepared by asyncpg's statement cache; asyncpg's errors translated by the adapter. The
    adapter's own cursor costs about a third more per statement: a lock, the statement's attributes
    read again and a regular expression over its status, none of which a named row needs.

    A ``read`` before the transaction's first write goes before its BEGIN, saving that round trip:
    under READ COMMITTED (PostgreSQL's default, this project's) every statement sees what was committed
    when it starts, in a transaction or not, and a plain SELECT takes no lock a transaction would keep;
    the transaction begins with the first statement that writes (or locks)."""
    try:
        if adapted._transaction is None and not adapted.autocommit and not (
                read and adapted.isolation_level in _READ_COMMITTED):
            await_only(adapted._start_transaction())
        return await_only(adapted.driver_connection.fetch(sql, *args))
    except Exception as error:
        adapted._handle_exception(error)


#: ``session.info`` key: the session's connection serves write after write (``jkn.store.engine.HeldSessions``),
#: so :func:`commit_with` begins its next transaction in the same round trip
BEGIN_AHEAD = "jkn_begin_ahead"


def commit_with(session: Session, sql: str) -> bool:
    """End the session's transaction with ``sql`` (a statement holding only literals): on SQLAlchemy's
    asyncpg adapter ``sql`` and COMMIT go as one simple query, one round trip where they were two
    (issue #13, docs/benchmarks.md "sixth pass") — ``sql`` alone, committed on its own, when the
    transaction has not begun (nothing in it wrote: reads go before BEGIN, :func:`_asyncpg_fetch`).
    False elsewhere, nothing sent: the caller runs ``sql`` and commits as usual. If ``sql`` fails,
    PostgreSQL skips the rest and the transaction stays open and failed for the caller to roll back;
    the error is raised as SQLAlchemy raises it (``IntegrityError`` …). After it the session's own
    commit sends nothing.

    With ``session.info[BEGIN_AHEAD]`` (a connection kept for the next write) the next transaction's
    BEGIN goes in the same query, so the next write on this connection saves its BEGIN round trip. It
    holds no snapshot, lock or transaction id until its first statement, and every column's time is
    set in Python, none by the database's clock (whose ``now()`` would be the BEGIN's); a connection
    handed back to the pool is rolled back there (docs/vclaim.md §5).

    Leaves asyncpg's transactions as its ``Transaction.commit`` and ``start`` would (the connection's
    top transaction, each transaction's state) and the adapter's (``_transaction``), whose private
    members :func:`_asyncpg_fetch` uses too; tests/store/test_prepared_write.py and test_begin_ahead.py run
    it on every outcome."""
    session.flush()  # what the session holds goes first, in this transaction
    connection = session.connection()
    if connection.dialect.driver != "asyncpg":
        return False
    adapted = connection.connection.dbapi_connection
    transaction = adapted._transaction
    ahead = (transaction is not None and session.info.get(BEGIN_AHEAD) and not adapted.readonly
             and not adapted.deferrable and adapted.isolation_level in _READ_COMMITTED)
    driver, dbapi = adapted.driver_connection, connection.dialect.loaded_dbapi
    try:
        try:
            await_only(driver.execute(sql if transaction is None else f"{sql};COMMIT;BEGIN" if ahead
                                      else f"{sql};COMMIT"))
        except Exception as error:
            adapted._handle_exception(error)
    except dbapi.Error as err:
        raise exc.DBAPIError.instance(sql, {}, err, dbapi.Error) from err
    if transaction is not None:
        driver._top_xact = None
        transaction._state = TransactionState.COMMITTED
        adapted._transaction = None
    if ahead:  # begun in the query; handed to the adapter once the session's transaction has ended (below)
        begun = driver.transaction(isolation=adapted.isolation_level)
        begun._state = TransactionState.STARTED
        driver._top_xact = begun
        session.info[_BEGUN] = (adapted, begun)
    return True


_BEGUN = "jkn_begun_ahead"


@event.listens_for(Session, "after_transaction_end")
def _hand_over_begun(session: Session, transaction) -> None:
    """The transaction :func:`commit_with` began ahead becomes the adapter's, as its own
    ``_start_transaction`` leaves one, once the session's transaction has ended — before, the session's
    commit (or rollback) would end it too."""
    if transaction.parent is None and _BEGUN in session.info:
        adapted, begun = session.info.pop(_BEGUN)
        adapted._transaction = begun


class _Rows:
    """Rows fetched at once, read as a cursor's, each as ``make(row)``."""

    __slots__ = ("rows", "make")

    def __init__(self, rows: list, make):
        self.rows, self.make = rows, make

    def fetchone(self):
        return self.make(self.rows[0]) if self.rows else None

    def fetchall(self):
        return [self.make(row) for row in self.rows]

    def close(self):
        self.rows = []


def _compiled(stmt, dialect, **kw):
    """(sql, the positional parameters' names or None for named ones, the compiled form)."""
    compiled = stmt.compile(dialect=dialect, **kw)
    sql = str(compiled)
    if "POSTCOMPILE" in sql:
        raise TypeError("an expanding IN cannot be prepared; compare with each value instead")
    return sql, (tuple(compiled.positiontup) if compiled.positional else None), compiled


class PreparedRead:
    """``PreparedRead(select)``; ``.first(session, params)``: the first row or None, ``.all(session,
    params)``: every row, with the selected columns' keys as attributes. Values the statement itself
    holds (a literal) are sent with ``params``; it cannot hold an expanding ``IN``."""

    def __init__(self, stmt: Select):
        self.stmt = stmt
        self.row = namedtuple("Row", list(stmt.selected_columns.keys()))
        self._forms: dict[str, tuple[str, tuple[str, ...] | None]] = {}  # per driver: (sql, positional names)
        self._own: dict[str, Any] = {}  # the statement's own bound values
        self._plain = stmt._for_update_arg is None  # reads without locking (FOR UPDATE needs the transaction)

    def first(self, session: Session, params: dict[str, Any]):
        return self._run(session, params, lambda cursor: cursor.fetchone(), lambda result: result.first())

    def all(self, session: Session, params: dict[str, Any]) -> list:
        return self._run(session, params, lambda cursor: cursor.fetchall(), lambda result: result.all())

    def _form(self, dialect) -> tuple[str, tuple[str, ...] | None]:
        form = self._forms.get(dialect.driver)
        if form is None:
            sql, names, compiled = _compiled(self.stmt, dialect)
            self._own = self._own or {k: v for k, v in compiled.params.items() if v is not None}
            form = self._forms[dialect.driver] = (sql, names)
        return form

    async def first_async(self, connection, params: dict[str, Any]):
        """:meth:`first` on a bare asyncpg connection: the statement as SQLAlchemy's asyncpg dialect
        compiles it (``$1`` placeholders), prepared (asyncpg's statement cache), the row as the same
        named tuple."""
        sql, names = self._form(_ASYNCPG)
        values = {**self._own, **params} if self._own else params
        record = await connection.fetchrow(sql, *(values[name] for name in names))
        return None if record is None else self.row._make(record)

    def _run(self, session: Session, params: dict[str, Any], fetch, fetch_result):
        connection = session.connection()
        if connection.dialect.driver not in DRIVERS:
            return fetch_result(session.execute(self.stmt, params))
        session.flush()  # what session.execute's autoflush does
        sql, names = self._form(connection.dialect)
        cursor = _send(connection, sql, names, {**self._own, **params} if self._own else params, self.row._make,
                       read=self._plain)
        try:
            return fetch(cursor)
        finally:
            cursor.close()


_ASYNCPG = asyncpg_dialect()


def default_value(default) -> Any:
    """A column's Python-side default as an INSERT would take it: a scalar, or a callable that takes no
    execution context (as this project's tables have)."""
    return default.arg(None) if default.is_callable else default.arg


class PreparedWrite:
    """A hot write that answers rows — an INSERT … RETURNING, or a SELECT over such INSERTs as CTEs
    (Antrean's entry or task time with its audit row, :mod:`jkn.services.care.queues`); the statement
    built once, SQLAlchemy Core — run as PreparedRead runs a read: ``PreparedWrite.first(session, stmt,
    values)``, the first returned row (columns as attributes) or None.

    On PostgreSQL the statement is compiled once per set of given columns, as SQLAlchemy's own
    execution compiles it, and sent prepared on the session's connection with the values SQLAlchemy
    would send: the Python-side defaults of the columns not given (``insert_prefetch``; scalars and
    callables that take no execution context, as this project's tables have), each column's bind
    processor (JSON), the statement's own bound values (``last + 1``). Elsewhere it runs through
    SQLAlchemy. Only for statements built once (the compiled forms are kept per statement). A
    database error is raised as SQLAlchemy raises it (``IntegrityError`` …); :attr:`wrote` is told of
    every write made this way (jkn.services.unit_of_work's guard against writes outside a unit of work).
    """

    _compiled: dict = {}  # (statement, given keys, dialect) -> (sql, names, prefetch, bind processors, fixed, row)
    wrote: Callable[[Session], None] = staticmethod(lambda session: None)

    @classmethod
    def first(cls, session: Session, stmt, values: dict[str, Any]):
        session.flush()  # what the session holds first (a row the new one names exists)
        connection = session.connection()
        dialect = connection.dialect
        if dialect.driver not in DRIVERS:
            return session.execute(stmt, values).first()
        key = (stmt, tuple(values), dialect)
        done = cls._compiled.get(key)
        if done is None:
            sql, names, compiled = _compiled(stmt, dialect, column_keys=list(values))
            fixed = {k: v for k, v in compiled.construct_params(_check=False).items() if k not in values}
            row = namedtuple("Row", stmt.exported_columns.keys())  # RETURNING's columns, or the SELECT's
            done = cls._compiled[key] = (sql, names, [(c.key, c.default) for c in compiled.insert_prefetch],
                                         list(compiled._bind_processors.items()), fixed, row._make)
        sql, names, prefetch, processors, fixed, make = done
        params = {**fixed, **values}
        for name, default in prefetch:
            params[name] = default_value(default)
        for name, process in processors:
            params[name] = process(params[name])
        PreparedWrite.wrote(session)
        cursor = _send(connection, sql, names, params, make)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()
