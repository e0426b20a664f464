"""Issue 9 row 5: `archive-service backup DEST` and `restore SRC` round-trip a running instance
with its scans, on both engines; a restore onto data or from a damaged backup is refused."""
import hashlib
import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import psycopg2
import pytest

from archive_service.db import bind, database
from archive_service.models import ArchiveFile, AuditEntry, ScanFile
from tests import scanfiles
from tests.conftest import PG_URL
from tests.web.scan_world import upload


def run_cli(args, db_url, scans_dir):
    """The command as cron or an operator runs it: its own process, beside the running instance."""
    env = dict(os.environ, DATABASE_URL=db_url, ARCHIVE_SCANS_DIR=str(scans_dir), ARCHIVE_ENV="development")
    done = subprocess.run([sys.executable, "-m", "archive_service", *args], env=env, capture_output=True, text=True,
                          timeout=120)
    done.output = done.stdout + done.stderr
    return done


@pytest.fixture
def target_url(db_url, tmp_path):
    """An empty instance's database: a new SQLite file, or on PostgreSQL a new database holding an
    empty schema of the same name as the source's (a backup restores into its own schema)."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path}/restored/archive.db"
        return
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(PG_URL)
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    base, _, options = db_url.partition("?")
    url = f"{base.rsplit('/', 1)[0]}/{name}?{options}"
    schema = options.split("%3D")[-1]
    with psycopg2.connect(url.split("?")[0]) as conn:
        conn.cursor().execute(f"CREATE SCHEMA {schema}")
    try:
        yield url
    finally:
        admin.cursor().execute(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()


def ledger(client):
    return [(a["archive_no"], a["status"], a["location"]) for a in client.get("/archives").get_json()["items"]]


def snapshot(url):
    bind(url)
    with database.connection_context():
        return {"archives": sorted((a.archive_no, a.status) for a in ArchiveFile.select()),
                "scans": sorted(s.sha256 for s in ScanFile.select()),
                "audit": AuditEntry.select().count()}


def test_backup_then_restore_round_trips_a_running_instance_with_its_scans(app, db_url, received, target_url,
                                                                             tmp_path):
    arch, no = received["arch"], received["no"]
    up = upload(arch, no, scanfiles.pdf(23)).get_json()
    stop, errors = threading.Event(), []

    def keep_using():  # the instance keeps answering and writing audit entries during the backup
        while not stop.is_set():
            r = arch.get(f"/archives/{no}")
            if r.status_code != 200:
                errors.append(r.status_code)

    user = threading.Thread(target=keep_using)
    user.start()
    try:
        made = run_cli(["backup", str(tmp_path / "b")], db_url, app.config["SCANS_DIR"])
    finally:
        stop.set()
        user.join()
    assert made.returncode == 0 and not errors, made.output
    before = ledger(arch)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert [s["sha256"] for s in manifest["scans"]] == [up["sha256"]]

    done = run_cli(["restore", str(tmp_path / "b")], target_url, tmp_path / "restored-scans")
    assert done.returncode == 0 and "audit chain intact" in done.output, done.output
    restored = snapshot(target_url)
    assert restored["scans"] == [up["sha256"]] and restored["archives"] == [(no, "in_archive")]
    copy = (tmp_path / "restored-scans" / up["sha256"][:2] / up["sha256"][2:4] / up["sha256"]).read_bytes()
    assert hashlib.sha256(copy).hexdigest() == up["sha256"]
    assert run_cli(["audit", "verify"], target_url, tmp_path / "restored-scans").returncode == 0
    bind(db_url)
    assert ledger(arch) == before


def test_restore_onto_an_instance_that_holds_data_is_refused_and_changes_nothing(app, db_url, received, tmp_path):
    assert run_cli(["backup", str(tmp_path / "b")], db_url, app.config["SCANS_DIR"]).returncode == 0
    before = snapshot(db_url)
    refused = run_cli(["restore", str(tmp_path / "b")], db_url, tmp_path / "other-scans")
    assert refused.returncode == 1 and "restore.not_empty" in refused.output
    assert snapshot(db_url) == before


def test_restore_from_a_damaged_backup_is_refused_before_anything_is_written(app, db_url, received, target_url,
                                                                             tmp_path):
    upload(received["arch"], received["no"], scanfiles.pdf(23))
    assert run_cli(["backup", str(tmp_path / "b")], db_url, app.config["SCANS_DIR"]).returncode == 0
    scan = next(p for p in (tmp_path / "b" / "scans").rglob("*") if p.is_file())
    scan.write_bytes(scan.read_bytes() + b"x")
    refused = run_cli(["restore", str(tmp_path / "b")], target_url, tmp_path / "restored-scans")
    assert refused.returncode == 1 and "restore.corrupt" in refused.output
    assert not Path(tmp_path / "restored-scans").exists() or not any((tmp_path / "restored-scans").rglob("*"))
    bind(target_url)
    with database.connection_context():
        assert database.get_tables() == []


def test_backup_into_a_folder_that_holds_files_is_refused(app, db_url, received, tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "keep.txt").write_text("x")
    refused = run_cli(["backup", str(tmp_path / "b")], db_url, app.config["SCANS_DIR"])
    assert refused.returncode == 1 and "backup.dest_not_empty" in refused.output
