"""m0007 brings a database from before the ledgers to the models' shape and indexes its names."""
from playhouse.migrate import SchemaMigrator, migrate

from archive_service import migrations
from archive_service.db import database
from archive_service.models import ArchiveFile, SearchDoc, SearchGram
from archive_service.services import search


def _back_to_before_m0007():
    database.drop_tables([SearchGram, SearchDoc])
    migrate(SchemaMigrator.from_database(database).drop_column("archive_file", "imported"))
    migrations.SchemaVersion.delete().where(migrations.SchemaVersion.version == 7).execute()


def columns(table):
    return sorted((c.name, c.data_type.lower(), c.null) for c in database.get_columns(table))


def test_r3_m0007_adds_the_index_and_the_marker_and_indexes_existing_names(world):
    world.received()
    expected = {t: columns(t) for t in ("archive_file", "search_doc", "search_gram")}
    with database.atomic():
        _back_to_before_m0007()
    assert "m0007_ledgers" in migrations.upgrade()
    assert {t: columns(t) for t in expected} == expected
    assert ArchiveFile.select().where(ArchiveFile.imported).count() == 0
    assert [h["kind"] for h in search.search(world.arch, "商贸")["items"]] == ["archive", "project", "customer"]
