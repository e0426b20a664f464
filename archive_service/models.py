"""The tables and their indexes. No business rules here: those live in domain/ and services/."""
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from .db import database


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
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    created_at = DateTimeField()

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
    deleted tail of the log."""

    last_id = IntegerField(default=0)
    last_hash = CharField(max_length=64)
    count = IntegerField(default=0)


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


ALL_MODELS = [User, ApiToken, AuditEntry, AuditHead, CalendarOverride, CalendarYear, Setting]
