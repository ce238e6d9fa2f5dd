"""FastAPI dependencies shared by routers."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from jkn.services.unit_of_work import close_checked


def get_session(request: Request) -> Iterator[Session]:
    """A session per request; services open their own transaction (``with unit_of_work(session):``)."""
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        close_checked(session)
