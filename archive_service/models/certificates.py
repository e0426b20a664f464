"""Certificate custody (R14–R16): kinds, certificates, their handover lists with three signatures,
dual-controlled movements, day-end checks and stock-takes of a safe."""
from peewee import SQL, BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .core import BaseModel, Location, Project, User


class CertificateKind(BaseModel):
    """R14's kinds of important certificate; an admin renames them or adds more."""

    code = CharField(max_length=32, unique=True)
    name = CharField(max_length=100, unique=True)
    position = IntegerField(default=0)
    active = BooleanField(default=True)


class CertificateHandover(BaseModel):
    """The certificate handover list (重要权证移交清单, R15), separate from the file's list."""

    project = ForeignKeyField(Project, backref="certificate_handovers", on_delete="RESTRICT")
    state = CharField(max_length=20, index=True)
    created_by = ForeignKeyField(User, on_delete="RESTRICT")
    created_at = DateTimeField()
    content_hash = CharField(max_length=64)
    location = ForeignKeyField(Location, null=True, on_delete="RESTRICT")
    stored_at = DateTimeField(null=True)
    # The signing round: 1, and one more each time B or the custodian returns the list to A. Only
    # the signatures of the current round count; earlier ones are kept, superseded.
    round = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])


class CertificateSignature(BaseModel):
    """A, B or the custodian signing the list's content (its hash) after their check, in a round."""

    handover = ForeignKeyField(CertificateHandover, backref="signatures", on_delete="CASCADE")
    role = CharField(max_length=16)
    user = ForeignKeyField(User, on_delete="RESTRICT")
    signed_at = DateTimeField()
    content_hash = CharField(max_length=64)
    round = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])

    class Meta:
        indexes = ((("handover", "round", "role"), True),)


class CertificateListReturn(BaseModel):
    """B or the custodian sent the list back to A: the differences they counted and why."""

    handover = ForeignKeyField(CertificateHandover, backref="returns", on_delete="CASCADE")
    round = IntegerField()
    role = CharField(max_length=16)
    returned_by = ForeignKeyField(User, on_delete="RESTRICT")
    returned_at = DateTimeField()
    note = TextField()
    differences = TextField()


class Certificate(BaseModel):
    """One original certificate. Released ones keep their row: the record is closed, never deleted."""

    code = CharField(max_length=20, unique=True)
    handover = ForeignKeyField(CertificateHandover, backref="certificates", on_delete="RESTRICT")
    project = ForeignKeyField(Project, backref="certificates", on_delete="RESTRICT")
    kind = ForeignKeyField(CertificateKind, on_delete="RESTRICT")
    name = CharField(max_length=200)
    number = CharField(max_length=200, index=True)
    owner = CharField(max_length=100)
    quantity = IntegerField()
    status = CharField(max_length=16, index=True)
    location = ForeignKeyField(Location, null=True, on_delete="RESTRICT")
    position = IntegerField(default=0)


class CertificateMovement(BaseModel):
    """A movement into or out of the safe. It takes effect only when a second authorised person
    confirms it (dual control); a release first needs an approver's yes."""

    certificate = ForeignKeyField(Certificate, backref="movements", on_delete="RESTRICT")
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


class CertificateDayCheck(BaseModel):
    """The custodian's day-end confirmation that the day's movements were checked."""

    day = DateField(unique=True)
    checked_by = ForeignKeyField(User, on_delete="RESTRICT")
    checked_at = DateTimeField()
    movements = IntegerField()


class Stocktake(BaseModel):
    """A stock-take (盘点) of a safe: the expected list is frozen at the start."""

    location = ForeignKeyField(Location, on_delete="RESTRICT")
    state = CharField(max_length=16, index=True)
    expected = TextField()
    started_by = ForeignKeyField(User, on_delete="RESTRICT")
    started_at = DateTimeField()
    closed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    closed_at = DateTimeField(null=True)
    result = TextField(null=True)
    result_hash = CharField(max_length=64, null=True)


class StocktakeScan(BaseModel):
    stocktake = ForeignKeyField(Stocktake, backref="scans", on_delete="CASCADE")
    certificate = ForeignKeyField(Certificate, on_delete="RESTRICT")
    location = ForeignKeyField(Location, on_delete="RESTRICT")
    scanned_by = ForeignKeyField(User, on_delete="RESTRICT")
    scanned_at = DateTimeField()

    class Meta:
        indexes = ((("stocktake", "certificate"), True),)


MODELS = [CertificateKind, CertificateHandover, CertificateSignature, Certificate, CertificateMovement,
          CertificateDayCheck, Stocktake, StocktakeScan, CertificateListReturn]
