"""The database: one peewee proxy, opened from a URL (SQLite by default, PostgreSQL in production)."""
import operator
import time
import weakref
from contextlib import contextmanager
from datetime import date, datetime
from functools import reduce
from pathlib import Path
from urllib.parse import urlparse

from peewee import (
    BooleanField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    DecimalField,
    IntegrityError,
    PostgresqlDatabase,
    SqliteDatabase,
)
from playhouse.db_url import parse, parseresult_to_dict
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

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
        return PooledPostgres(**parseresult_to_dict(urlparse(url)), **POOL)
    raise ValueError(f"unsupported DATABASE_URL {url!r}: use sqlite:///PATH or postgresql://...")


class PooledPostgres(PooledPostgresqlDatabase):
    """peewee's pool asks the server `SELECT 1` each time it hands out a connection: a round trip
    per request, as long as a scan lookup's own query. A connection given back moments ago is
    handed out as it is; one that sat in the pool for PING_AFTER seconds or more is checked first.
    A server that went away in between fails that one request (a 503), not the next."""

    PING_AFTER = 10.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._returned = {}

    def _is_closed(self, conn):
        returned = self._returned.pop(self.conn_key(conn), None)
        if returned is not None and not conn.closed and time.monotonic() - returned < self.PING_AFTER:
            return False
        return super()._is_closed(conn)

    def _close(self, conn, close_conn=False):
        super()._close(conn, close_conn)
        if not close_conn and not conn.closed:
            self._returned[self.conn_key(conn)] = time.monotonic()


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


def for_share(query):
    """Lock the selected rows against an update until the transaction ends, without making other
    sharers wait (PostgreSQL `FOR SHARE`); SQLite is already serialised by `transaction()`."""
    return query.for_update("FOR SHARE") if is_postgres() else query


MARK = "\x00mark:"


def _mark(name):
    return f"{MARK}{name}\x00"


def _mark_name(param):
    return param[len(MARK):-1] if isinstance(param, str) and param.startswith(MARK) else None


class Statement:
    """A statement peewee writes once per database and shape, then runs again with new values;
    for work whose SQL costs more to write than to run (a scanned code's look-up, a bearer token's
    owner, the sweep's INSERT … SELECTs).
    `build(mark, *shape)` makes the query, where `mark(name)` stands for the value `name` given to
    `run` or `objects`: a date, text or number as the driver takes it (a stored time: `to_db`).
    Where a field would convert a value (integers), wrap the mark in `Value(...)`. The first build
    of a shape checks that every mark reaches the SQL as a whole parameter of its own."""

    def __init__(self, build):
        self.build = build
        self._built = weakref.WeakKeyDictionary()

    def _compiled(self, shape):
        db = database.obj
        known = self._built.get(db)
        if known is None:
            known = self._built[db] = {}
        if shape not in known:
            query = self.build(_mark, *shape)
            sql, params = query.sql()
            names = [_mark_name(p) for p in params]
            stray = [p for p, name in zip(params, names, strict=True)
                     if name is None and isinstance(p, str) and MARK in p]
            if stray:
                raise RuntimeError(f"a mark was converted or embedded, not passed whole: {stray!r}")
            known[shape] = (query, sql, params, names)
        return known[shape]

    def run(self, *shape, **values):
        """The cursor of the statement of `shape`, run with `values`."""
        _query, sql, params, names = self._compiled(shape)
        if not set(values) <= set(names):
            raise RuntimeError(f"values {sorted(set(values) - set(names))} have no mark in the SQL")
        return database.obj.execute_sql(sql, [p if n is None else values[n] for p, n in zip(params, names,
                                                                                             strict=True)])

    def objects(self, *shape, **values):
        """The rows as the query itself would give them (model objects, tuples, dicts)."""
        query = self._compiled(shape)[0]
        return list(query._get_cursor_wrapper(self.run(*shape, **values)))  # peewee's own row reading


class Shaped:
    """Lists whose SQL text depends only on their shape (which filters, which order, a cursor or
    not), where peewee spends more on writing the SQL of a wide joined select than the database
    spends answering it. The whole select is written once per shape and database; a call of a
    known shape renders only its WHERE conditions, for their values. The number of values is part
    of the shape (an IN list's length changes the text). The first call of each shape checks that
    those values are exactly the parameters peewee wrote."""

    def __init__(self):
        self._sql = weakref.WeakKeyDictionary()

    def execute(self, shape, build, where, tail=(), values=None):
        """The cursor of `build()` (a query with `.where(*where)` and `tail` parameters after its
        WHERE, such as its LIMIT), run with this call's values (`values`: those of `where`, when
        the caller has them from `where_params` already)."""
        db = database.obj
        known = self._sql.setdefault(db, {})
        params = [*(where_params(db, where) if values is None else values), *tail]
        shape = (shape, len(params))
        sql = known.get(shape)
        if sql is None:
            sql, written = build().sql()
            if list(written) != params:
                raise RuntimeError(f"shape {shape!r}: peewee wrote {written!r}, the shape gives {params!r}")
            known[shape] = sql
        return db.execute_sql(sql, params)


def where_params(db, where):
    """The parameters of the conditions `where`, in the order a select's WHERE puts them."""
    if not where:
        return []
    return db.get_sql_context().sql(reduce(operator.and_, where)).query()[1]


def row_reader(fields):
    """`read(row)`: a raw row of these fields with the values a peewee select would give (dates,
    times and booleans converted; numbers and text come from the driver as they are)."""
    convert = [(index, fn) for index, fn in enumerate(map(_converter, fields)) if fn is not None]

    def read(row):
        row = list(row)
        for index, fn in convert:
            if row[index] is not None:
                row[index] = fn(row[index])
        return row

    return read


def _converter(field):
    """The field's own conversion, with a fast path for the ISO text SQLite stores dates and times as."""
    if isinstance(field, BooleanField):
        return bool
    if isinstance(field, DateTimeField):
        return _iso(datetime.fromisoformat, field.python_value)
    if isinstance(field, DateField):
        return _iso(date.fromisoformat, field.python_value)
    if isinstance(field, DecimalField):
        return field.python_value
    return None


def _iso(parse, fallback):
    def convert(value):
        if isinstance(value, str):
            try:
                return parse(value)
            except ValueError:
                return fallback(value)
        return value
    return convert
