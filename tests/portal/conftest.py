"""Portal fixtures (the data is built by portal_world.build_world)."""

from __future__ import annotations

import pytest
from portal_world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world(db)
