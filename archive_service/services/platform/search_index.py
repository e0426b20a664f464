"""Keeps the search index in step with writes: a service that creates or renames a searchable
object calls `put` inside its own transaction."""
from ...domain.search import grams, normalise
from ...models import Certificate, Customer, Project, SearchDoc, SearchGram


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


def remove(kind, refs):
    """Drop objects `refs` of `kind` from the index (e.g. certificates struck from a list)."""
    docs = SearchDoc.select(SearchDoc.id).where(SearchDoc.kind == kind, SearchDoc.ref.in_(list(refs)))
    SearchGram.delete().where(SearchGram.doc.in_(docs)).execute()
    SearchDoc.delete().where(SearchDoc.kind == kind, SearchDoc.ref.in_(list(refs))).execute()


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


SOURCES = {"customer": lambda: Customer.select(Customer.id, Customer.name),
           "project": lambda: Project.select(Project.id, Project.title),
           "certificate": lambda: Certificate.select(Certificate.id, Certificate.name.concat(" ").concat(
               Certificate.owner))}


def rebuild(batch=2000):
    """Index every customer, project and certificate anew, in batches (after rows were loaded
    without the services, e.g. by a bulk SQL load or a benchmark). Call inside a transaction."""
    SearchGram.delete().execute()
    SearchDoc.delete().execute()
    for kind, source in SOURCES.items():
        last = 0
        while True:
            model = source().model
            rows = list(source().where(model.id > last).order_by(model.id).limit(batch).tuples())
            if not rows:
                break
            put_many(kind, rows)
            last = rows[-1][0]
