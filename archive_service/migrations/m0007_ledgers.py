"""Ledgers: the search index (documents and their two-character grams, filled from the existing
customers and projects) and the `imported` marker of archive files from a legacy ledger."""
from peewee import BooleanField, CharField, CompositeKey, ForeignKeyField, IntegerField, Model, SqliteDatabase
from playhouse.migrate import SchemaMigrator, migrate

from ..domain.search import grams, normalise


def apply(db):
    class SearchDoc(Model):
        kind = CharField(max_length=16)
        ref = IntegerField()
        text = CharField(max_length=400)

        class Meta:
            database = db
            table_name = "search_doc"
            indexes = ((("kind", "ref"), True),)

    class SearchGram(Model):
        gram = CharField(max_length=2)
        doc = ForeignKeyField(SearchDoc, backref="grams", on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "search_gram"
            primary_key = CompositeKey("gram", "doc")

    db.create_tables([SearchDoc, SearchGram])
    _add_imported_marker(db)
    for kind, sql in (("customer", "SELECT id, name FROM customer"),
                      ("project", "SELECT id, title FROM project")):
        for ref, text in db.execute_sql(sql).fetchall():
            doc = SearchDoc.create(kind=kind, ref=ref, text=normalise(text))
            rows = [{"gram": g, "doc": doc.id} for g in grams(doc.text)]
            if rows:
                SearchGram.insert_many(rows).execute()


def _add_imported_marker(db):
    """SQLite adds a NOT NULL column with its default in place (playhouse would rebuild the table,
    which its foreign keys forbid inside a transaction)."""
    if isinstance(getattr(db, "obj", db), SqliteDatabase):  # db may be the proxy
        db.execute_sql("ALTER TABLE archive_file ADD COLUMN imported INTEGER NOT NULL DEFAULT 0")
    else:
        migrate(SchemaMigrator.from_database(db).add_column("archive_file", "imported", BooleanField(default=False)))
