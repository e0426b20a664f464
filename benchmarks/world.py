"""A scratch archive for the database workloads: a temporary SQLite file, or a throwaway schema
in a PostgreSQL database, filled with bulk inserts (no service calls, so it takes seconds per
hundred thousand rows), and dropped afterwards."""
import os
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import psycopg2

from archive_service import migrations
from archive_service.db import database, is_postgres, transaction
from archive_service.domain import numbering
from archive_service.models import (
    ArchiveFile,
    Customer,
    Handover,
    HandoverItem,
    Location,
    Project,
    User,
)
from archive_service.services import users

BATCH = 2000
ITEMS_PER_FILE = 5
YEARS = range(2015, 2027)
BUSINESSES = ("loan", "guarantee")
NOW = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)
PASSWORD = "Bench-Passw0rd!"


@dataclass
class World:
    """What the workloads need to know about the generated archive."""

    engine: str
    url: str
    files: int
    archivist: object = None
    codes: list = field(default_factory=list)
    filter: dict = field(default_factory=dict)


@contextmanager
def scratch_database(engine, postgres_url=None):
    """(engine, url) of an empty database that is removed on exit."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="archive-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(postgres_url)
    admin.autocommit = True
    admin.cursor().execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{postgres_url}{'&' if '?' in postgres_url else '?'}options=-csearch_path%3D{schema}"
    finally:
        if not database.is_closed():
            database.close()
        admin.cursor().execute(f"DROP SCHEMA {schema} CASCADE")
        admin.close()


def build(engine, url, files, report=print):
    """Migrate the bound database (at `url`) and fill it with `files` received archive files."""
    database.connect(reuse_if_open=True)
    migrations.upgrade()
    people = _people()
    _bulk(Location, ["id", "code", "name", "level", "parent", "created_at"],
          [(1, "R1", "一号档案室", "room", None, NOW.replace(tzinfo=None))])
    customers = max(files // 4, 1)
    _bulk(Customer, ["id", "name", "kind", "id_number", "created_by", "created_at"],
          ((i, f"客户{i:07d}商贸有限公司", "enterprise", f"9111{i:014d}", "bench", _stamp(i))
           for i in range(1, customers + 1)))
    _bulk(Project, ["id", "code", "customer", "business", "title", "amount", "a_user", "b_user", "ended_on",
                    "created_by", "created_at"],
          ((i, f"P-{i:08d}", (i - 1) % customers + 1, _business(i), f"流动资金贷款{i}", 100000 + i,
            people["a"].id, people["b"].id, _ended_on(i), "bench", _stamp(i)) for i in range(1, files + 1)))
    _bulk(Handover, ["id", "project", "state", "rounds", "created_at", "accepted_at", "received_at"],
          ((i, i, "received", 1, _stamp(i), _stamp(i), _stamp(i)) for i in range(1, files + 1)))
    scheme = numbering.NumberingScheme()
    numbers = {i: scheme.archive_no(_business(i), _ended_on(i).year, _seq(i)) for i in range(1, files + 1)}
    _bulk(ArchiveFile, ["id", "archive_no", "series", "seq", "handover", "project", "business", "year", "status",
                        "location", "received_by", "received_at"],
          ((i, numbers[i], scheme.series(_business(i), _ended_on(i).year), _seq(i), i, i, _business(i),
            _ended_on(i).year, "in_archive", 1, people["archivist"].id, _stamp(i)) for i in range(1, files + 1)))
    _bulk(HandoverItem, ["id", "handover", "part", "position", "title", "pages", "contract", "attachment", "round",
                         "number", "contract_number"],
          _items(files, numbers))
    _reset_sequences()
    world = World(engine=engine, url=url, files=files, archivist=users.actor_of(people["archivist"], "127.0.0.1"))
    step = max(files // 500, 1)
    world.codes = [numbers[i] for i in range(1, files + 1, step)]
    world.filter = {"year": 2024, "business": "loan"}
    report(f"  {engine}: {files} files, {files * ITEMS_PER_FILE} items generated")
    return world


def _people():
    made = {}
    for username, role in (("a", "manager"), ("b", "manager"), ("archivist", "archivist")):
        users.create_user(None, username=f"bench_{username}", password=PASSWORD, roles=[role],
                          display_name=f"bench {username}", now=NOW)
        made[username] = User.get(User.username == f"bench_{username}")
    return made


def _business(i):
    """Blocks of one file per year alternate between the businesses: every (business, year) pair
    gets one file in each block of 24."""
    return BUSINESSES[(i - 1) // len(YEARS) % 2]


def _ended_on(i):
    return date(YEARS[i % len(YEARS)], 1 + i % 12, 1 + i % 28)


def _seq(i):
    """Files are numbered per business and year in the order they were made."""
    return (i - 1) // (len(BUSINESSES) * len(YEARS)) + 1


def _stamp(i):
    return NOW.replace(tzinfo=None) - timedelta(minutes=i)


def _items(files, numbers):
    next_id = 1
    for i in range(1, files + 1):
        for position in range(1, ITEMS_PER_FILE + 1):
            contract = position == 2
            number = f"{numbers[i]}-{position:02d}"
            yield (next_id, i, min(position, 4), position, f"资料{position}", 1 + position, contract, False, 0,
                   number, f"{numbers[i]}-HT01" if contract else None)
            next_id += 1


def _bulk(model, names, rows):
    """INSERT many rows per statement, one transaction per table."""
    fields = [model._meta.fields[name] for name in names]
    batch = []
    with transaction():
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                model.insert_many(batch, fields=fields).execute()
                batch = []
        if batch:
            model.insert_many(batch, fields=fields).execute()


def _reset_sequences():
    """Rows inserted with explicit ids leave PostgreSQL's sequences behind: move them on."""
    if not is_postgres():
        return
    for model in (Location, Customer, Project, Handover, ArchiveFile, HandoverItem):
        table = model._meta.table_name
        database.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT max(id) FROM {table}))")


def postgres_url(explicit=None):
    """The PostgreSQL server to bench on: --postgres, else DATABASE_URL when it names one."""
    url = explicit or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None
