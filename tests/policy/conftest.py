"""Fixtures of the policy tests (shared with the other registry tests)."""

from support.registry_fixtures import api, fdb  # noqa: F401 - fixtures
