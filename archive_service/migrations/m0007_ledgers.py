"""Ledgers: the search index (documents and their two-character grams, filled from the existing
customers and projects) and the `imported` marker of archive files from a legacy ledger."""
from peewee import CharField, CompositeKey, ForeignKeyField, IntegerField, Model, SqliteDatabase

from ..domain.search import grams, normalise


def apply(db):
    class SearchDoc(Model):
        kind = CharField(max_length=16)
        ref = IntegerField()
        text = CharField(max_length=400)

        class Meta:
            database = db
            table_name = "search_doc"
            legacy_table_names = False
            indexes = ((("kind", "ref"), True),)

    class SearchGram(Model):
        gram = CharField(max_length=2)
        doc = ForeignKeyField(SearchDoc, backref="grams", on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "search_gram"
            legacy_table_names = False
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
    """Added with its default in the database, so existing rows read false (SQLite cannot add a
    NOT NULL column without one, and playhouse would rebuild the table, which its foreign keys
    forbid inside a transaction)."""
    kind = "INTEGER" if isinstance(getattr(db, "obj", db), SqliteDatabase) else "BOOLEAN"  # db may be the proxy
    db.execute_sql(f"ALTER TABLE archive_file ADD COLUMN imported {kind} NOT NULL DEFAULT false")
