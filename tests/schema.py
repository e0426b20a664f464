"""What a database's schema is, read back from the engine's own catalogue (SQLite or PostgreSQL),
as plain data two databases can be compared by: tables, columns (type, nullability, default,
primary key), indexes (columns, uniqueness, predicate; unique constraints included), foreign keys
(columns, target, on-delete rule) and, on PostgreSQL, check constraints."""
from archive_service.db import database, is_sqlite

IGNORED_TABLES = {"schema_version"}


def describe():
    """{table: {"columns", "indexes", "foreign_keys", "checks"}} of the bound database."""
    read = _sqlite_table if is_sqlite() else _postgres_table
    return {name: read(name) for name in _tables() if name not in IGNORED_TABLES}


def _tables():
    if is_sqlite():
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = ("SELECT table_name FROM information_schema.tables "
               "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
    return sorted(row[0] for row in database.execute_sql(sql).fetchall())


def _rows(sql, params=()):
    return database.execute_sql(sql, params).fetchall()


def _sqlite_table(table):
    columns = {name: {"type": kind.upper(), "null": not notnull, "default": default, "pk": bool(pk)}
               for _cid, name, kind, notnull, default, pk in _rows(f'PRAGMA table_info("{table}")')}
    indexes = set()
    for _seq, name, unique, origin, partial in _rows(f'PRAGMA index_list("{table}")'):
        if origin == "pk":
            continue
        cols = tuple(r[2] for r in _rows(f'PRAGMA index_info("{name}")'))
        predicate = _sqlite_index_predicate(name) if partial else None
        # unique constraints written inline get engine-chosen names: compare them by what they cover
        indexes.add((None if origin == "u" else name, cols, bool(unique), predicate))
    foreign_keys = {(src, dest_table, dest, on_delete)
                    for _id, _seq, dest_table, src, dest, _upd, on_delete, _match
                    in _rows(f'PRAGMA foreign_key_list("{table}")')}
    return {"columns": columns, "indexes": indexes, "foreign_keys": foreign_keys, "checks": set()}


def _sqlite_index_predicate(name):
    sql = _rows("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,))[0][0]
    return sql[sql.upper().rindex(" WHERE ") + 7:].strip()


PG_COLUMNS = """
SELECT c.column_name, c.data_type, c.character_maximum_length, c.numeric_precision, c.numeric_scale,
       c.is_nullable, c.column_default,
       EXISTS (SELECT 1 FROM information_schema.table_constraints tc
               JOIN information_schema.key_column_usage k
                 ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema
               WHERE tc.table_schema = c.table_schema AND tc.table_name = c.table_name
                 AND tc.constraint_type = 'PRIMARY KEY' AND k.column_name = c.column_name)
FROM information_schema.columns c
WHERE c.table_schema = current_schema() AND c.table_name = %s"""

PG_INDEXES = """
SELECT i.relname, ix.indisunique, ix.indisprimary, pg_get_expr(ix.indpred, ix.indrelid),
       array_agg(a.attname ORDER BY k.n)
FROM pg_index ix
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_namespace ns ON ns.oid = t.relnamespace
CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
WHERE ns.nspname = current_schema() AND t.relname = %s
GROUP BY i.relname, ix.indisunique, ix.indisprimary, ix.indpred, ix.indrelid"""

PG_CONSTRAINTS = """
SELECT c.contype, c.conname, pg_get_constraintdef(c.oid)
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace ns ON ns.oid = t.relnamespace
WHERE ns.nspname = current_schema() AND t.relname = %s AND c.contype IN ('f', 'c')"""


def _postgres_table(table):
    columns = {name: {"type": kind, "length": length, "precision": precision, "scale": scale,
                      "null": nullable == "YES", "default": default, "pk": pk}
               for name, kind, length, precision, scale, nullable, default, pk in _rows(PG_COLUMNS, (table,))}
    indexes = {(name, tuple(cols), unique, predicate)
               for name, unique, primary, predicate, cols in _rows(PG_INDEXES, (table,)) if not primary}
    constraints = _rows(PG_CONSTRAINTS, (table,))
    # foreign keys by definition (columns, target, on-delete rule); engine-chosen names are not compared
    foreign_keys = {definition for kind, _name, definition in constraints if kind == "f"}
    checks = {(name, definition) for kind, name, definition in constraints if kind == "c"}
    return {"columns": columns, "indexes": indexes, "foreign_keys": foreign_keys, "checks": checks}


def differences(left, right):
    """Human-readable lines saying where two `describe()` results differ (empty when equal)."""
    found = [f"table {t} only in the first" for t in sorted(set(left) - set(right))]
    found += [f"table {t} only in the second" for t in sorted(set(right) - set(left))]
    for table in sorted(set(left) & set(right)):
        for part in ("columns", "indexes", "foreign_keys", "checks"):
            a, b = left[table][part], right[table][part]
            if part == "columns":
                found += [f"{table}.{c}: {a.get(c)} != {b.get(c)}" for c in sorted(set(a) | set(b))
                          if a.get(c) != b.get(c)]
            elif a != b:
                only_a, only_b = sorted(a - b, key=str), sorted(b - a, key=str)
                found.append(f"{table} {part}: only in the first {only_a}, only in the second {only_b}")
    return found
