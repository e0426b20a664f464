"""The deployment in deploy/: gunicorn serves the app with its shipped settings, and behind the
proxy the audit trail records the client's address, not the proxy's."""
import os
import signal
import subprocess
import sys
from pathlib import Path

from archive_service import create_app
from archive_service.db import database
from archive_service.models import AuditEntry
from tests.conftest import PASSWORD
from tests.web.test_cli_and_config import free_port, wait_until_serving

DEPLOY = Path(__file__).parent.parent / "deploy"


def test_gunicorn_with_the_shipped_config_serves_and_stops_cleanly_on_sigterm(tmp_path):
    port = free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path}/archive.db", ARCHIVE_ENV="production",
               ARCHIVE_SECRET_KEY="a-long-random-test-value", ARCHIVE_SCANS_DIR=str(tmp_path / "scans"),
               ARCHIVE_BIND=f"127.0.0.1:{port}", ARCHIVE_WORKERS="1", ARCHIVE_THREADS="2")
    subprocess.run([sys.executable, "-m", "archive_service", "db", "upgrade"], env=env, cwd=tmp_path, check=True,
                   capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")],
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_serving(proc, port)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=40)
    finally:
        proc.kill()
    assert proc.returncode == 0, out
    assert "Shutting down" in out


def _token_issue_address(db_url, tmp_path, trusted, forwarded_for):
    app = create_app({"DATABASE_URL": db_url, "ENV_NAME": "testing", "SECRET_KEY": "test",
                      "SCANS_DIR": str(tmp_path / "scans"), "TRUSTED_PROXIES": trusted})
    client = app.test_client()
    r = client.post("/api/v1/tokens", json={"username": "zhang", "password": PASSWORD},
                    headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"})
    assert r.status_code == 201
    with database.connection_context():
        return AuditEntry.select().order_by(AuditEntry.id.desc()).first().client_addr


def test_r19_behind_the_trusted_proxy_the_audit_records_the_client_address(db_url, make_actor, tmp_path):
    make_actor("zhang")
    assert _token_issue_address(db_url, tmp_path, 1, "10.1.2.3") == "10.1.2.3"


def test_without_a_trusted_proxy_a_forwarded_for_header_is_not_believed(db_url, make_actor, tmp_path):
    make_actor("zhang")
    assert _token_issue_address(db_url, tmp_path, 0, "10.1.2.3") == "127.0.0.1"
