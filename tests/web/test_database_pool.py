"""The PostgreSQL pool hands out a connection given back moments ago without asking the server
first (a round trip per request saved); an older one is checked. A connection the server dropped
fails one request with 503 `server.database_unavailable`, changes nothing, and the next request
works on a new connection."""
from urllib.parse import urlparse

import psycopg2
import pytest
from playhouse.db_url import parseresult_to_dict

from archive_service.db import PooledPostgres, database
from tests.conftest import PG_URL

pytestmark = pytest.mark.postgres


def _counting_pings(db, monkeypatch):
    pings = []
    check = db._adapter.is_connection_closed
    monkeypatch.setattr(db._adapter, "is_connection_closed", lambda conn: pings.append(conn) or check(conn))
    return pings


def test_a_connection_given_back_moments_ago_is_not_pinged_an_older_one_is(pg_schema_url, monkeypatch):
    db = PooledPostgres(**parseresult_to_dict(urlparse(pg_schema_url)), max_connections=4)
    pings = _counting_pings(db, monkeypatch)
    db.connect()
    db.execute_sql("SELECT 1")
    db.close()
    db.connect()
    assert pings == []
    db.close()
    monkeypatch.setattr(db, "PING_AFTER", 0.0)
    db.connect()
    assert len(pings) == 1
    db.close()
    db.close_all()


def _pool_backends():
    """Every connection of the pool: idle ones, and the one the request thread keeps."""
    pool = database.obj
    return [conn.info.backend_pid for _ts, _n, conn in pool._connections] + [
        kept.connection.info.backend_pid for kept in pool._in_use.values()]


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_dropped_connection_fails_one_request_with_503_then_the_next_works(db_url, api):
    archivist = api("li", "archivist")
    assert archivist.get("/lookup/NO-SUCH-CODE").status_code == 404
    admin = psycopg2.connect(PG_URL)
    admin.autocommit = True
    for pid in _pool_backends():
        admin.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
    admin.close()
    failed = archivist.get("/lookup/NO-SUCH-CODE")
    assert failed.status_code == 503
    assert failed.get_json()["code"] == "server.database_unavailable"
    assert archivist.get("/lookup/NO-SUCH-CODE").status_code == 404
