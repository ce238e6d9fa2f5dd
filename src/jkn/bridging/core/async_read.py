"""Reads answered in the event loop, without a worker thread or an ORM session (issue #13).

A route that opts in (``Route.fast``, :data:`jkn.bridging.core.protocol.FastRead`) names its
statement (a :class:`jkn.store.prepared.PreparedRead`, the one its handler runs) and a pure answer
from the row. On PostgreSQL the statement is sent, prepared, on an asyncpg connection from
:class:`ReadPool`; the answer is decided, shaped and sealed in the event loop. An answer that needs
more than the row (``NeedsSession``: eligibility with something unpaid or on a past date; the handler
reads the row again) and every request on SQLite go to the handler in a worker thread as before.
The bridging consumers are read on the same pool (:func:`first`, ``jkn.bridging.core.server._read_consumer``;
docs/benchmarks.md "sixth pass").

asyncpg rather than psycopg's ``AsyncConnection``: 18 against 47-69 µs of CPU per eligibility query
(the same prepared statement, 3,000 random cards, docs/benchmarks.md "Third pass"), a fifth of what
the whole answer may cost; its values equal the psycopg row's (the answers are compared byte for
byte, tests/vclaim/test_vclaim_fast_read.py).
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg

from jkn.bridging.core.protocol import Call, FastRead
from jkn.store.engine import asyncpg_dsn

log = logging.getLogger("jkn.bridging")

#: connections of one server process (one uvicorn worker): requests beyond wait for one
POOL_SIZE = 4
#: seconds a fast read may take, waiting for a connection included, before it is answered with an error
TIMEOUT_SECONDS = 5.0


class Unavailable(Exception):
    """The database did not answer the read (down, restarting, too slow): the request gets the
    envelope's error code, logged."""


class ReadPool:
    """Up to ``size`` asyncpg connections to the app's database, opened when first needed. A
    connection that fails is dropped and replaced; a read that fails on a reused one (the server
    restarted since) is tried once more on a new one."""

    def __init__(self, engine, size: int = POOL_SIZE):
        self._dsn = asyncpg_dsn(engine)
        self._idle: list[asyncpg.Connection] = []
        self._slots = asyncio.Semaphore(size)
        self.loop = asyncio.get_running_loop()
        #: the tasks reading, each with its deadline (loop time) and its count of cancellations before
        self._reads: dict[asyncio.Task, tuple[float, int]] = {}
        self._expired: set[asyncio.Task] = set()  # cancelled by the time limit
        self._timer: asyncio.TimerHandle | None = None  # at the earliest deadline

    def watch(self, task: asyncio.Task) -> None:
        """Cancel ``task`` if it is still reading in ``TIMEOUT_SECONDS`` (:meth:`unwatch` when it is done).
        One timer for all reads, at the earliest deadline: ``asyncio.timeout`` arms and cancels one per
        read, 27k instructions (valgrind), 3 % of an eligibility answer."""
        deadline = self.loop.time() + TIMEOUT_SECONDS
        self._reads[task] = (deadline, task.cancelling())
        if self._timer is None:
            self._timer = self.loop.call_at(deadline, self._expire)

    def unwatch(self, task: asyncio.Task) -> bool:
        """The read of ``task`` is over; True if the time limit cancelled it, and nothing else did (as
        ``asyncio.timeout`` tells it)."""
        _deadline, before = self._reads.pop(task)
        if task not in self._expired:
            return False
        self._expired.discard(task)
        return task.uncancel() <= before

    def _expire(self) -> None:
        self._timer = None
        now = self.loop.time()
        earliest = None
        for task, (deadline, _before) in self._reads.items():
            if task in self._expired:
                continue
            if deadline <= now:
                self._expired.add(task)
                task.cancel()
            elif earliest is None or deadline < earliest:
                earliest = deadline
        if earliest is not None:
            self._timer = self.loop.call_at(earliest, self._expire)

    async def first(self, stmt, params: dict):
        async with self._slots:
            conn = self._idle.pop() if self._idle else None
            for reused in (conn is not None, False):
                if conn is None:
                    conn = await asyncpg.connect(self._dsn)
                try:
                    row = await stmt.first_async(conn, params)
                except Exception:
                    conn.terminate()
                    conn = None
                    if reused:  # a read may be sent again
                        continue
                    raise
                except BaseException:  # cancelled (the time limit): the connection is mid-statement
                    conn.terminate()
                    raise
                self._idle.append(conn)
                return row

    def abandon(self) -> None:
        """Drop the connections without a goodbye (their event loop is gone)."""
        while self._idle:
            try:
                self._idle.pop().terminate()
            except Exception:  # pragma: no cover - the loop is closed
                pass

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._idle:
            conn = self._idle.pop()
            try:
                await conn.close(timeout=1)
            except Exception:  # pragma: no cover - already broken
                conn.terminate()


def available(state) -> bool:
    """True if the app's database is PostgreSQL (on SQLite reads and writes stay in worker threads)."""
    return state.engine.dialect.name == "postgresql"


def of_this_loop(state, name: str, make, abandon):
    """``state.<name>``, made by ``make()`` on first use in the running event loop; one made in another
    event loop (an app run twice, in tests) is ``abandon``-ed first: its sockets are not this loop's."""
    held = getattr(state, name, None)
    if held is None or held.loop is not asyncio.get_running_loop():
        if held is not None:
            abandon(held)
        held = make()
        setattr(state, name, held)
    return held


def _pool(state) -> ReadPool:
    """The app's read pool."""
    return of_this_loop(state, "bridging_read_pool", lambda: ReadPool(state.engine), ReadPool.abandon)


async def first(state, stmt, params: dict):
    """The first row of ``stmt`` (a :class:`jkn.store.prepared.PreparedRead`) with ``params`` on the read
    pool, within ``TIMEOUT_SECONDS``; :class:`Unavailable` (logged) if the database does not answer.
    A fast read's row, and a bridging consumer's (``jkn.bridging.core.server``)."""
    pool = _pool(state)
    task = asyncio.current_task()
    pool.watch(task)
    try:
        row = await pool.first(stmt, params)
    except asyncio.CancelledError:
        if pool.unwatch(task):
            log.error("read in the event loop failed, answered with an error: no answer in %s s", TIMEOUT_SECONDS)
            raise Unavailable() from None
        raise
    except BaseException as exc:
        pool.unwatch(task)
        if isinstance(exc, (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)):
            log.error("read in the event loop failed, answered with an error: %r", exc)
            raise Unavailable() from exc
        raise
    pool.unwatch(task)
    return row


async def run(state, fast: FastRead, call: Call):
    """The route's answer to ``call`` through its fast form: raises what the form raises
    (DomainError, ProtocolError, NeedsSession), or :class:`Unavailable`."""
    stmt, params, answer = fast(call)
    return answer(await first(state, stmt, params))


async def close(state) -> None:
    """Close the read pool's connections (the app's lifespan, at shutdown)."""
    pool = getattr(state, "bridging_read_pool", None)
    if pool is not None:
        state.bridging_read_pool = None
        await pool.close()
