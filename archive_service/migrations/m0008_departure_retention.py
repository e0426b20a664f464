"""Departure handovers, project reassignments, retention periods and disposal lists (R21, R23).

Frozen copies of the tables as this step creates them; the live models may change later."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, Model, TextField
from playhouse.migrate import SchemaMigrator, migrate


def apply(db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "app_user"

    class Project(Base):
        pass

    class ArchiveFile(Base):
        pass

    class Transfer(Base):
        leaver = ForeignKeyField(User, backref="transfers_out", on_delete="RESTRICT")
        successor = ForeignKeyField(User, backref="transfers_in", on_delete="RESTRICT")
        done_by = ForeignKeyField(User, on_delete="RESTRICT")
        done_at = DateTimeField()
        items = TextField()
        note = CharField(max_length=200, default="")

    class Reassignment(Base):
        project = ForeignKeyField(Project, on_delete="RESTRICT")
        role = CharField(max_length=1)
        from_user = ForeignKeyField(User, on_delete="RESTRICT")
        to_user = ForeignKeyField(User, on_delete="RESTRICT")
        reason = CharField(max_length=200)
        done_by = ForeignKeyField(User, on_delete="RESTRICT")
        done_at = DateTimeField()
        transfer = ForeignKeyField(Transfer, null=True, on_delete="RESTRICT")

    class Disposal(Base):
        reason = CharField(max_length=200)
        state = CharField(max_length=16, index=True)
        created_by = ForeignKeyField(User, on_delete="RESTRICT")
        created_at = DateTimeField()
        decided_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        decided_at = DateTimeField(null=True)
        note = CharField(max_length=200, default="")
        remove_scans = BooleanField(default=False)
        destroyed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        destroyed_at = DateTimeField(null=True)

    class DisposalEntry(Base):
        disposal = ForeignKeyField(Disposal, on_delete="CASCADE")
        archive = ForeignKeyField(ArchiveFile, on_delete="RESTRICT")

        class Meta:
            indexes = ((("disposal", "archive"), True),)

    # NOT NULL with a database default in one statement: files received before retention existed
    # are permanent, and SQLite needs no table rebuild (which the foreign keys onto it would refuse).
    db.execute_sql("ALTER TABLE archive_file ADD COLUMN retention VARCHAR(16) NOT NULL DEFAULT 'permanent'")
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("scan_file", "removed_at", DateTimeField(null=True)))
    db.create_tables([Transfer, Reassignment, Disposal, DisposalEntry])
