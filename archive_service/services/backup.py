"""Backup and restore of a whole instance: the database and the scan store, while it runs.

A backup is a folder: `database.sqlite3` (SQLite's online backup API: one consistent copy while
others write) or `database.pgdump` (`pg_dump -Fc` of the instance's schema, itself one
snapshot), then `scans/ab/cd/<sha256>` (every stored file, copied after the database so every
scan row in the snapshot finds its file: files land before their rows and are never changed),
and `manifest.json` with the sha256 of each file. `restore` checks every hash first, refuses an
instance that already holds data, then loads the database, the scans and any newer migrations."""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from peewee import SqliteDatabase

from .. import migrations
from ..db import database, transaction
from ..domain.errors import Conflict, InvalidInput, require
from ..domain.timeutil import iso_local, to_db
from ..models import ScanFile
from ..scans import SHA256_NAME
from . import audit

MANIFEST, SQLITE_FILE, PG_FILE, SCANS = "manifest.json", "database.sqlite3", "database.pgdump", "scans"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Conflict):
    default_code = "backup.failed"


def backup(dest, *, database_url, store, now):
    """Write a backup of the bound database and `store` (a ScanStore) to the new folder `dest`."""
    dest = Path(dest)
    require(not dest.exists() or not any(dest.iterdir()), BackupError, "backup.dest_not_empty",
            f"备份目录 {dest} 已存在且不为空")
    dest.mkdir(parents=True, exist_ok=True)
    with transaction():
        audit.record(None, "system.backup", "backup", dest.name, {"to": str(dest)}, now=now)
    if _is_sqlite():
        db_file, schema = _sqlite_backup(dest / SQLITE_FILE), None
    else:
        db_file, schema = _pg_dump(dest / PG_FILE, database_url), _current_schema()
    scans = [_copy_verified(path, dest / SCANS / path.relative_to(store.root)) for path in sorted(store.stored())]
    manifest = {"format": FORMAT, "created_at": iso_local(to_db(now)), "engine": "sqlite" if schema is None else
                "postgresql", "schema": schema, "schema_version": migrations.current_version(),
                "database": {"file": db_file.name, "sha256": _sha256(db_file), "size": db_file.stat().st_size},
                "scans": scans}
    (dest / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def restore(src, *, database_url, store, now):
    """Load the backup in `src` into the bound database and `store`, both of which must be empty."""
    src = Path(src)
    manifest = _checked_manifest(src)
    require(not _has_tables(), Conflict, "restore.not_empty", "目标数据库已有数据:只能恢复到空的实例")
    require(not any(store.stored()), Conflict, "restore.not_empty",
            f"扫描件目录 {store.root} 已有文件:只能恢复到空的实例")
    engine = "sqlite" if _is_sqlite() else "postgresql"
    require(manifest["engine"] == engine, InvalidInput, "restore.wrong_engine",
            f"备份来自 {manifest['engine']},目标数据库是 {engine}")
    if engine == "sqlite":
        _sqlite_restore(src / manifest["database"]["file"])
    else:
        _pg_restore(src / manifest["database"]["file"], database_url, manifest["schema"])
    for scan in manifest["scans"]:
        _place_scan(src / SCANS, scan["sha256"], store)
    migrations.upgrade()
    missing = sorted({s.sha256 for s in ScanFile.select(ScanFile.sha256)} - {s["sha256"] for s in manifest["scans"]})
    require(not missing, BackupError, "restore.scans_missing",
            f"备份缺少 {len(missing)} 个扫描件:{', '.join(missing[:3])}")
    with transaction():
        audit.record(None, "system.restore", "backup", src.name, {"from": str(src),
                                                                  "created_at": manifest["created_at"]}, now=now)
    return manifest


# ---- SQLite ----------------------------------------------------------------------------------

def _is_sqlite():
    return isinstance(database.obj, SqliteDatabase)


def _sqlite_backup(target):
    """One consistent copy of the live database file through SQLite's online backup API."""
    with _closing(sqlite3.connect(database.obj.database)) as live, _closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
    return target


def _sqlite_restore(source):
    with _closing(sqlite3.connect(source)) as backup_db, _closing(sqlite3.connect(database.obj.database)) as live:
        backup_db.backup(live)


class _closing:
    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        return self.conn

    def __exit__(self, *exc):
        self.conn.close()


# ---- PostgreSQL ------------------------------------------------------------------------------

def _current_schema():
    return database.execute_sql("SELECT current_schema()").fetchone()[0]


def _pg_dump(target, url):
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--schema={_current_schema()}",
          f"--file={target}", f"--dbname={_libpq_url(url)}"])
    return target


def _pg_restore(source, url, schema):
    """Restore into the schema the backup came from, which the target URL must be using."""
    here = _current_schema()
    require(here == schema, InvalidInput, "restore.wrong_schema", f"备份来自 schema {schema},目标连接使用 {here}")
    listing = _run(["pg_restore", "--list", str(source)])
    # the schema itself already exists in the target: restore everything inside it
    entries = [line for line in listing.splitlines() if " SCHEMA - " not in line and " COMMENT - SCHEMA " not in line]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as toc:
        toc.write("\n".join(entries) + "\n")
    try:
        _run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
              f"--use-list={toc.name}", f"--dbname={_libpq_url(url)}", str(source)])
    finally:
        os.unlink(toc.name)


def _libpq_url(url):
    return "postgresql://" + url.split("://", 1)[1]


def _run(command):
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError("backup.tool_missing", f"找不到 {command[0]}:请安装 postgresql-client") from None
    if done.returncode:
        raise BackupError("backup.tool_failed", f"{command[0]} 失败:{done.stderr.strip()[-300:]}")
    return done.stdout


def _has_tables():
    return bool(database.get_tables())  # PostgreSQL: the tables of the connection's current schema


# ---- files -----------------------------------------------------------------------------------

def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_verified(path, target):
    """Copy one stored scan, refusing a file whose content no longer matches its name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    digest = _sha256(target)
    require(digest == path.name, BackupError, "backup.scan_corrupt", f"扫描件 {path.name} 的内容与其摘要不符")
    return {"sha256": digest, "size": target.stat().st_size, "path": str(target.relative_to(target.parents[3]))}


def _checked_manifest(src):
    """The backup's manifest once every file it names is there with its recorded hash."""
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InvalidInput("restore.no_manifest", f"{src} 不是有效的备份(缺少或无法读取 {MANIFEST})") from None
    require(manifest.get("format") == FORMAT, InvalidInput, "restore.bad_format", "不支持的备份格式")
    db_file = src / manifest["database"]["file"]
    require(db_file.is_file() and _sha256(db_file) == manifest["database"]["sha256"], InvalidInput,
            "restore.corrupt", f"备份的数据库文件 {db_file.name} 缺失或已损坏")
    for scan in manifest["scans"]:
        path = src / scan["path"]
        require(SHA256_NAME.fullmatch(scan["sha256"]) and path.is_file() and _sha256(path) == scan["sha256"],
                InvalidInput, "restore.corrupt", f"备份的扫描件 {scan['sha256']} 缺失或已损坏")
    return manifest


def _place_scan(scans_dir, sha256, store):
    final = store.path(sha256)
    final.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(scans_dir / sha256[:2] / sha256[2:4] / sha256, final)
    final.chmod(0o444)
