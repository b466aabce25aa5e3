"""The journey engine on the demo registry: the service fixtures of the unit tests."""

from tests.unit.conftest import clock, demo_template, new_session, service  # noqa: F401 - fixtures
