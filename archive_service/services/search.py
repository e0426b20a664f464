"""One search box (R3): files, items, projects, customers and certificates by a complete number
or a partial name of two characters or more; loans by their object's archive number or
certificate code.

Names are matched through the gram index (`services/search_index`): the rarest gram of the query
drives an index walk and each candidate's normalised text is checked to contain the whole query
literally, so `%`, `_` and quotes are ordinary characters. Results respect who may see what."""
from urllib.parse import quote

from peewee import fn

from ..db import is_postgres
from ..domain.customers import BUSINESSES, KINDS
from ..domain.errors import InvalidInput, require
from ..domain.loans import STATE_NAMES as LOAN_STATE_NAMES
from ..domain.permissions import allowed
from ..domain.search import MAX_QUERY, MIN_NAME_QUERY, grams, normalise
from ..models import (
    ArchiveFile,
    Certificate,
    CertificateKind,
    Customer,
    HandoverItem,
    Loan,
    Project,
    SearchDoc,
    SearchGram,
    User,
)
from .paging import page_size

GRAM_PROBES = 8  # grams of a long query weighed to find the rarest
RARE_ENOUGH = 20_000  # postings counted per gram at most, to find the rarest
MATCH_CAP = 1000  # matching names read at most (a common word: the newest, per kind)
KIND_NAMES = {"archive": "档案", "item": "档案资料", "project": "项目", "customer": "客户", "certificate": "权证",
              "loan": "借阅"}


def clean_query(q):
    """The query stripped of control characters and outer blanks; 1–100 characters."""
    text = "".join(ch for ch in q if ch.isprintable()).strip() if isinstance(q, str) else ""
    require(0 < len(text) <= MAX_QUERY, InvalidInput, "search.invalid_query",
            f"请输入 1–{MAX_QUERY} 个字符的档号、编号或名称", errors={"q": f"1–{MAX_QUERY} 个字符"})
    return text


def search(actor, q, *, limit=None):
    """{"query", "items": [{kind, kind_name, id, title, detail, url, archive_no}], "counts", "next_cursor"}:
    at most `limit` hits of each kind the actor may see, newest first."""
    text = clean_query(q)
    limit = page_size(limit, default=20)
    number = text.upper()
    names = normalise(text)
    matches = _name_matches(names, limit)
    customer_ids, project_ids = matches.get("customer", []), matches.get("project", [])
    hits = []
    if allowed(actor.roles, "archives.view"):
        hits += _archives(number, project_ids, customer_ids, limit)
        hits += _items(number, limit)
    hits += _projects(actor, number, project_ids, customer_ids, limit)
    if allowed(actor.roles, "customers.view"):
        hits += _customers(actor, number, customer_ids, limit)
    if allowed(actor.roles, "certificates.view"):
        hits += _certificates(text, matches.get("certificate", []), limit)
    hits += _loans(actor, number, limit)
    counts = {kind: sum(1 for h in hits if h["kind"] == kind) for kind in KIND_NAMES}
    return {"query": text, "items": hits, "counts": counts, "next_cursor": None}


def _contains(field, needle):
    return (fn.strpos(field, needle) if is_postgres() else fn.instr(field, needle)) > 0


def _driving_gram(names):
    """The query's rarest gram, judged by bounded counts (never more than RARE_ENOUGH index rows each)."""
    candidates = grams(names)[:GRAM_PROBES]
    if len(candidates) == 1:
        return candidates[0]
    best, best_count = candidates[0], None
    for gram in candidates:
        count = SearchGram.select(SearchGram.doc).where(SearchGram.gram == gram).limit(RARE_ENOUGH).count()
        if best_count is None or count < best_count:
            best, best_count = gram, count
        if count < RARE_ENOUGH // 100:
            break
    return best


def _name_matches(names, limit):
    """{kind: [ids]} of the objects whose normalised text contains `names`, newest first, at most
    `limit` of each: one walk of the rarest gram's postings, stopped after MATCH_CAP matches."""
    found = {}
    if len(names) < MIN_NAME_QUERY:
        return found
    query = (SearchDoc.select(SearchDoc.kind, SearchDoc.ref).join(SearchGram)
             .where(SearchGram.gram == _driving_gram(names), _contains(SearchDoc.text, names))
             .order_by(SearchGram.doc.desc()).limit(MATCH_CAP))
    for kind, ref in query.tuples():
        refs = found.setdefault(kind, [])
        if len(refs) < limit:
            refs.append(ref)
    return found


