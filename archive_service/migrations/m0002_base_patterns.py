"""The audit chain's verified checkpoint (the id and hash up to which the chain was last found
whole), and one customer per id number (customers without one, '' from a legacy ledger, excepted)."""
from peewee import CharField, IntegerField
from playhouse.migrate import SchemaMigrator, migrate


def apply(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("audit_head", "verified_id", IntegerField(null=True)),
            migrator.add_column("audit_head", "verified_hash", CharField(max_length=64, null=True)),
            migrator.drop_index("customer", "customer_id_number"))
    db.execute_sql('CREATE UNIQUE INDEX "customer_id_number" ON "customer" ("id_number") WHERE "id_number" <> \'\'')
