"""Issue 9 row 5: `archive-service backup DEST` and `restore SRC` round-trip a running instance
with its scans, on both engines; a restore onto data or from a damaged backup is refused.
Issue 20: a backup is whole (scans removed by an approved disposal are removed, not missing, R23),
restore checks it before writing, and a restore that fails leaves the target empty for a retry."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest

from archive_service.adapters.scan_store import ScanStore
from archive_service.db import bind, database
from archive_service.models import ArchiveFile, AuditEntry, Customer, ScanFile
from archive_service.ops import backup as backup_service
from tests import scanfiles
from tests.conftest import NOW, PG_URL
from tests.web.scan_world import ITEMS, upload


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


# ---- issue 20: backup and restore are whole ----------------------------------------------------

@contextmanager
def bound(url, back_to):
    """The process's database pointed at `url` for a moment, then back at `back_to`."""
    bind(url)
    try:
        with database.connection_context():
            yield
    finally:
        bind(back_to)


def table_counts(url, back_to):
    """Every table's row count."""
    with bound(url, back_to):
        return {t: database.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in database.get_tables()}


def target_is_empty(url, scans_dir, back_to):
    """No table (nor, on PostgreSQL, any sequence or view) in the database, no file or folder in the store."""
    with bound(url, back_to):
        relations = database.get_tables() if url.startswith("sqlite") else database.execute_sql(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema()").fetchall()
    return relations == [] and not Path(scans_dir).exists()


def store_hashes(root):
    return sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in Path(root).rglob("*") if p.is_file())


def second_file(api, received):
    """Another received file of the same customer, with its own scan kept: its sha256."""
    arch, a, b = received["arch"], received["manager"], api("wang", "manager")
    with database.connection_context():
        customer = Customer.select().get().id
    proj = arch.post("/projects", json={"code": "P-2026-002", "customer_id": customer, "business": "loan",
                                        "title": "固定资产贷款", "amount": 500000, "a_user": "zhang",
                                        "b_user": "wang", "ended_on": "2026-04-01"}).get_json()
    hid = a.post(f"/projects/{proj['id']}/handovers", json={"items": ITEMS}).get_json()["id"]
    assert a.post(f"/handovers/{hid}/submit").status_code == 200
    assert b.post(f"/handovers/{hid}/review", json={"decision": "accept", "missing": []}).status_code == 200
    items = arch.get(f"/handovers/{hid}").get_json()["items"]
    done = arch.post(f"/handovers/{hid}/receive", json={
        "checks": [{"item_id": i["id"], "pages": i["pages"]} for i in items], "location": "R1"})
    assert done.status_code == 200, done.get_json()
    return upload(arch, done.get_json()["archive_no"], scanfiles.pdf(23)).get_json()["sha256"]


def destroyed_with_its_scans(api, received):
    """The received file scanned, then (kept 10 years, back-dated to 2014) listed, approved with
    its scans removed and destroyed (R23): the sha256 of its scan."""
    arch, no = received["arch"], received["no"]
    sha = upload(arch, no, scanfiles.pdf(2)).get_json()["sha256"]
    assert arch.put(f"/archives/{no}/retention", json={"period": "10y", "reason": "短期保管"}).status_code == 200
    with database.connection_context():
        ArchiveFile.update(year=2014).where(ArchiveFile.archive_no == no).execute()
    d = arch.post("/disposals", json={"archive_nos": [no], "reason": "保管期满"}).get_json()
    decided = api("pizhun", "approver").post(f"/disposals/{d['id']}/decision",
                                             json={"approve": True, "note": "同意", "remove_scans": True})
    assert decided.get_json()["remove_scans"] is True
    assert arch.post(f"/disposals/{d['id']}/destroy").get_json()["state"] == "destroyed"
    return sha


def test_r23_backup_after_disposal_that_removed_scans_restores(app, api, db_url, received, target_url, tmp_path):
    """Also: a backup restores to the same counts (every table's rows) and the same scans."""
    kept, removed = second_file(api, received), destroyed_with_its_scans(api, received)
    scans_dir = app.config["SCANS_DIR"]
    swept = run_cli(["scans", "sweep", "--grace-hours", "0"], db_url, scans_dir)
    assert swept.returncode == 0 and "removed 1 " in swept.output, swept.output
    assert store_hashes(scans_dir) == [kept]
    made = run_cli(["backup", str(tmp_path / "b")], db_url, scans_dir)
    assert made.returncode == 0, made.output
    counts, scan_rows = table_counts(db_url, db_url), snapshot(db_url)["scans"]
    assert sorted(scan_rows) == sorted([kept, removed])

    done = run_cli(["restore", str(tmp_path / "b")], target_url, tmp_path / "restored-scans")
    assert done.returncode == 0 and "audit chain intact" in done.output, done.output
    # the same rows in every table, and one audit entry more: the restore's own
    assert table_counts(target_url, db_url) == {**counts, "audit_entry": counts["audit_entry"] + 1}
    assert snapshot(target_url)["scans"] == scan_rows
    assert store_hashes(tmp_path / "restored-scans") == store_hashes(scans_dir) == [kept]
    bind(db_url)


