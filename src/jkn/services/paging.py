"""One page of a listing (issue #15, point 6): SQL ``LIMIT``/``OFFSET`` over a query with a stable
``ORDER BY``, and the count of every row the query finds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def page(session: Session, stmt: Select, limit: int, offset: int, view: Callable[[Any], Any] = lambda row: row,
         *, scalars: bool = True) -> dict[str, Any]:
    """``{total, limit, offset, items}``: the rows ``offset + 1 .. offset + limit`` of ``stmt`` (which must
    be ordered by a unique key, so pages neither repeat nor lose a row), each through ``view``;
    ``scalars=False`` gives ``view`` whole result rows (several entities or columns)."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    found = stmt.limit(limit).offset(offset)
    rows = session.scalars(found).all() if scalars else session.execute(found).all()
    return {"total": total, "limit": limit, "offset": offset, "items": [view(r) for r in rows]}
