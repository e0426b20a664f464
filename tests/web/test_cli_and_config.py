"""The command line, the configuration and the migrations, as an operator uses them."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner

from archive_service import create_app, migrations, models
from archive_service.cli import main
from archive_service.config import ConfigError
from archive_service.db import bind, database
from tests.conftest import PG_URL, new_pg_schema


def run_cli(args, db_url):
    return CliRunner().invoke(main, args, env={"DATABASE_URL": db_url, "ARCHIVE_ENV": "development"},
                              catch_exceptions=False)


def test_production_refuses_the_default_secret_key(tmp_path):
    with pytest.raises(ConfigError):
        create_app({"ENV_NAME": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/a.db"})
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": f"sqlite:///{tmp_path}/a.db"})
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_settings_come_from_archive_environment_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("ARCHIVE_SCANS_DIR", str(tmp_path / "s"))
    monkeypatch.setenv("ARCHIVE_MAX_UPLOAD_MB", "7")
    monkeypatch.setenv("ARCHIVE_SECURE_COOKIES", "true")
    app = create_app()
    assert app.config["SCANS_DIR"] == str(tmp_path / "s")
    assert app.config["MAX_CONTENT_LENGTH"] == 7 * 1024 * 1024
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_user_create_then_duplicate_exits_1(db_url):
    ok = run_cli(["user", "create", "li", "--password", "long-enough-1", "--role", "archivist"], db_url)
    assert ok.exit_code == 0, ok.output
    again = run_cli(["user", "create", "li", "--password", "long-enough-1", "--role", "archivist"], db_url)
    assert again.exit_code == 1 and "user.exists" in again.output


def test_audit_verify_exit_codes(db_url):
    run_cli(["user", "create", "li", "--password", "long-enough-1", "--role", "archivist"], db_url)
    assert run_cli(["audit", "verify"], db_url).exit_code == 0
    bind(db_url)
    with database.connection_context():
        database.execute_sql("UPDATE audit_entry SET action = 'user.delete'")
    bad = run_cli(["audit", "verify"], db_url)
    assert bad.exit_code == 1 and "entry 1" in bad.output


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db_url(request, tmp_path):
    """A database with no tables at all, on each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/fresh.db"
        return
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    with new_pg_schema() as url:
        yield url


def test_db_upgrade_from_empty_then_again_is_a_no_op(empty_db_url):
    first = run_cli(["db", "upgrade"], empty_db_url)
    assert first.exit_code == 0, first.output
    assert f"version {migrations.available()[-1][0]}" in first.output
    assert "nothing to do" in run_cli(["db", "upgrade"], empty_db_url).output
    bind(empty_db_url)
    with database.connection_context():
        for model in models.ALL_MODELS:
            assert database.table_exists(model._meta.table_name)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(proc, port, timeout=120):
    """Until the server answers an HTTP request: then it runs its loop, with SIGTERM handled.
    (An open port alone is not enough: it is bound before the loop starts.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the server exited early: {proc.communicate()[0]}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                assert response.status == 200
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer within {timeout} s")


def test_serve_runs_waitress_and_stops_cleanly_on_sigterm(tmp_path):
    port = free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path}/serve.db", ARCHIVE_ENV="development")
    proc = subprocess.Popen([sys.executable, "-m", "archive_service", "serve", "--demo", "--port", str(port)],
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_serving(proc, port)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert proc.returncode == 0, out
    assert "archivist" in out and "stopped" in out


def test_the_demo_printout_says_who_is_a_and_who_is_b(db_url, monkeypatch):
    class Server:
        def run(self):
            pass

    monkeypatch.setattr("archive_service.cli.create_server", lambda *a, **kw: Server())
    out = run_cli(["serve", "--demo", "--port", "0"], db_url).output
    assert "zhang      张经理 · 客户经理 · 演示项目的A角" in out
    assert "wang       王经理 · 客户经理 · 演示项目的B角" in out
