"""The baseline of the HTTP benchmarks: a bare Starlette hello-world, served by
``uvicorn bench.hello_baseline:app --loop uvloop --http httptools`` (1 worker) in the same run
and with the same wrk settings as ``jkn serve`` (docs/benchmarks.md)."""

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def hello(request):
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/", hello), Route("/health", hello)])
