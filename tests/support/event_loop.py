"""Run a coroutine to its end from a test, whatever the test's thread is doing: on a thread of its
own with a new event loop (Playwright's sync API, used by the browser tests in the same worker,
leaves an event loop running on the main thread, where ``asyncio.run`` refuses to start)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run(coro):
    """``asyncio.run(coro)`` on a fresh thread; its result, or what it raised."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
