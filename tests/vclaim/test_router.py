"""Every bridging service finds a request's route as a scan of its routes in order would (the router
only skips routes of another shape: jkn.bridging.core.protocol.Router._candidates): the first route whose
method and segments match, "not a method of this path" when only another method's does, else unknown."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jkn.bridging import SERVICES
from jkn.bridging.core.protocol import ProtocolError

METHODS = ("GET", "POST", "PUT", "DELETE")


def scanned(router, method: str, path: str):
    """The route and parameters, or the error's message, as a scan of every route in order finds them."""
    parts = [p for p in path.split("/") if p]
    for route in router.routes:
        params = route.match(method, parts)
        if params is not None:
            return route, params
    if any(route.match(route.method, parts) is not None for route in router.routes):
        return "not a method"
    return "unknown"


def resolved(router, method: str, path: str):
    try:
        return router.resolve(method, path)
    except ProtocolError as exc:
        return "not a method" if "not a method" in exc.message else "unknown"


def _paths(router) -> list[str]:
    """Each route's pattern with its parameters filled, in upper and lower case, and with a segment more or less."""
    out = []
    for route in router.routes:
        path = "/".join("A1b" if s.startswith("{") else s for s in route.segments)
        out += [path, path.upper(), f"/{path}/", f"{path}/extra", "/".join(path.split("/")[:-1])]
    return out


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_every_route_is_found_as_a_scan_finds_it(service):
    for path in _paths(service.router):
        for method in METHODS:
            assert resolved(service.router, method, path) == scanned(service.router, method, path), (method, path)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SERVICES), st.sampled_from(METHODS), st.data())
def test_any_path_is_resolved_as_a_scan_resolves_it(service, method, data):
    segments = [s for r in service.router.routes for s in r.segments if not s.startswith("{")] + ["", "x", "1"]
    path = "/".join(data.draw(st.lists(st.sampled_from(segments) | st.text("aB/1", max_size=4), max_size=7)))
    assert resolved(service.router, method, path) == scanned(service.router, method, path)
