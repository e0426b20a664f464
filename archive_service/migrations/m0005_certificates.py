"""Certificate custody (R14–R16): the certificate tables, and `location.safe` marking a safe or a
drawer/bag inside one. Frozen copies of the tables as this version has them (never the live models)."""
from peewee import (
    SQL,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse.migrate import SchemaMigrator, migrate


def apply(db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    # Existing tables, only as targets of the foreign keys below.
    class User(Base):
        class Meta:
            table_name = "app_user"

    class Project(Base):
        pass

    class Location(Base):
        pass

    class CertificateKind(Base):
        code = CharField(max_length=32, unique=True)
        name = CharField(max_length=100, unique=True)
        position = IntegerField(default=0)
        active = BooleanField(default=True)

    class CertificateHandover(Base):
        project = ForeignKeyField(Project, on_delete="RESTRICT")
        state = CharField(max_length=20, index=True)
        created_by = ForeignKeyField(User, on_delete="RESTRICT")
        created_at = DateTimeField()
        content_hash = CharField(max_length=64)
        location = ForeignKeyField(Location, null=True, on_delete="RESTRICT")
        stored_at = DateTimeField(null=True)

    class CertificateSignature(Base):
        handover = ForeignKeyField(CertificateHandover, on_delete="CASCADE")
        role = CharField(max_length=16)
        user = ForeignKeyField(User, on_delete="RESTRICT")
        signed_at = DateTimeField()
        content_hash = CharField(max_length=64)

        class Meta:
            indexes = ((("handover", "role"), True),)

    class Certificate(Base):
        code = CharField(max_length=20, unique=True)
        handover = ForeignKeyField(CertificateHandover, on_delete="RESTRICT")
        project = ForeignKeyField(Project, on_delete="RESTRICT")
        kind = ForeignKeyField(CertificateKind, on_delete="RESTRICT")
        name = CharField(max_length=200)
        number = CharField(max_length=200, index=True)
        owner = CharField(max_length=100)
        quantity = IntegerField()
        status = CharField(max_length=16, index=True)
        location = ForeignKeyField(Location, null=True, on_delete="RESTRICT")
        position = IntegerField(default=0)

    class CertificateMovement(Base):
        certificate = ForeignKeyField(Certificate, on_delete="RESTRICT")
        kind = CharField(max_length=16)
        state = CharField(max_length=20, index=True)
        from_location = ForeignKeyField(Location, null=True, on_delete="RESTRICT")
        to_location = ForeignKeyField(Location, null=True, on_delete="RESTRICT")
        started_by = ForeignKeyField(User, on_delete="RESTRICT")
        started_at = DateTimeField(index=True)
        approved_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        decided_at = DateTimeField(null=True)
        decision_note = CharField(max_length=200, default="")
        confirmed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        confirmed_at = DateTimeField(null=True)
        recipient = CharField(max_length=100, default="")
        recipient_id_number = CharField(max_length=32, default="")
        note = CharField(max_length=200, default="")
        details = TextField(default="{}")

    class CertificateDayCheck(Base):
        day = DateField(unique=True)
        checked_by = ForeignKeyField(User, on_delete="RESTRICT")
        checked_at = DateTimeField()
        movements = IntegerField()

    class Stocktake(Base):
        location = ForeignKeyField(Location, on_delete="RESTRICT")
        state = CharField(max_length=16, index=True)
        expected = TextField()
        started_by = ForeignKeyField(User, on_delete="RESTRICT")
        started_at = DateTimeField()
        closed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        closed_at = DateTimeField(null=True)
        result = TextField(null=True)
        result_hash = CharField(max_length=64, null=True)

    class StocktakeScan(Base):
        stocktake = ForeignKeyField(Stocktake, on_delete="CASCADE")
        certificate = ForeignKeyField(Certificate, on_delete="RESTRICT")
        location = ForeignKeyField(Location, on_delete="RESTRICT")
        scanned_by = ForeignKeyField(User, on_delete="RESTRICT")
        scanned_at = DateTimeField()

        class Meta:
            indexes = ((("stocktake", "certificate"), True),)

    safe = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    migrate(SchemaMigrator.from_database(db).alter_add_column("location", "safe", safe, allow_not_null=True))
    db.create_tables([CertificateKind, CertificateHandover, CertificateSignature, Certificate, CertificateMovement,
                      CertificateDayCheck, Stocktake, StocktakeScan])
