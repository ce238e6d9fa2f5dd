"""The ASGI application: REST API, bridging services (VClaim) and web pages over one database."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

import jkn
from jkn.api import v1
from jkn.api.errors import install_error_handlers
from jkn.api.h2h import install as install_h2h
from jkn.api.security_headers import install as install_security_headers
from jkn.bridging import install as install_bridging
from jkn.bridging.core.async_read import close as close_fast_reads
from jkn.bridging.core.async_write import close as close_loop_writes
from jkn.store.bootstrap import prepare_database
from jkn.store.engine import session_factory
from jkn.web import install_web


def health() -> dict:
    """Liveness check (answered by the bridging front, documented by the REST route)."""
    return {"status": "ok"}


class App(FastAPI):
    """The app: a path the bridging front answers (:func:`jkn.bridging.install`: the bridging services,
    ``/health``) goes straight to the middleware stack, without FastAPI's per-request check of
    OpenTelemetry providers (3 % of a VClaim eligibility answer, docs/benchmarks.md "sixth pass"); the
    pages and the REST API keep it."""

    fronted = None  # set when the middleware stack is built

    async def __call__(self, scope, receive, send):
        if (scope["type"] == "http" and self.fronted is not None and self.middleware_stack is not None
                and self.fronted(scope["path"])):
            scope["app"] = self  # as Starlette's own __call__ does
            return await self.middleware_stack(scope, receive, send)
        await super().__call__(scope, receive, send)


def create_app(database_url: str | None = None) -> FastAPI:
    """Build the app; the database is migrated and reference data loaded at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        engine = prepare_database(database_url)
        app.state.engine = engine
        app.state.sessions = session_factory(engine)
        yield
        await close_fast_reads(app.state)
        await close_loop_writes(app.state)
        engine.dispose()

    app = FastAPIOffline(  # /docs and /redoc with their assets served by the app: no CDN (issue #11)
        title="jkn",
        version=jkn.__version__,
        description="Jaminan Kesehatan Nasional as BPJS Kesehatan's documents describe it.",
        lifespan=lifespan,
    )
    app.__class__ = App  # fastapi_offline builds a plain FastAPI; App only adds how a request is routed
    install_error_handlers(app)
    app.include_router(v1.router)
    install_h2h(app)  # banks host-to-host (issue #15)
    install_web(app)
    app.get("/health", tags=["meta"], summary="Liveness check")(health)
    # bridging (/vclaim-rest, issues #5 and #13) and /health answered in front of every middleware
    install_bridging(app, fast_paths={"/health": health})
    install_security_headers(app)  # issue #10: around everything, Starlette's error pages included
    return app
