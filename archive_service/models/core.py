"""The tables and their indexes. No business rules here: those live in domain/ and services/."""
from peewee import (
    SQL,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from ..db import database


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class User(BaseModel):
    username = CharField(max_length=64, unique=True)
    display_name = CharField(max_length=100)
    password_hash = CharField(max_length=255)
    roles_text = CharField(max_length=255, default="")
    department = CharField(max_length=100, default="")
    email = CharField(max_length=255, default="")
    active = BooleanField(default=True)
    created_at = DateTimeField()
    # Raised by logout, a password change and deactivation: a browser session signed in under an
    # older version is no longer accepted (services/accounts/users.session_key).
    session_version = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])

    class Meta:
        table_name = "app_user"

    @property
    def roles(self):
        return [r for r in self.roles_text.split(",") if r]


class ApiToken(BaseModel):
    user = ForeignKeyField(User, backref="tokens", on_delete="RESTRICT")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField()
    revoked_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)


class AuditEntry(BaseModel):
    """Append-only and hash-chained (R19): each entry's hash covers its content and the previous hash."""

    at = DateTimeField()
    actor = CharField(max_length=64, null=True)
    action = CharField(max_length=64, index=True)
    object_type = CharField(max_length=32, default="")
    object_id = CharField(max_length=64, default="")
    summary = TextField(default="{}")
    client_addr = CharField(max_length=64, default="")
    prev_hash = CharField(max_length=64)
    hash = CharField(max_length=64, unique=True)


class AuditHead(BaseModel):
    """One row: the newest entry's id and hash. Locked to serialise appends; also reveals a
    deleted tail of the log. `verified_id`/`verified_hash` are the checkpoint up to which the
    chain was last found whole, so a view of the log checks only what is newer."""

    last_id = IntegerField(default=0)
    last_hash = CharField(max_length=64)
    count = IntegerField(default=0)
    verified_id = IntegerField(null=True)
    verified_hash = CharField(max_length=64, null=True)


class CalendarOverride(BaseModel):
    day = DateField(primary_key=True)
    kind = CharField(max_length=16)
    note = CharField(max_length=200, default="")
    set_by = CharField(max_length=64)
    set_at = DateTimeField()


class CalendarYear(BaseModel):
    """A year whose holidays an admin entered by hand and marked confirmed."""

    year = IntegerField(primary_key=True)
    confirmed_by = CharField(max_length=64)
    confirmed_at = DateTimeField()


class Setting(BaseModel):
    key = CharField(max_length=64, primary_key=True)
    value = TextField()


class Customer(BaseModel):
    name = CharField(max_length=100, index=True)
    kind = CharField(max_length=16)
    id_number = CharField(max_length=32)
    created_by = CharField(max_length=64)
    created_at = DateTimeField()


# One customer per id number; customers brought in from a legacy ledger have none ('') yet.
CUSTOMER_ID_NUMBER_INDEX = ('CREATE UNIQUE INDEX IF NOT EXISTS "customer_id_number" '
                            "ON \"customer\" (\"id_number\") WHERE \"id_number\" <> ''")
Customer.add_index(SQL(CUSTOMER_ID_NUMBER_INDEX))


class Project(BaseModel):
    code = CharField(max_length=40, unique=True)
    customer = ForeignKeyField(Customer, backref="projects", on_delete="RESTRICT")
    business = CharField(max_length=16)
    title = CharField(max_length=200)
    amount = DecimalField(max_digits=16, decimal_places=2, auto_round=True)
    a_user = ForeignKeyField(User, backref="projects_as_a", on_delete="RESTRICT")
    b_user = ForeignKeyField(User, backref="projects_as_b", on_delete="RESTRICT")
    ended_on = DateField(index=True)
    created_by = CharField(max_length=64)
    created_at = DateTimeField()


class ChecklistEntry(BaseModel):
    """One line of a business type's checklist template (档案清单), used to pre-fill new lists."""

    business = CharField(max_length=16)
    part = IntegerField()
    position = IntegerField()
    title = CharField(max_length=200)
    contract = BooleanField(default=False)
    attachment = BooleanField(default=False)

    class Meta:
        indexes = ((("business", "part", "position"), True),)


class Handover(BaseModel):
    """The handover list (册内资料清单) of one project: one per project (R18)."""

    project = ForeignKeyField(Project, backref="handovers", unique=True, on_delete="RESTRICT")
    state = CharField(max_length=16, index=True)
    rounds = IntegerField(default=0)
    created_at = DateTimeField()
    first_submitted_at = DateTimeField(null=True)
    last_submitted_at = DateTimeField(null=True)
    accepted_at = DateTimeField(null=True)
    received_at = DateTimeField(null=True)
    a_on_time = BooleanField(null=True)
    b_on_time = BooleanField(null=True)


class HandoverItem(BaseModel):
    handover = ForeignKeyField(Handover, backref="items", on_delete="CASCADE")
    part = IntegerField()
    position = IntegerField()
    title = CharField(max_length=200)
    pages = IntegerField()
    contract = BooleanField(default=False)
    attachment = BooleanField(default=False)
    round = IntegerField(default=0)
    number = CharField(max_length=80, null=True, unique=True)
    contract_number = CharField(max_length=80, null=True, unique=True)


