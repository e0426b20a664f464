"""The database: one peewee proxy, opened from a URL (SQLite by default, PostgreSQL in production)."""
from contextlib import contextmanager
from pathlib import Path

from peewee import DatabaseProxy, IntegrityError, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect, parse

from .domain.errors import Conflict

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 30_000,
    "synchronous": "normal",
}


def open_database(url):
    """A peewee database for `url`; SQLite files get WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite:///"):
        path = Path(parse(url)["database"])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=30)
    if url.startswith(("postgres://", "postgresql://")):
        return connect(url)
    raise ValueError(f"unsupported DATABASE_URL {url!r}: use sqlite:///PATH or postgresql://...")


def bind(url):
    """Point the proxy at the database named by `url` and return it."""
    db = open_database(url)
    database.initialize(db)
    return db


def is_sqlite():
    return isinstance(database.obj, SqliteDatabase)


def is_postgres():
    return isinstance(database.obj, PostgresqlDatabase)


@contextmanager
def transaction(conflict=None):
    """One unit of work. On SQLite the write lock is taken at BEGIN (IMMEDIATE), so concurrent
    writers queue on the busy timeout instead of failing when a read lock is upgraded.

    A unique or foreign-key violation (two requests creating the same thing at once, on
    PostgreSQL both pass the service's check before either commits) rolls the work back and
    becomes `conflict` (a domain Conflict with the service's own code), else a generic 409."""
    try:
        with database.atomic("IMMEDIATE") if is_sqlite() else database.atomic():
            yield
    except IntegrityError as clash:
        raise (conflict or Conflict("request.conflict", "数据已被他人同时修改或已存在,请刷新后重试")) from clash


def for_update(query):
    """Lock the selected rows until the transaction ends (PostgreSQL); SQLite is already
    serialised by `transaction()`."""
    return query.for_update() if is_postgres() else query
