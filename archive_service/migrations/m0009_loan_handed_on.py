"""A loan handed on at a departure remembers the transfer (R21): its new borrower answers for the
return but reads nothing on it, since the approval was given to the one who asked."""
from peewee import IntegerField
from playhouse.migrate import SchemaMigrator, migrate


def apply(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("loan", "handed_on_in", IntegerField(null=True)))
