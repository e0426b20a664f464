"""The audit chain's verified checkpoint: the id and hash up to which the chain was last found whole."""
from peewee import CharField, IntegerField
from playhouse.migrate import SchemaMigrator, migrate


def apply(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("audit_head", "verified_id", IntegerField(null=True)),
            migrator.add_column("audit_head", "verified_hash", CharField(max_length=64, null=True)))
