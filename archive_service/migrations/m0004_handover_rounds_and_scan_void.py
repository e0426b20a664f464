"""Scans can be voided (who, when, why); A's answers to supplement lists and the archivist's
refusals of a receipt get tables of their own. Frozen copies: the live models change later."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField
from playhouse.migrate import SchemaMigrator, migrate


def apply(db):
    class Frozen(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Frozen):
        class Meta:
            table_name = "app_user"

    class Handover(Frozen):
        pass

    class HandoverItem(Frozen):
        pass

    class SupplementRequest(Frozen):
        pass

    class ScanFile(Frozen):
        voided_at = DateTimeField(null=True)
        voided_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        void_reason = TextField(null=True)

    class SupplementAnswer(Frozen):
        request = ForeignKeyField(SupplementRequest, backref="answers", on_delete="CASCADE")
        entry = IntegerField()
        outcome = CharField(max_length=16)
        item = ForeignKeyField(HandoverItem, null=True, on_delete="SET NULL")
        note = TextField(default="")
        answered_by = ForeignKeyField(User, on_delete="RESTRICT")
        answered_at = DateTimeField()

        class Meta:
            indexes = ((("request", "entry"), True),)

    class ReceiptRefusal(Frozen):
        handover = ForeignKeyField(Handover, backref="refusals", on_delete="CASCADE")
        refused_by = ForeignKeyField(User, on_delete="RESTRICT")
        refused_at = DateTimeField()
        note = TextField()
        differences = TextField()

    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("scan_file", "voided_at", ScanFile.voided_at),
            migrator.add_column("scan_file", "voided_by_id", ScanFile.voided_by),
            migrator.add_column("scan_file", "void_reason", ScanFile.void_reason))
    db.create_tables([SupplementAnswer, ReceiptRefusal])
