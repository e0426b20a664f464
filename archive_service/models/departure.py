"""Reassignment of a project's A or B, departure handovers (R21), disposal lists (R23)."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from .core import ArchiveFile, BaseModel, Project, User

__all__ = ["Disposal", "DisposalEntry", "Reassignment", "Transfer"]


class Transfer(BaseModel):
    """One departure handover (交接): what a leaving user handed to one successor, item by item."""

    leaver = ForeignKeyField(User, backref="transfers_out", on_delete="RESTRICT")
    successor = ForeignKeyField(User, backref="transfers_in", on_delete="RESTRICT")
    done_by = ForeignKeyField(User, on_delete="RESTRICT")
    done_at = DateTimeField()
    items = TextField()
    note = CharField(max_length=200, default="")


class Reassignment(BaseModel):
    """A change of a project's A-role or B-role manager, with its reason (R21)."""

    project = ForeignKeyField(Project, backref="reassignments", on_delete="RESTRICT")
    role = CharField(max_length=1)
    from_user = ForeignKeyField(User, on_delete="RESTRICT")
    to_user = ForeignKeyField(User, on_delete="RESTRICT")
    reason = CharField(max_length=200)
    done_by = ForeignKeyField(User, on_delete="RESTRICT")
    done_at = DateTimeField()
    transfer = ForeignKeyField(Transfer, null=True, backref="reassignments", on_delete="RESTRICT")


class Disposal(BaseModel):
    """A disposal list (销毁清单): created by the archivist, decided by another person, then destroyed."""

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


class DisposalEntry(BaseModel):
    disposal = ForeignKeyField(Disposal, backref="entries", on_delete="CASCADE")
    archive = ForeignKeyField(ArchiveFile, backref="disposal_entries", on_delete="RESTRICT")

    class Meta:
        indexes = ((("disposal", "archive"), True),)


MODELS = [Transfer, Reassignment, Disposal, DisposalEntry]
