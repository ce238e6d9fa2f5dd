"""Portal fixtures (the data is built by portal_world.build_world)."""

from __future__ import annotations

import pytest
from portal_world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world(db)


@pytest.fixture(scope="module")
def site(_prepared, request):
    """The module's live site over build_world's data; a module may add to it with ``prepare_site(engine)``."""
    from support.browser import served_world

    with served_world(_prepared, build_world, getattr(request.module, "prepare_site", None)) as served:
        yield served


@pytest.fixture
def login(browser, site):
    """``login(user)``: a page signed in as one of build_world's users."""
    from portal_world import PASSWORD
    from support.browser import logins

    with logins(browser, site.url, PASSWORD) as login:
        yield login