def break_database_file(backup_dir):
    """Cut the backup's database file in half and re-seal the manifest over it, so only reading
    its rows can tell; returns a function that mends the backup."""
    manifest_path = backup_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    db_file = backup_dir / manifest["database"]["file"]
    whole, sealed = db_file.read_bytes(), manifest_path.read_text()
    db_file.write_bytes(whole[:len(whole) // 2])
    manifest["database"]["sha256"] = hashlib.sha256(db_file.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))

    def mend():
        db_file.write_bytes(whole)
        manifest_path.write_text(sealed)
    return mend


def take_out_a_scan(backup_dir):
    """Remove a scan the database needs from the backup and from its manifest; returns a function
    that puts it back."""
    manifest_path = backup_dir / "manifest.json"
    sealed = manifest_path.read_text()
    manifest = json.loads(sealed)
    scan = manifest["scans"].pop()
    content = (backup_dir / scan["path"]).read_bytes()
    (backup_dir / scan["path"]).unlink()
    manifest_path.write_text(json.dumps(manifest))

    def put_back():
        (backup_dir / scan["path"]).write_bytes(content)
        manifest_path.write_text(sealed)
    return put_back


@pytest.mark.parametrize("damage, code", [(break_database_file, "restore.corrupt"),
                                          (take_out_a_scan, "restore.scans_missing")])
def test_restore_of_a_corrupt_backup_leaves_the_target_empty_and_a_retry_works(app, db_url, received, target_url,
                                                                               tmp_path, damage, code):
    up = upload(received["arch"], received["no"], scanfiles.pdf(23)).get_json()
    assert run_cli(["backup", str(tmp_path / "b")], db_url, app.config["SCANS_DIR"]).returncode == 0
    mend = damage(tmp_path / "b")
    restored_scans = tmp_path / "restored-scans"
    refused = run_cli(["restore", str(tmp_path / "b")], target_url, restored_scans)
    assert refused.returncode == 1 and code in refused.output, refused.output
    assert target_is_empty(target_url, restored_scans, db_url)

    mend()
    done = run_cli(["restore", str(tmp_path / "b")], target_url, restored_scans)
    assert done.returncode == 0 and "audit chain intact" in done.output, done.output
    assert snapshot(target_url)["scans"] == [up["sha256"]] and store_hashes(restored_scans) == [up["sha256"]]
    bind(db_url)


@pytest.mark.parametrize("failing", ["scans", "migrations", "audit"])
def test_restore_that_fails_while_writing_takes_back_everything_and_a_retry_works(app, db_url, received, target_url,
                                                                                  tmp_path, monkeypatch, failing):
    """A step after the database is loaded fails (the disk fills while scans are placed, a
    migration or the restore's audit entry fails): what was written is taken back."""
    upload(received["arch"], received["no"], scanfiles.pdf(23))
    upload(received["arch"], received["no"], scanfiles.pdf(22))
    assert run_cli(["backup", str(tmp_path / "b")], db_url, app.config["SCANS_DIR"]).returncode == 0
    counts = table_counts(db_url, db_url)
    store = ScanStore(tmp_path / "restored-scans", max_bytes=10 * 1024 * 1024)
    placed, copy = [], shutil.copyfile

    def full_disk(source, target):
        if placed:
            Path(target).write_bytes(b"%PDF-")  # half a file, then the disk is full
            raise OSError(28, "No space left on device")
        placed.append(copy(source, target))

    def broken(*args, **kwargs):
        raise RuntimeError(f"{failing} failed")

    with monkeypatch.context() as faults:
        if failing == "scans":
            faults.setattr(backup_service.shutil, "copyfile", full_disk)
        else:
            faults.setattr(*((backup_service.migrations, "upgrade") if failing == "migrations"
                             else (backup_service.audit, "record")), broken)
        with bound(target_url, db_url), pytest.raises((OSError, RuntimeError)):
            backup_service.restore(tmp_path / "b", database_url=target_url, store=store, now=NOW)
    assert placed or failing != "scans"
    assert target_is_empty(target_url, store.root, db_url)

    with bound(target_url, db_url):
        backup_service.restore(tmp_path / "b", database_url=target_url, store=store, now=NOW)
    assert table_counts(target_url, db_url) == {**counts, "audit_entry": counts["audit_entry"] + 1}
    assert len(store_hashes(store.root)) == 2


def test_r19_a_backup_missing_a_scan_its_database_names_is_refused_without_a_manifest(app, db_url, received,
                                                                                      tmp_path, monkeypatch):
    """A scan's content goes between the database snapshot and the copy of the store (a sweep
    racing the backup): the backup says so instead of writing a manifest over a backup that
    cannot be restored."""
    sha = upload(received["arch"], received["no"], scanfiles.pdf(23)).get_json()["sha256"]
    store = ScanStore(app.config["SCANS_DIR"], max_bytes=10 * 1024 * 1024)
    name = "_sqlite_backup" if db_url.startswith("sqlite") else "_pg_dump"
    snapshot_of = getattr(backup_service, name)

    def then_swept(*args):
        made = snapshot_of(*args)
        store.path(sha).unlink()
        return made

    monkeypatch.setattr(backup_service, name, then_swept)
    with database.connection_context(), pytest.raises(backup_service.BackupError) as refused:
        backup_service.backup(tmp_path / "b", database_url=db_url, store=store, now=NOW)
    assert refused.value.code == "backup.scans_missing" and sha in refused.value.message
    assert not (tmp_path / "b" / "manifest.json").exists()
