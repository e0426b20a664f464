"""One search box (R3): files, items, projects, customers and certificates by a complete number
or a partial name of two characters or more; loans by their object's archive number or
certificate code. A file's and an item's hit says what the file's status is called where it is
shown (`status_name`: 借出 while it is out on loan, archive/on_loan); other hits have none.

Names are matched through the gram index (`platform/search_index`): the rarest gram of the query
drives an index walk and each candidate's normalised text is checked to contain the whole query
literally, so `%`, `_` and quotes are ordinary characters. Results respect who may see what."""
from urllib.parse import quote

from peewee import SQL, fn

from ...db import Shaped, is_postgres, row_reader
from ...domain.customers import BUSINESSES, KINDS
from ...domain.errors import InvalidInput, require
from ...domain.loans import STATE_NAMES as LOAN_STATE_NAMES
from ...domain.permissions import allowed
from ...domain.search import MAX_QUERY, MIN_NAME_QUERY, grams, normalise
from ...models import (
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
from ...paging import page_size
from ..archive import on_loan
from ..archive.file_views import status_name

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
    """{"query", "items": [{kind, kind_name, id, title, detail, url, archive_no, status_name}], "counts",
    "next_cursor"}:
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


# Every statement of a search is written by peewee once per shape (services keep no SQL text):
# a search costs its round trips, not the writing of seven joined selects.
SHAPED = Shaped()


def _select(shape, build, where, limit):
    return SHAPED.execute(shape, lambda: build().where(*where).limit(limit), where, (limit,)).fetchall()


def _driving_gram(names):
    """The query's rarest gram, judged by bounded counts (never more than RARE_ENOUGH index rows each)."""
    candidates = grams(names)[:GRAM_PROBES]
    if len(candidates) == 1:
        return candidates[0]
    best, best_count = candidates[0], None
    for gram in candidates:
        where = [SearchGram.gram == gram]
        count = SHAPED.execute(("gram_count",), lambda w=where: _bounded_count(w), where,
                               (RARE_ENOUGH,)).fetchone()[0]
        if best_count is None or count < best_count:
            best, best_count = gram, count
        if count < RARE_ENOUGH // 100:
            break
    return best


def _bounded_count(where):
    postings = SearchGram.select(SearchGram.doc).where(*where).limit(RARE_ENOUGH)
    return SearchGram.select(fn.COUNT(SQL("*"))).from_(postings.alias("postings"))


def _name_matches(names, limit):
    """{kind: [ids]} of the objects whose normalised text contains `names`, newest first, at most
    `limit` of each: one walk of the rarest gram's postings, stopped after MATCH_CAP matches."""
    found = {}
    if len(names) < MIN_NAME_QUERY:
        return found
    where = [SearchGram.gram == _driving_gram(names), _contains(SearchDoc.text, names)]
    rows = _select(("names",), lambda: SearchDoc.select(SearchDoc.kind, SearchDoc.ref).join(SearchGram)
                   .order_by(SearchGram.doc.desc()), where, MATCH_CAP)
    for kind, ref in rows:
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
    rows = _select(("archives", bool(project_ids), bool(customer_ids)), lambda: on_loan.join(ArchiveFile.select(
        ArchiveFile.id, ArchiveFile.archive_no, Customer.name, Project.title, ArchiveFile.status, on_loan.OutLoan.id)
        .join(Project).join(Customer), borrower=False).order_by(ArchiveFile.id.desc()), [match], limit)
    return [_hit("archive", id_, archive_no, f"{customer} {title}", f"/archives/{quote(archive_no)}", archive_no,
                 status_name(status, loan_id is not None))
            for id_, archive_no, customer, title, status, loan_id in rows]


def _items(number, limit):
    rows = _select(("items",), lambda: on_loan.join(HandoverItem.select(
        HandoverItem.id, HandoverItem.number, HandoverItem.contract_number, HandoverItem.title,
        ArchiveFile.archive_no, ArchiveFile.status, on_loan.OutLoan.id)
        .join(ArchiveFile, on=(ArchiveFile.handover == HandoverItem.handover)), borrower=False)
        .order_by(HandoverItem.id.desc()), [(HandoverItem.number == number) | (HandoverItem.contract_number == number)],
        limit)
    return [_hit("item", id_, contract_number if contract_number == number else item_number, title,
                 f"/archives/{quote(archive_no)}", archive_no, status_name(status, loan_id is not None))
            for id_, item_number, contract_number, title, archive_no, status, loan_id in rows]


def _projects(actor, number, project_ids, customer_ids, limit):
    match = Project.code == number
    if project_ids:
        match |= Project.id.in_(project_ids)
    if customer_ids:
        match |= Project.customer.in_(customer_ids)
    where = [match]
    all_projects = allowed(actor.roles, "projects.view_all")
    if not all_projects:
        where.append((Project.a_user == actor.id) | (Project.b_user == actor.id))
    rows = _select(("projects", bool(project_ids), bool(customer_ids), all_projects), lambda: Project.select(
        Project.id, Project.code, Project.title, Customer.name, Project.business).join(Customer)
        .order_by(Project.id.desc()), where, limit)
    return [_hit("project", id_, f"{code} {title}", f"{customer} · {BUSINESSES[business]}", f"/projects/{id_}")
            for id_, code, title, customer, business in rows]


def _customers(actor, number, customer_ids, limit):
    match = Customer.id.in_(customer_ids) if customer_ids else None
    by_id_number = allowed(actor.roles, "customers.view_id_number")
    if by_id_number:
        by_number = Customer.id_number == number
        match = by_number if match is None else match | by_number
    if match is None:
        return []
    rows = _select(("customers", bool(customer_ids), by_id_number), lambda: Customer.select(
        Customer.id, Customer.name, Customer.kind).order_by(Customer.id.desc()), [match], limit)
    return [_hit("customer", id_, name, KINDS[kind], f"/customers/{id_}") for id_, name, kind in rows]


def _certificates(text, certificate_ids, limit):
    """By label code or certificate number (complete), or part of the document's title or owner."""
    match = (Certificate.code == text.upper()) | (Certificate.number == text)
    if certificate_ids:
        match |= Certificate.id.in_(certificate_ids)
    rows = _select(("certificates", bool(certificate_ids)), lambda: Certificate.select(
        Certificate.id, Certificate.code, Certificate.name, CertificateKind.name, Certificate.number,
        Certificate.owner, Project.code).join(CertificateKind).switch(Certificate).join(Project)
        .order_by(Certificate.id.desc()), [match], limit)
    return [_hit("certificate", id_, f"{code} {name}", f"{kind} · {number} · {owner} · {project}",
                 f"/certificates/{id_}") for id_, code, name, kind, number, owner, project in rows]


LOAN_ROW = row_reader([Loan.id, Loan.object_code, Loan.object_kind, Loan.state, Loan.due_on, User.display_name])


def _loans(actor, number, limit):
    """The loans of the object with this archive number or certificate code that the actor may see:
    all with `loans.view_all`, else their own and those awaiting their role's decision."""
    where = [Loan.object_code == number]
    all_loans = allowed(actor.roles, "loans.view_all")
    if not all_loans:
        where.append((Loan.borrower == actor.id) | Loan.awaiting.in_(list(actor.roles) or [""]))
    rows = _select(("loans", all_loans), lambda: Loan.select(
        Loan.id, Loan.object_code, Loan.object_kind, Loan.state, Loan.due_on, User.display_name)
        .join(User, on=(Loan.borrower == User.id)).order_by(Loan.id.desc()), where, limit)
    return [_loan_hit(*LOAN_ROW(row)) for row in rows]


def _loan_hit(id_, object_code, object_kind, state, due_on, borrower):
    return _hit("loan", id_, f"借阅单 {id_} · {object_code}",
                f"{borrower} · {LOAN_STATE_NAMES[state]}" + (f" · 应还 {due_on}" * bool(due_on)),
                f"/loans/{id_}", object_code if object_kind == "archive" else None)


def _hit(kind, id_, title, detail, url, archive_no=None, status_name=None):
    return {"kind": kind, "kind_name": KIND_NAMES[kind], "id": id_, "title": title, "detail": detail,
            "url": url, "archive_no": archive_no, "status_name": status_name}
