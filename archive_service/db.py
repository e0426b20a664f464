"""The database: one peewee proxy, opened from a URL (SQLite by default, PostgreSQL in production)."""
import weakref
from contextlib import contextmanager
from pathlib import Path

from peewee import DatabaseProxy, IntegrityError, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect, parse
from playhouse.pool import PooledSqliteDatabase

from .domain.errors import Conflict

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 30_000,
    "synchronous": "normal",
}

# Requests take a connection from a pool and give it back: a new connection costs PostgreSQL a TCP
# handshake, authentication and a cold backend, and SQLite its pragmas, more than a request's queries.
# `timeout` is how long a request waits for a free connection; SQLite's busy timeout is a pragma.
POOL = {"max_connections": 32, "stale_timeout": 300, "timeout": 30}


def open_database(url):
    """A pooled peewee database for `url`; SQLite files get WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite:///"):
        path = Path(parse(url)["database"])
        path.parent.mkdir(parents=True, exist_ok=True)
        return PooledSqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False, **POOL)
    if url.startswith(("postgres://", "postgresql://")):
        return connect("postgresql+pool://" + url.split("://", 1)[1], **POOL)
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
        with database.atomic("IMMEDIATE") if is_sqlite() else database.atomic() as unit:
            yield unit
    except IntegrityError as clash:
        raise (conflict or Conflict("request.conflict", "数据已被他人同时修改或已存在,请刷新后重试")) from clash


def for_update(query):
    """Lock the selected rows until the transaction ends (PostgreSQL); SQLite is already
    serialised by `transaction()`."""
    return query.for_update() if is_postgres() else query


class Compiled:
    """A query turned into SQL once per database and run again with new values. For the hottest
    one-row look-ups (a scanned code), where building the SQL costs peewee many times what the
    database spends answering it. `build(*marks)` makes the query with a mark for each value."""

    def __init__(self, build, arity=1):
        self.build, self.marks = build, tuple(f"\x00value-{n}\x00" for n in range(arity))
        self._sql = weakref.WeakKeyDictionary()

    def first(self, *values):
        """The first row as a tuple, or None."""
        db = database.obj
        if db not in self._sql:
            self._sql[db] = self.build(*self.marks).sql()
        sql, template = self._sql[db]
        params = [values[self.marks.index(p)] if p in self.marks else p for p in template]
        return db.execute_sql(sql, params).fetchone()
