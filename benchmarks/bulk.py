"""Loading a scratch database fast: the SQL spellings that differ between SQLite and PostgreSQL
for set-based INSERT … SELECT, and a loading mode that takes the indexes and foreign keys of the
loaded tables off and puts the very same ones back afterwards (one sort per index instead of a
B-tree insert per row)."""
from contextlib import contextmanager

from archive_service.db import SQLITE_PRAGMAS, database, is_postgres

# Minutes are counted from here: every generated time is a whole number of minutes after it.
EPOCH = "2013-01-01"


class SqliteSql:
    """SQLite's spellings."""

    def numbers(self, count):
        """(WITH clause, FROM item) of the rows i = 1…count."""
        return (f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {int(count)})", "n")

    def at(self, minutes):
        """The timestamp `minutes` after EPOCH, as peewee stores a naive datetime."""
        return f"datetime('{EPOCH}', ({minutes}) || ' minutes')"

    def day(self, minutes):
        """The date of the moment `minutes` after EPOCH."""
        return f"date('{EPOCH}', (({minutes}) / 1440) || ' days')"

    def year(self, day):
        return f"CAST(substr({day}, 1, 4) AS INTEGER)"

    def pad(self, number, width):
        """The number in decimal, zero-padded to at least `width` digits (Python's :0{width}d)."""
        return f"printf('%0{width}d', {number})"

    def chars(self, pool, index, width=1):
        """The `index`-th `width`-character entry of the string `pool`, from 0."""
        return f"substr('{pool}', ({index}) * {width} + 1, {width})"

    def position(self, needle, text):
        """Where `needle` first occurs in `text`, counted in characters from 1; 0 when it does not."""
        return f"instr({text}, {needle})"

    def key_order(self, columns):
        """How to feed rows to a table whose key is (`columns`): SQLite keeps its primary keys
        through the load (they cannot be dropped), and rows in key order only append to them."""
        return f"ORDER BY {columns}"


class PostgresSql(SqliteSql):
    """PostgreSQL's spellings (numbers are bigint: the scrambling products pass 2**31)."""

    def numbers(self, count):
        return "", f"generate_series(1, {int(count)}::bigint) AS n(i)"

    def at(self, minutes):
        return f"(timestamp '{EPOCH}' + ({minutes}) * interval '1 minute')"

    def day(self, minutes):
        return f"(date '{EPOCH}' + CAST(({minutes}) / 1440 AS integer))"

    def year(self, day):
        return f"CAST(extract(year FROM {day}) AS integer)"

    def pad(self, number, width):
        text = f"CAST({number} AS text)"
        return f"lpad({text}, greatest({width}, length({text})), '0')"

    def chars(self, pool, index, width=1):
        return f"substr('{pool}', CAST(({index}) * {width} + 1 AS integer), {width})"

    def position(self, needle, text):
        return f"strpos({text}, {needle})"

    def key_order(self, columns):
        return ""  # the keys are built after the load


def sql():
    return PostgresSql() if is_postgres() else SqliteSql()


def pick(index, options):
    """SQL choosing `options[index % len(options)]` (strings of any length)."""
    branches = " ".join(f"WHEN {n} THEN '{text}'" for n, text in enumerate(options))
    return f"CASE ({index}) % {len(options)} {branches} END"


def run(statement):
    """Run one statement without parameters (so psycopg2 leaves its `%` alone)."""
    cursor = database.cursor()
    cursor.execute(statement)
    return cursor


def rows(statement):
    return run(statement).fetchall()


@contextmanager
def loading(tables):
    """Fill `tables` inside the block, one transaction, without their secondary indexes and
    foreign-key checks; the same indexes and foreign keys are back afterwards, and PostgreSQL
    has fresh statistics and visibility maps (what autovacuum would give a loaded table)."""
    loader = _PostgresLoad(tables) if is_postgres() else _SqliteLoad(tables)
    loader.begin()
    with database.atomic():
        loader.take_off()
        yield
        loader.put_back()
    loader.end()


class _SqliteLoad:
    """The scratch file only: no rollback journal, no fsync, a big page cache for the index sorts."""

    FAST = {"foreign_keys": 0, "journal_mode": "off", "synchronous": "off", "cache_size": -1_000_000,
            "temp_store": "memory"}
    DEFAULTS = {"cache_size": -2000, "temp_store": "default"}

    def __init__(self, tables):
        self.tables, self.indexes = tables, []

    def begin(self):
        for name, value in self.FAST.items():
            run(f"PRAGMA {name} = {value}")

    def take_off(self):
        marks = ", ".join("?" for _ in self.tables)
        self.indexes = database.execute_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY name", self.tables).fetchall()
        for name, _ in self.indexes:
            run(f'DROP INDEX "{name}"')

    def put_back(self):
        for _, statement in self.indexes:
            run(statement)

    def end(self):
        for name, value in {**self.DEFAULTS, **SQLITE_PRAGMAS}.items():
            run(f"PRAGMA {name} = {value}")


class _PostgresLoad:
    """Session settings only (the server's configuration is left alone). Primary keys go too,
    with every foreign key that points at a loaded table."""

    FAST = {"synchronous_commit": "off", "work_mem": "'512MB'", "maintenance_work_mem": "'1GB'"}
    SCHEMA = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
    INDEXES = f"""
        SELECT i.relname, pg_get_indexdef(ix.indexrelid) FROM pg_index ix
        JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
        WHERE t.relnamespace = {SCHEMA} AND t.relname = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
        ORDER BY i.relname"""
    CONSTRAINTS = f"""
        SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid LEFT JOIN pg_class r ON r.oid = c.confrelid
        WHERE t.relnamespace = {SCHEMA} AND c.contype = %s AND (t.relname = ANY(%s) OR r.relname = ANY(%s))
        ORDER BY t.relname, c.conname"""

    def __init__(self, tables):
        self.tables, self.indexes, self.keys, self.foreign_keys = list(tables), [], [], []

    def begin(self):
        for name, value in self.FAST.items():
            run(f"SET {name} = {value}")

    def take_off(self):
        self.foreign_keys = self._constraints("f")
        self.keys = self._constraints("p") + self._constraints("u")
        self.indexes = database.execute_sql(self.INDEXES, (self.tables,)).fetchall()
        for table, name, _ in self.foreign_keys + self.keys:
            run(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _ in self.indexes:
            run(f'DROP INDEX "{name}"')

    def _constraints(self, kind):
        return database.execute_sql(self.CONSTRAINTS, (kind, self.tables, self.tables)).fetchall()

    def put_back(self):
        for table, name, definition in self.keys:
            run(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for _, statement in self.indexes:
            run(statement)
        for table, name, definition in self.foreign_keys:
            run(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')

    def end(self):
        for table in self.tables:
            run(f'VACUUM (ANALYZE) "{table}"')
        for name in self.FAST:
            run(f"RESET {name}")
