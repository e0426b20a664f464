"""The search index (档案检索): one normalised document per searchable object and its
two-character grams, so a partial Chinese name of two characters or more is found through an
ordinary B-tree index on either engine."""
from peewee import CharField, CompositeKey, ForeignKeyField, IntegerField

from .core import BaseModel


class SearchDoc(BaseModel):
    """The searchable text of one object (`kind` customer/project/…, `ref` its id), normalised."""

    kind = CharField(max_length=16)
    ref = IntegerField()
    text = CharField(max_length=400)

    class Meta:
        indexes = ((("kind", "ref"), True),)


class SearchGram(BaseModel):
    """One two-character gram of a document's text."""

    gram = CharField(max_length=2)
    doc = ForeignKeyField(SearchDoc, backref="grams", on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("gram", "doc")


MODELS = [SearchDoc, SearchGram]
