"""The database: one peewee proxy, opened from a URL (SQLite by default, PostgreSQL in production)."""
from pathlib import Path

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect, parse

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


def transaction():
    """One unit of work. On SQLite the write lock is taken at BEGIN (IMMEDIATE), so concurrent
    writers queue on the busy timeout instead of failing when a read lock is upgraded."""
    if is_sqlite():
        return database.atomic("IMMEDIATE")
    return database.atomic()


def for_update(query):
    """Lock the selected rows until the transaction ends (PostgreSQL); SQLite is already
    serialised by `transaction()`."""
    return query.for_update() if is_postgres() else query
