"""Borrowing (R17–R19): loans with their approval steps, the rules an admin edits, incidents
at return, the in-app alerts and the outbox every notification is delivered from."""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .core import ArchiveFile, BaseModel, User

__all__ = ["Alert", "ApprovalRule", "Incident", "Loan", "LoanApproval", "OutboxMessage"]


class ApprovalRule(BaseModel):
    """Who must approve a loan: by object kind, use and the requester's role ("*" matches any).
    `steps` is a comma-separated list of roles, one approval step each ("" = no approval)."""

    object_kind = CharField(max_length=16)
    use = CharField(max_length=16)
    requester_role = CharField(max_length=16)
    steps = CharField(max_length=200, default="")
    max_days = IntegerField()
    max_renewals = IntegerField()
    renewal_steps = CharField(max_length=200, default="")
    updated_by = CharField(max_length=64)
    updated_at = DateTimeField()

    class Meta:
        indexes = ((("object_kind", "use", "requester_role"), True),)


class Loan(BaseModel):
    """One borrowing of one object. `out_key` holds the object key while it is out, so the
    database itself refuses a second checkout of the same object."""

    borrower = ForeignKeyField(User, backref="loans", on_delete="RESTRICT")
    object_kind = CharField(max_length=16)
    object_code = CharField(max_length=80, index=True)
    archive = ForeignKeyField(ArchiveFile, null=True, backref="loans", on_delete="RESTRICT")
    certificate_id = IntegerField(null=True, index=True)
    purpose = CharField(max_length=200)
    use = CharField(max_length=16)
    days = IntegerField()
    state = CharField(max_length=16, index=True)
    steps = CharField(max_length=200, default="")
    step = IntegerField(default=0)
    awaiting = CharField(max_length=16, null=True, index=True)
    renewal_days = IntegerField(null=True)
    renewals = IntegerField(default=0)
    requested_at = DateTimeField()
    decided_at = DateTimeField(null=True)
    checked_out_at = DateTimeField(null=True)
    checked_out_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    due_on = DateField(null=True, index=True)
    returned_at = DateTimeField(null=True)
    returned_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    returned_pages = IntegerField(null=True)
    out_key = CharField(max_length=100, null=True, unique=True)
    movement_id = IntegerField(null=True)
    # the departure transfer that made the borrower answerable for a loan that was out (R21): they
    # return it, they read nothing on it (the approval was given to the one who asked)
    handed_on_in = IntegerField(null=True)


class LoanApproval(BaseModel):
    """One decision on one step of a loan (`round` 0 is the request, n the n-th renewal)."""

    loan = ForeignKeyField(Loan, backref="approvals", on_delete="CASCADE")
    round = IntegerField(default=0)
    step = IntegerField()
    role = CharField(max_length=16)
    decided_by = ForeignKeyField(User, on_delete="RESTRICT")
    approve = BooleanField()
    note = CharField(max_length=500, default="")
    decided_at = DateTimeField()

    class Meta:
        indexes = ((("loan", "round", "step"), True),)


class Incident(BaseModel):
    """Something found wrong at a return (R18): open until an approver closes it."""

    loan = ForeignKeyField(Loan, backref="incidents", on_delete="RESTRICT")
    kind = CharField(max_length=32)
    object_code = CharField(max_length=80, index=True)
    expected_pages = IntegerField(null=True)
    counted_pages = IntegerField(null=True)
    state = CharField(max_length=16, default="open", index=True)
    opened_by = ForeignKeyField(User, on_delete="RESTRICT")
    opened_at = DateTimeField()
    closed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    closed_at = DateTimeField(null=True)
    note = CharField(max_length=500, default="")


class Alert(BaseModel):
    """An in-app notification for one recipient. Sweep alerts carry their `day`, which makes
    them unique per kind, object, recipient and day (the sweep is idempotent); event alerts
    leave `day` empty."""

    recipient = ForeignKeyField(User, backref="alerts", on_delete="RESTRICT")
    kind = CharField(max_length=32)
    object = CharField(max_length=100)
    level = IntegerField(default=1)
    day = DateField(null=True)
    message = CharField(max_length=500)
    url = CharField(max_length=200, default="")
    created_at = DateTimeField()
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("kind", "object", "recipient", "day"), True), (("recipient", "read_at"), False))


class OutboxMessage(BaseModel):
    """A message waiting for (or done with) delivery over e-mail or a group robot, written in
    the transaction of its cause and delivered by `archive-service worker`."""

    channel = CharField(max_length=16)
    recipient = CharField(max_length=255, default="")
    subject = CharField(max_length=200)
    body = TextField()
    state = CharField(max_length=16, default="queued")
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField()
    last_error = CharField(max_length=500, default="")
    created_at = DateTimeField()
    sent_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("state", "next_attempt_at"), False),)


MODELS = [ApprovalRule, Loan, LoanApproval, Incident, Alert, OutboxMessage]
