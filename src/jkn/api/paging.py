"""Links between the pages of a REST listing (issue #15, point 6): RFC 8288 ``Link`` header and ``links``.

Every paged ``/api/v1`` listing takes ``limit`` and ``offset``. Its answer carries a ``Link`` header
with ``rel="first"``, ``"prev"``, ``"next"`` and, when the total is known, ``"last"``, each the
request's own URL with only ``limit`` and ``offset`` changed; a body that is an object also carries
them as ``links: {first, prev, next, last}`` (null where there is none). A listing whose body is a
bare list (``/api/v1/facilities``) has the header only, with ``next`` when the page was full.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

RELS = ("first", "prev", "next", "last")

#: the 200 answer of a paged listing, for ``responses=`` (the OpenAPI document names the header)
PAGED: dict[int | str, dict[str, Any]] = {200: {
    "description": "One page of the listing",
    "headers": {"Link": {
        "description": 'RFC 8288 links to the other pages: rel="first", "prev", "next" and "last" (when the total '
                       'is known), each this URL with only limit and offset changed',
        "schema": {"type": "string"}}}}}


def page_links(request: Request, limit: int, offset: int, *, total: int | None = None,
               shown: int | None = None) -> dict[str, str | None]:
    """The URLs of the first, previous, next and last pages (None where there is none). With ``total``
    unknown, ``next`` exists when the page was full (``shown == limit``) and ``last`` is None."""
    def at(start: int) -> str:
        return str(request.url.include_query_params(limit=limit, offset=start))

    more = offset + limit < total if total is not None else shown == limit
    last = None
    if total is not None:
        last = at(max(0, (total - 1) // limit * limit) if total else 0)
    return {"first": at(0), "prev": at(max(0, offset - limit)) if offset > 0 else None,
            "next": at(offset + limit) if more else None, "last": last}


def _header(links: dict[str, str | None]) -> str:
    return ", ".join(f'<{url}>; rel="{rel}"' for rel in RELS if (url := links.get(rel)))


def linked(request: Request, response: Response, page: dict[str, Any]) -> dict[str, Any]:
    """A page ``{total, limit, offset, items, ...}`` with its ``links``, and the ``Link`` header set."""
    links = page_links(request, page["limit"], page["offset"], total=page["total"])
    response.headers["Link"] = _header(links)
    return {**page, "links": links}


def linked_list(request: Request, response: Response, items: list, limit: int, offset: int) -> list:
    """A bare list's page: the ``Link`` header only (total unknown; ``next`` when the page was full)."""
    response.headers["Link"] = _header(page_links(request, limit, offset, shown=len(items)))
    return items
