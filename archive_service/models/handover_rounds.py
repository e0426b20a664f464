"""What happens between the signatures: A's answer to each missing item of B's supplement list,
and the archivist's refusals of a receipt."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .core import BaseModel, Handover, HandoverItem, SupplementRequest, User

__all__ = ["ReceiptRefusal", "SupplementAnswer"]


class SupplementAnswer(BaseModel):
    """A's answer to one entry of a supplement list: supplied (the item that now holds it) or explained."""

    request = ForeignKeyField(SupplementRequest, backref="answers", on_delete="CASCADE")
    entry = IntegerField()
    outcome = CharField(max_length=16)
    item = ForeignKeyField(HandoverItem, null=True, on_delete="SET NULL")
    note = TextField(default="")
    answered_by = ForeignKeyField(User, on_delete="RESTRICT")
    answered_at = DateTimeField()

    class Meta:
        indexes = ((("request", "entry"), True),)


class ReceiptRefusal(BaseModel):
    """The archivist sent the file back to B: the counted differences and why."""

    handover = ForeignKeyField(Handover, backref="refusals", on_delete="CASCADE")
    refused_by = ForeignKeyField(User, on_delete="RESTRICT")
    refused_at = DateTimeField()
    note = TextField()
    differences = TextField()


MODELS = [SupplementAnswer, ReceiptRefusal]
