"""Fixtures of the resilience tests: real servers on the test database, killed and restarted."""
import pytest

from tests.resilience.servers import Server
from tests.services.handover_world import World


@pytest.fixture
def world(make_actor):
    return World(make_actor)


@pytest.fixture
def servers(db_url, tmp_path):
    """servers() -> a new Server on the test database and the one scan store; all stopped at the end."""
    started = []

    def start():
        started.append(Server(db_url, tmp_path / "scans", tmp_path))
        return started[-1]

    yield start
    for server in started:
        server.stop()
