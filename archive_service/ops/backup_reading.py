"""Reading a backup's database file without loading it anywhere: every table's rows are read
through and counted, and the rows the scan check needs are kept. SQLite's copy is opened
read-only; PostgreSQL's dump is turned back into its script by `pg_restore`, never into a database."""
import re
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass

from .. import migrations
from ..domain import backups as rules
from ..domain.errors import Conflict, InvalidInput, require
from ..models import ArchiveFile, Disposal, DisposalEntry, ScanFile

VERSIONS = migrations.SchemaVersion._meta.table_name
SCANS, FILES, DISPOSALS, ENTRIES = (m._meta.table_name for m in (ScanFile, ArchiveFile, Disposal, DisposalEntry))
KEPT = {SCANS, FILES, DISPOSALS, ENTRIES, VERSIONS}
COPY = re.compile(r"COPY (?P<table>\S+) \((?P<columns>.*)\) FROM stdin;")


class BackupError(Conflict):
    default_code = "backup.failed"


def run(command):
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError("backup.tool_missing", f"找不到 {command[0]}:请安装 postgresql-client") from None
    if done.returncode:
        raise BackupError("backup.tool_failed", f"{command[0]} 失败:{done.stderr.strip()[-300:]}")
    return done.stdout


@dataclass(frozen=True)
class Contents:
    counts: dict  # {table: rows}
    rows: dict  # {table: [{column: value}]} of the tables in KEPT that the file has

    @property
    def version(self):
        return max((int(r["version"]) for r in self.rows.get(VERSIONS, [])), default=None)

    def missing_scans(self, held):
        """The sha256 of the scans this database needs that are not in `held` (R23: not those
        removed with their file by an approved disposal)."""
        rows = self.rows
        scans = [rules.ScanRow(r["sha256"], int(r[ScanFile.archive.column_name]), r.get("removed_at") is not None)
                 for r in rows[SCANS]]
        destroyed = {int(r["id"]) for r in rows[FILES] if r["status"] == "destroyed"}
        disposals = [rules.DisposalRow(int(r["id"]), r["state"], r.get("remove_scans") in (True, 1, "1", "t"))
                     for r in rows.get(DISPOSALS, [])]
        entries = [(int(r[DisposalEntry.disposal.column_name]), int(r[DisposalEntry.archive.column_name]))
                   for r in rows.get(ENTRIES, [])]
        return rules.missing_content(scans, rules.files_whose_scans_went(disposals, entries, destroyed), held)


def read_database(db_file, stage, *, sqlite):
    """The Contents of the backup's database file; an unreadable one is `{stage}.corrupt`."""
    counts, rows = _sqlite_contents(db_file, stage) if sqlite else _pg_contents(db_file, stage)
    require(SCANS in rows and FILES in rows, InvalidInput, f"{stage}.corrupt",
            f"备份的数据库文件 {db_file.name} 不是本系统的数据库")
    return Contents(counts, rows)


def _corrupt(stage, db_file, why):
    return InvalidInput(f"{stage}.corrupt", f"备份的数据库文件 {db_file.name} 无法完整读取:{str(why)[-300:]}")


def _sqlite_contents(path, stage):
    counts, rows = {}, {}
    try:  # read-only and immutable: reading leaves the backup folder as it was
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)) as db:
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise _corrupt(stage, path, check)
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")]
            for table in tables:
                cursor = db.execute(f'SELECT * FROM "{table}"')
                columns = [c[0] for c in cursor.description]
                counts[table] = 0
                kept = rows.setdefault(table, []) if table in KEPT else None
                for row in cursor:
                    counts[table] += 1
                    if kept is not None:
                        kept.append(dict(zip(columns, row, strict=True)))
    except sqlite3.DatabaseError as error:
        raise _corrupt(stage, path, error) from None
    return counts, rows


def _pg_contents(dump, stage):
    try:
        listing = run(["pg_restore", "--list", str(dump)])
    except BackupError as failed:
        if failed.code != "backup.tool_failed":
            raise
        raise _corrupt(stage, dump, failed.message) from None
    toc = [line.split() for line in listing.splitlines() if line[:1].isdigit()]
    tables = {entry[5] for entry in toc if len(entry) > 5 and entry[3] == "TABLE" and entry[4] != "DATA"}
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(["pg_restore", "--data-only", "--file=-", str(dump)], stdout=subprocess.PIPE,
                              stderr=errors, text=True, encoding="utf-8") as script:
            try:
                counts, rows = _copy_blocks(script.stdout)
            except (ValueError, KeyError) as error:
                raise _corrupt(stage, dump, error) from None
            finally:
                script.stdout.close()
        errors.seek(0)
        if script.returncode:
            raise _corrupt(stage, dump, errors.read().decode("utf-8", "replace").strip())
    require(set(counts) == tables, InvalidInput, f"{stage}.corrupt",
            f"备份的数据库文件 {dump.name} 缺少表的数据:{', '.join(sorted(tables - set(counts)))}")
    return counts, rows


def _copy_blocks(lines):
    """The row counts, and the rows of the tables in KEPT, of a script's `COPY … FROM stdin`
    blocks (text format: a line a row, tab-separated, \\N for null)."""
    counts, rows, table = {}, {}, None
    for line in lines:
        line = line.rstrip("\n")
        if table is None:
            if copy := COPY.fullmatch(line):
                table = copy["table"].rsplit(".", 1)[-1].strip('"')
                columns = [c.strip('"') for c in copy["columns"].split(", ")]
                counts[table] = 0
                kept = rows.setdefault(table, []) if table in KEPT else None
        elif line == "\\.":
            table = None
        else:
            counts[table] += 1
            if kept is not None:
                kept.append(dict(zip(columns, [None if v == "\\N" else v for v in line.split("\t")], strict=True)))
    if table is not None:
        raise ValueError(f"表 {table} 的数据不完整")
    return counts, rows
