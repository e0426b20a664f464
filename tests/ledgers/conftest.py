"""Fixtures of the ledger tests: the service world and the API's received file."""
import pytest

from tests.services.handover_world import World
from tests.web.conftest import received  # noqa: F401


@pytest.fixture
def world(make_actor):
    return World(make_actor)