class SupplementRequest(BaseModel):
    """B's supplementary-materials list (补充资料清单) for one return round (R7)."""

    handover = ForeignKeyField(Handover, backref="supplements", on_delete="CASCADE")
    round = IntegerField()
    missing = TextField()
    requested_by = ForeignKeyField(User, on_delete="RESTRICT")
    requested_at = DateTimeField()
    answered_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("handover", "round"), True),)


class Signature(BaseModel):
    """Who signed which version of the list, and what changed since that role last signed."""

    handover = ForeignKeyField(Handover, backref="signatures", on_delete="CASCADE")
    role = CharField(max_length=16)
    user = ForeignKeyField(User, on_delete="RESTRICT")
    signed_at = DateTimeField()
    content_hash = CharField(max_length=64)
    content = TextField()
    changes = TextField(default="{}")


class Extension(BaseModel):
    handover = ForeignKeyField(Handover, backref="extensions", on_delete="CASCADE")
    step = CharField(max_length=16)
    until = DateField()
    reason = TextField()
    requested_by = ForeignKeyField(User, on_delete="RESTRICT")
    requested_at = DateTimeField()
    state = CharField(max_length=16, default="pending", index=True)
    decided_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    decided_at = DateTimeField(null=True)
    note = TextField(default="")


class Location(BaseModel):
    """Room → cabinet → shelf → box (R22)."""

    code = CharField(max_length=40, unique=True)
    name = CharField(max_length=100)
    level = CharField(max_length=16)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    created_at = DateTimeField()
    # A safe, or a drawer or bag inside one: certificates go only here (R16). The database default
    # lets the column be added to a table with rows in one step.
    safe = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])


class NumberCounter(BaseModel):
    """The last sequence number given in one series (business + year); locked to allocate."""

    series = CharField(max_length=100, unique=True)
    last_seq = IntegerField(default=0)


class ArchiveFile(BaseModel):
    """A received, numbered file (档案). Numbers are never reused: a voided file keeps its row."""

    archive_no = CharField(max_length=80, unique=True)
    series = CharField(max_length=100)
    seq = IntegerField()
    handover = ForeignKeyField(Handover, backref="archive_files", on_delete="RESTRICT")
    project = ForeignKeyField(Project, on_delete="RESTRICT")
    business = CharField(max_length=16, index=True)
    year = IntegerField(index=True)
    status = CharField(max_length=16, default="in_archive", index=True)
    location = ForeignKeyField(Location, null=True, on_delete="RESTRICT")
    received_by = ForeignKeyField(User, on_delete="RESTRICT")
    received_at = DateTimeField()
    void_reason = TextField(null=True)
    voided_at = DateTimeField(null=True)
    imported = BooleanField(default=False, constraints=[SQL("DEFAULT false")])  # from a legacy ledger
    retention = CharField(max_length=16, default="permanent", constraints=[SQL("DEFAULT 'permanent'")])

    class Meta:
        indexes = ((("series", "seq"), True),)


class LocationMove(BaseModel):
    archive = ForeignKeyField(ArchiveFile, backref="moves", on_delete="CASCADE")
    from_location = ForeignKeyField(Location, null=True, on_delete="RESTRICT")
    to_location = ForeignKeyField(Location, on_delete="RESTRICT")
    moved_by = CharField(max_length=64)
    moved_at = DateTimeField()
    note = CharField(max_length=200, default="")


class RegisterEntry(BaseModel):
    """The registration book (档案登记本, R12): one line per received file, signed by both sides."""

    archive = ForeignKeyField(ArchiveFile, backref="register_entries", on_delete="RESTRICT")
    day = DateField(index=True)
    file_name = CharField(max_length=320)
    handed_over_by = ForeignKeyField(User, on_delete="RESTRICT")
    received_by = ForeignKeyField(User, on_delete="RESTRICT")
    handed_over_signature = ForeignKeyField(Signature, on_delete="RESTRICT")
    received_signature = ForeignKeyField(Signature, on_delete="RESTRICT")
    at = DateTimeField()


ALL_MODELS = [User, ApiToken, AuditEntry, AuditHead, CalendarOverride, CalendarYear, Setting,
              Customer, Project, ChecklistEntry, Handover, HandoverItem, SupplementRequest, Signature,
              Extension, Location, NumberCounter, ArchiveFile, LocationMove, RegisterEntry]


class ScanFile(BaseModel):
    """A scan of an archive file or of one of its items. The content lives in the scan store under
    its sha256 (the same content is stored once, whatever row names it). A wrong scan is voided,
    never deleted: it stays in the history with the reason."""

    archive = ForeignKeyField(ArchiveFile, backref="scans", on_delete="RESTRICT")
    item = ForeignKeyField(HandoverItem, null=True, backref="scans", on_delete="RESTRICT")
    sha256 = CharField(max_length=64, index=True)
    pages = IntegerField()
    media_type = CharField(max_length=32)
    filename = CharField(max_length=200)
    size = BigIntegerField()
    uploaded_by = ForeignKeyField(User, on_delete="RESTRICT")
    uploaded_at = DateTimeField()
    voided_at = DateTimeField(null=True)
    voided_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    void_reason = TextField(null=True)
    removed_at = DateTimeField(null=True)  # content removed when its file was destroyed (R23)


ALL_MODELS.append(ScanFile)
