"""m0004 brings a database of the previous shape to exactly the shape the models build."""
import pytest
from playhouse.migrate import SchemaMigrator, migrate

from archive_service import models
from archive_service.db import database, is_sqlite
from archive_service.migrations import m0004_handover_rounds_and_scan_void as m0004

NEW_TABLES = [models.SupplementAnswer, models.ReceiptRefusal]
NEW_COLUMNS = ["voided_at", "voided_by_id", "void_reason"]


def shape():
    tables = {}
    for model in models.ALL_MODELS:
        name = model._meta.table_name
        tables[name] = (
            sorted((c.name, c.data_type.lower(), c.null) for c in database.get_columns(name)),
            sorted((tuple(i.columns), i.unique) for i in database.get_indexes(name)),
            sorted((f.column, f.dest_table, f.dest_column) for f in database.get_foreign_keys(name)),
        )
    return tables


@pytest.mark.usefixtures("db")
def test_m0004_turns_the_previous_schema_into_the_models_schema():
    built = shape()
    database.drop_tables(NEW_TABLES)
    migrator = SchemaMigrator.from_database(database)
    legacy = {"legacy": True} if is_sqlite() else {}  # SQLite cannot drop a foreign-key column in place
    migrate(*(migrator.drop_column("scan_file", c, **legacy) for c in NEW_COLUMNS))
    assert shape() != built
    m0004.apply(database)
    assert shape() == built
