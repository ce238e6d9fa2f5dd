"""Routes whose JSON answers are read in the caller's language (issue 11): every ``explanation`` (the
steps as stored, :meth:`jkn.rules.decision.Step.as_dict`) with the deciding steps first and each source
named, and every stored ``answer``. One route class for the routers that return explanations
(``APIRouter(route_class=ExplainedRoute)``), so no endpoint translates on its own."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi import Request, Response
from fastapi.routing import APIRoute

from jkn.api.errors import language
from jkn.rules.decision import read_explained


class ExplainedRoute(APIRoute):
    """An API route whose JSON body has its explanations read in the ``Accept-Language`` (default Indonesian)."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            response = await handler(request)
            if response.media_type == "application/json" and b'"explanation"' in response.body:
                body = json.dumps(read_explained(json.loads(response.body), language(request)), ensure_ascii=False,
                                  separators=(",", ":")).encode("utf-8")
                response.body = body
                response.headers["content-length"] = str(len(body))
            return response

        return route
