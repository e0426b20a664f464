"""Keeps the search index in step with writes: a service that creates or renames a searchable
object calls `put` inside its own transaction."""
from ..domain.search import grams, normalise
from ..models import SearchDoc, SearchGram

KINDS = ("customer", "project", "certificate", "loan")


def put(kind, ref, *texts):
    """(Re)index object `ref` of `kind` under the given texts (joined)."""
    text = normalise(" ".join(t for t in texts if t))
    doc = SearchDoc.get_or_none(SearchDoc.kind == kind, SearchDoc.ref == ref)
    if doc is None:
        doc = SearchDoc.create(kind=kind, ref=ref, text=text)
    else:
        if doc.text == text:
            return
        SearchGram.delete().where(SearchGram.doc == doc.id).execute()
        SearchDoc.update(text=text).where(SearchDoc.id == doc.id).execute()
    rows = [{"gram": g, "doc": doc.id} for g in grams(text)]
    if rows:
        SearchGram.insert_many(rows).execute()


def put_many(kind, pairs):
    """Index many new objects at once: `pairs` of (ref, text); for bulk imports."""
    pairs = [(ref, normalise(text)) for ref, text in pairs]
    if not pairs:
        return
    SearchDoc.insert_many([{"kind": kind, "ref": ref, "text": text} for ref, text in pairs]).execute()
    ids = dict(SearchDoc.select(SearchDoc.ref, SearchDoc.id)
               .where(SearchDoc.kind == kind, SearchDoc.ref.in_([ref for ref, _ in pairs])).tuples())
    rows = [{"gram": g, "doc": ids[ref]} for ref, text in pairs for g in grams(text)]
    for start in range(0, len(rows), 500):
        SearchGram.insert_many(rows[start:start + 500]).execute()