def _projects_matching(project_ids, customer_ids):
    """The ids of the projects named, and of the named customers' projects, as a subquery (each
    branch on its own index: no OR across joined tables)."""
    match = Project.id.in_(project_ids) if project_ids else None
    if customer_ids:
        match = Project.customer.in_(customer_ids) if match is None else match | Project.customer.in_(customer_ids)
    return Project.select(Project.id).where(match) if match is not None else None


def _archives(number, project_ids, customer_ids, limit):
    match = ArchiveFile.archive_no == number
    projects = _projects_matching(project_ids, customer_ids)
    if projects is not None:
        match |= ArchiveFile.project.in_(projects)
    rows = (ArchiveFile.select(ArchiveFile, Project, Customer).join(Project).join(Customer)
            .where(match).order_by(ArchiveFile.id.desc()).limit(limit))
    return [_hit("archive", a.id, a.archive_no, f"{a.project.customer.name} {a.project.title}",
                 f"/archives/{quote(a.archive_no)}", a.archive_no) for a in rows]


def _items(number, limit):
    rows = (HandoverItem.select(HandoverItem, ArchiveFile)
            .join(ArchiveFile, on=(ArchiveFile.handover == HandoverItem.handover))
            .where((HandoverItem.number == number) | (HandoverItem.contract_number == number))
            .order_by(HandoverItem.id.desc()).limit(limit))
    return [_hit("item", i.id, i.contract_number if i.contract_number == number else i.number, i.title,
                 f"/archives/{quote(i.archivefile.archive_no)}", i.archivefile.archive_no) for i in rows]


def _projects(actor, number, project_ids, customer_ids, limit):
    match = Project.code == number
    if project_ids:
        match |= Project.id.in_(project_ids)
    if customer_ids:
        match |= Project.customer.in_(customer_ids)
    query = Project.select(Project, Customer).join(Customer).where(match)
    if not allowed(actor.roles, "projects.view_all"):
        query = query.where((Project.a_user == actor.id) | (Project.b_user == actor.id))
    rows = query.order_by(Project.id.desc()).limit(limit)
    return [_hit("project", p.id, f"{p.code} {p.title}", f"{p.customer.name} · {BUSINESSES[p.business]}",
                 f"/projects/{p.id}") for p in rows]


def _customers(actor, number, customer_ids, limit):
    match = Customer.id.in_(customer_ids) if customer_ids else None
    if allowed(actor.roles, "customers.view_id_number"):
        by_number = Customer.id_number == number
        match = by_number if match is None else match | by_number
    if match is None:
        return []
    rows = Customer.select().where(match).order_by(Customer.id.desc()).limit(limit)
    return [_hit("customer", c.id, c.name, KINDS[c.kind], f"/customers/{c.id}") for c in rows]


def _certificates(text, certificate_ids, limit):
    """By label code or certificate number (complete), or part of the document's title or owner."""
    match = (Certificate.code == text.upper()) | (Certificate.number == text)
    if certificate_ids:
        match |= Certificate.id.in_(certificate_ids)
    rows = (Certificate.select(Certificate, CertificateKind, Project).join(CertificateKind).switch(Certificate)
            .join(Project).where(match).order_by(Certificate.id.desc()).limit(limit))
    return [_hit("certificate", c.id, f"{c.code} {c.name}",
                 f"{c.kind.name} · {c.number} · {c.owner} · {c.project.code}", f"/certificates/{c.id}") for c in rows]


def _loans(actor, number, limit):
    """The loans of the object with this archive number or certificate code that the actor may see:
    all with `loans.view_all`, else their own and those awaiting their role's decision."""
    query = (Loan.select(Loan, User).join(User, on=(Loan.borrower == User.id))
             .where(Loan.object_code == number))
    if not allowed(actor.roles, "loans.view_all"):
        query = query.where((Loan.borrower == actor.id) | Loan.awaiting.in_(list(actor.roles) or [""]))
    rows = query.order_by(Loan.id.desc()).limit(limit)
    return [_hit("loan", n.id, f"借阅单 {n.id} · {n.object_code}",
                 f"{n.borrower.display_name} · {LOAN_STATE_NAMES[n.state]}" + (f" · 应还 {n.due_on}" * bool(n.due_on)),
                 f"/loans/{n.id}", n.object_code if n.object_kind == "archive" else None) for n in rows]


def _hit(kind, id_, title, detail, url, archive_no=None):
    return {"kind": kind, "kind_name": KIND_NAMES[kind], "id": id_, "title": title, "detail": detail,
            "url": url, "archive_no": archive_no}
