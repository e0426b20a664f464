"""A certificate list can go back to A (R15): B or the custodian returns it with the counted
differences (a table of its own), A corrects and signs again in a new round. Lists and signatures
get a `round` (1 for those already made); a role signs once per round, not once per list.
Frozen copies of the tables as this step has them; the live models may change later."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField
from playhouse.migrate import SchemaMigrator, migrate


def apply(db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "app_user"

    class CertificateHandover(Base):
        pass

    class CertificateListReturn(Base):
        handover = ForeignKeyField(CertificateHandover, on_delete="CASCADE")
        round = IntegerField()
        role = CharField(max_length=16)
        returned_by = ForeignKeyField(User, on_delete="RESTRICT")
        returned_at = DateTimeField()
        note = TextField()
        differences = TextField()

    # NOT NULL with a database default in one statement: no table rebuild on SQLite (the foreign
    # keys onto these tables would refuse one), and every existing list and signature is round 1.
    for table in ("certificate_handover", "certificate_signature"):
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "round" INTEGER NOT NULL DEFAULT 1')
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.drop_index("certificate_signature", "certificate_signature_handover_id_role"),
            migrator.add_index("certificate_signature", ("handover_id", "round", "role"), unique=True))
    db.create_tables([CertificateListReturn])
