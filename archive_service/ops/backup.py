"""Backup and restore of a whole instance: the database and the scan store, while it runs.

A backup is a folder: `database.sqlite3` (SQLite's online backup API: one consistent copy while
others write) or `database.pgdump` (`pg_dump -Fc` of the instance's schema, itself one
snapshot), then `scans/ab/cd/<sha256>` (every stored file, copied after the database so every
scan row in the snapshot finds its file: files land before their rows and are never changed),
and `manifest.json` with the sha256 of each file (written last: a folder without one is no backup).

A backup is whole: its database is read through (every table's rows) and every scan it names is
in the backup, except scans removed with their file by an approved disposal (R23); `backup`
checks this before it writes the manifest, `restore` before it writes anything. `restore` then
loads the database, the scans and any newer migrations into an empty instance, and takes all of
it back if any step fails: the target is left as empty as it was, so a retry can follow."""
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing, suppress
from pathlib import Path

from peewee import SqliteDatabase

from .. import migrations
from ..adapters.scan_store import SHA256_NAME
from ..db import database, transaction
from ..domain.errors import Conflict, InvalidInput, require
from ..domain.timeutil import iso_local, to_db
from ..services.platform import audit
from .backup_reading import BackupError, read_database, run

MANIFEST, SQLITE_FILE, PG_FILE, SCANS = "manifest.json", "database.sqlite3", "database.pgdump", "scans"
FORMAT = 1
CHUNK = 1024 * 1024


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
    _require_whole(read_database(db_file, "backup", sqlite=_is_sqlite()), {s["sha256"] for s in scans}, "backup")
    manifest = {"format": FORMAT, "created_at": iso_local(to_db(now)), "engine": "sqlite" if schema is None else
                "postgresql", "schema": schema, "schema_version": migrations.current_version(),
                "database": {"file": db_file.name, "sha256": _sha256(db_file), "size": db_file.stat().st_size},
                "scans": scans}
    (dest / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def restore(src, *, database_url, store, now):
    """Load the backup in `src` into the bound database and `store`, both of which must be empty.
    Everything is checked before anything is written; a failure while writing takes back all
    that was written."""
    src = Path(src)
    manifest = _checked_manifest(src)
    require(not _has_tables(), Conflict, "restore.not_empty", "目标数据库已有数据:只能恢复到空的实例")
    require(not any(store.stored()), Conflict, "restore.not_empty",
            f"扫描件目录 {store.root} 已有文件:只能恢复到空的实例")
    engine = "sqlite" if _is_sqlite() else "postgresql"
    require(manifest["engine"] == engine, InvalidInput, "restore.wrong_engine",
            f"备份来自 {manifest['engine']},目标数据库是 {engine}")
    if engine == "postgresql":
        here = _current_schema()
        require(here == manifest["schema"], InvalidInput, "restore.wrong_schema",
                f"备份来自 schema {manifest['schema']},目标连接使用 {here}")
    contents = read_database(src / manifest["database"]["file"], "restore", sqlite=_is_sqlite())
    require(contents.version == manifest["schema_version"], InvalidInput, "restore.corrupt",
            f"备份清单的版本 {manifest['schema_version']} 与其数据库的版本 {contents.version} 不符")
    _require_whole(contents, {s["sha256"] for s in manifest["scans"]}, "restore")
    written = _Written(store)
    try:
        if engine == "sqlite":
            _sqlite_restore(src / manifest["database"]["file"])
        else:
            _pg_restore(src / manifest["database"]["file"], database_url)
        for scan in manifest["scans"]:
            written.place(src / scan["path"], scan["sha256"])
        migrations.upgrade()
        with transaction():
            audit.record(None, "system.restore", "backup", src.name, {"from": str(src),
                                                                      "created_at": manifest["created_at"]}, now=now)
    except BaseException as failure:
        written.take_back(failure)
        raise
    return manifest


def _require_whole(contents, held, stage):
    missing = contents.missing_scans(held)
    require(not missing, BackupError, f"{stage}.scans_missing",
            f"备份缺少 {len(missing)} 个扫描件:{', '.join(missing[:3])}")


class _Written:
    """What a restore has written so far, to take all of it back when a later step fails."""

    def __init__(self, store):
        self.store, self.files, self.folders = store, [], []
        self.relations = None if _is_sqlite() else _pg_relations()

    def place(self, source, sha256):
        final = self.store.path(sha256)
        for folder in reversed([f for f in (final.parent, *final.parent.parents) if not f.exists()]):
            folder.mkdir(exist_ok=True)
            self.folders.append(folder)
        self.files.append(final)
        shutil.copyfile(source, final)
        final.chmod(0o444)

    def take_back(self, failure):
        try:
            for path in self.files:
                path.unlink(missing_ok=True)
            for folder in reversed(self.folders):
                with suppress(OSError):  # a folder someone else wrote into stays
                    folder.rmdir()
            if self.relations is None:
                _sqlite_empty()
            else:
                _pg_drop_new(self.relations)
        except Exception as undo:
            raise BackupError("restore.incomplete", f"恢复失败({failure}),且未能清除已写入的内容({undo}):"
                              "请清空目标数据库和扫描件目录后重试") from failure


# ---- SQLite ----------------------------------------------------------------------------------

def _is_sqlite():
    return isinstance(database.obj, SqliteDatabase)


def _sqlite_backup(target):
    """One consistent copy of the live database file through SQLite's online backup API."""
    with closing(sqlite3.connect(database.obj.database)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
    return target


def _sqlite_restore(source):
    with closing(sqlite3.connect(source)) as backup_db, closing(sqlite3.connect(database.obj.database)) as live:
        backup_db.backup(live)


def _sqlite_empty():
    """Make the live database file empty again: an empty database copied over it, in one step."""
    with closing(sqlite3.connect(":memory:")) as empty, closing(sqlite3.connect(database.obj.database)) as live:
        empty.backup(live)


# ---- PostgreSQL ------------------------------------------------------------------------------

def _current_schema():
    return database.execute_sql("SELECT current_schema()").fetchone()[0]


def _pg_dump(target, url):
    run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--schema={_current_schema()}",
          f"--file={target}", f"--dbname={_libpq_url(url)}"])
    return target


def _pg_restore(source, url):
    """Restore into the schema the backup came from, which the target URL must be using, in one
    transaction."""
    listing = run(["pg_restore", "--list", str(source)])
    # the schema itself already exists in the target: restore everything inside it
    entries = [line for line in listing.splitlines() if " SCHEMA - " not in line and " COMMENT - SCHEMA " not in line]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as toc:
        toc.write("\n".join(entries) + "\n")
    try:
        run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
              f"--use-list={toc.name}", f"--dbname={_libpq_url(url)}", str(source)])
    finally:
        os.unlink(toc.name)


def _pg_relations():
    """{(name, kind)} of the tables, views and sequences in the connection's current schema."""
    return set(database.execute_sql(
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')").fetchall())


PG_KINDS = {"v": "VIEW", "m": "MATERIALIZED VIEW", "r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "S": "SEQUENCE"}


def _pg_drop_new(before):
    """Drop what a failed restore created in the schema (everything not in `before`)."""
    with transaction():
        new = _pg_relations() - before
        for kind in PG_KINDS:  # views before their tables, sequences after the tables that own them
            for name in sorted(n for n, k in new if k == kind):
                quoted = '"' + name.replace('"', '""') + '"'
                database.execute_sql(f"DROP {PG_KINDS[kind]} IF EXISTS {quoted} CASCADE")


def _libpq_url(url):
    return "postgresql://" + url.split("://", 1)[1]


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
