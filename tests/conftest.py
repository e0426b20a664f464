"""Shared fixtures. Every test that touches the database runs on SQLite and, when
TEST_DATABASE_URL is set, on PostgreSQL too (each xdist worker in its own schema)."""
import os
import re
import shutil
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg2
import pytest
from argon2 import PasswordHasher

from archive_service import create_app, migrations, models
from archive_service.db import bind, database
from archive_service.services.accounts import users

PG_URL = os.environ.get("TEST_DATABASE_URL")
NOW = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)  # 2026-10-09 10:00 in Shanghai
PASSWORD = "Test-Passw0rd!"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """argon2id with test-sized cost: the same code path, a fraction of the time."""
    users.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    users._DUMMY_HASH = users.HASHER.hash("not-a-real-password")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With ARCHIVE_NO_SKIP=1 (CI), a skipped PostgreSQL, browser or poppler test is a failure."""
    outcome = yield
    report = outcome.get_result()
    must_run = (item.get_closest_marker("postgres") or item.get_closest_marker("browser")
                or "poppler" in getattr(item, "fixturenames", ()))
    if report.skipped and must_run and os.environ.get("ARCHIVE_NO_SKIP") == "1":
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid}: skipped in CI, where PostgreSQL and browser tests must run"


@pytest.fixture
def poppler():
    """Tests that read PDFs back use poppler (pdftoppm, pdffonts), as an outside check
    independent of the service's own PDFium rendering."""
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils is missing: install Debian's poppler-utils to read PDFs back")


@contextmanager
def new_pg_schema():
    """The PostgreSQL test database seen through a schema of its own, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    conn.cursor().execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    finally:
        conn.cursor().execute(f"DROP SCHEMA {schema} CASCADE")
        conn.close()


@pytest.fixture(scope="session")
def pg_schema_url():
    """A schema of our own in the PostgreSQL test database, for this worker's whole session."""
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    with new_pg_schema() as url:
        yield url


def _truncate_all():
    tables = [f'"{m._meta.table_name}"' for m in models.ALL_MODELS]
    database.execute_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """An empty, migrated database, on each engine."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/archive.db"
        bind(url)
        with database.connection_context():
            migrations.upgrade()
        return url
    url = request.getfixturevalue("pg_schema_url")
    bind(url)
    with database.connection_context():
        migrations.upgrade()
        _truncate_all()
    return url


@pytest.fixture
def db(db_url):
    """The bound database, connected for a service-level test."""
    database.connect(reuse_if_open=True)
    yield database
    if not database.is_closed():
        database.close()


@pytest.fixture
def make_actor(db):
    """make_actor("zhang", "manager") -> Actor of a new user with those roles."""

    def make(username, *roles, display_name=None, client_addr="127.0.0.1"):
        users.create_user(None, username=username, password=PASSWORD, roles=list(roles) or ["manager"],
                          display_name=display_name or username, now=NOW)
        return users.actor_of(users.User.get(users.User.username == username), client_addr)

    return make


@pytest.fixture
def admin(make_actor):
    return make_actor("admin", "admin", display_name="管理员")


@pytest.fixture
def app(db_url, tmp_path):
    app = create_app({
        "DATABASE_URL": db_url,
        "ENV_NAME": "testing",
        "SECRET_KEY": "test-secret",
        "SCANS_DIR": str(tmp_path / "scans"),
        "FROZEN_NOW": NOW.isoformat(),
        "TESTING": True,
    })
    return app


@pytest.fixture
def client(app):
    return app.test_client()


class ApiClient:
    """A JSON client for /api/v1 with a bearer token."""

    def __init__(self, client, token=None):
        self.client, self.token = client, token

    def call(self, method, path, json=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.client.open("/api/v1" + path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.call("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.call("PUT", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.call("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


@pytest.fixture
def api(app, client):
    """api(username, *roles) -> ApiClient signed in as a new user with those roles."""

    def login(username, *roles, password=PASSWORD):
        with app.app_context(), database.connection_context():
            if not users.User.select().where(users.User.username == username).exists():
                users.create_user(None, username=username, password=password, roles=list(roles) or ["manager"],
                                  display_name=username, now=NOW)
        r = client.post("/api/v1/tokens", json={"username": username, "password": password})
        assert r.status_code == 201, r.get_json()
        return ApiClient(client, r.get_json()["token"])

    return login


@pytest.fixture
def anonymous(client):
    return ApiClient(client)


def csrf_token(client, page="/login"):
    """The CSRF token a page form carries."""
    html = client.get(page).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def browser_login(client):
    """browser_login(username) signs the test client in through the login form."""

    def login(username, password=PASSWORD):
        token = csrf_token(client)
        r = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        return client

    return login
