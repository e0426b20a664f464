"""Imports that let the archive live beside the spreadsheets (R3, R23).

A legacy ledger (档案台帐) keeps its archive numbers: each row becomes a received archive file
marked `imported`, with its customer, project, one volume of its pages and its place; the
number's sequence continues after the imported numbers. A dry run reads the whole file and
reports every bad cell by the row number Excel shows; a real run imports all rows or none, and
rows already imported are skipped, so the same file twice creates nothing twice.

Rows are read, checked and written in chunks, so a file of 100,000 rows is never all in memory."""
import hashlib
import json
from contextlib import nullcontext
from itertools import chain, islice

from ...db import for_update, transaction
from ...domain import imports as cells
from ...domain import numbering
from ...domain.customers import PROJECT_CODE_RE
from ...domain.errors import InvalidInput, require
from ...domain.handovers import RECEIVED
from ...domain.imports import Field
from ...domain.permissions import require_permission
from ...domain.timeutil import local_day_start, to_db
from ...models import ArchiveFile, Customer, Handover, HandoverItem, Location, LocationMove, NumberCounter, Project
from ..archive.number_scheme import scheme as current_scheme
from ..platform import audit, search_index
from . import sheets

CHUNK = 500
LEDGER_FIELDS = [
    Field("archive_no", "档号", ("档案号", "档案编号", "卷号")),
    Field("customer", "客户名称", ("客户", "客户姓名", "借款人")),
    Field("title", "项目名称", ("项目", "档案名称", "案卷题名")),
    Field("business", "业务类型", ("业务", "业务品种")),
    Field("received_on", "接收日期", ("归档日期", "入库日期", "移交日期")),
    Field("location", "存放位置", ("位置", "库位", "存放地点"), required=False),
    Field("pages", "页数", ("总页数", "张数"), required=False),
]
ENTERPRISE_WORDS = ("公司", "厂", "中心", "合作社", "商行", "店", "集团", "协会")


class Report:
    """What a run found: rows read, rows without problems, the problems (row, column, message)."""

    def __init__(self, ignored, dry_run):
        self.rows = self.ok = self.created = self.skipped = self.error_count = 0
        self.errors, self.ignored, self.dry_run = [], ignored, dry_run

    def problem(self, row, column, message):
        self.error_count += 1
        if len(self.errors) < cells.MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "message": message})

    def view(self):
        return {"dry_run": self.dry_run, "rows": self.rows, "ok": self.ok, "created": self.created,
                "skipped": self.skipped, "errors": self.errors, "error_count": self.error_count,
                "ignored_columns": self.ignored}


def parse_mapping(mapping):
    """The optional column mapping: a JSON object (or dict) {field or usual header: header in the file}."""
    if mapping in (None, "", {}):
        return None
    if isinstance(mapping, str):
        try:
            mapping = json.loads(mapping)
        except ValueError:
            mapping = None
    require(isinstance(mapping, dict), InvalidInput, "import.invalid_mapping",
            "列映射必须是 JSON 对象,如 {\"档号\": \"卷号\"}", errors={"mapping": "必须是 JSON 对象"})
    return mapping


def table_rows(data, fields, mapping):
    """(ignored headers, iterator of (row number, values) after the header row)."""
    rows = sheets.rows(data)
    head = list(islice(rows, cells.HEADER_SCAN))
    index, columns, ignored = cells.find_header([values for _, values in head], fields, parse_mapping(mapping))
    body = ((n, values) for n, values in chain(head[index + 1:], rows) if not cells.blank(values))
    return columns, ignored, body


def chunks(rows, size=CHUNK):
    while chunk := list(islice(rows, size)):
        yield chunk


def counted(rows, report):
    for row in rows:
        report.rows += 1
        require(report.rows <= cells.MAX_ROWS, InvalidInput, "import.too_many_rows",
                f"一次最多导入 {cells.MAX_ROWS} 行,请分批导入", errors={"file": f"超过 {cells.MAX_ROWS} 行"})
        yield row


# ---- the legacy ledger -----------------------------------------------------------------------

def ledger(actor, data, filename="", *, mapping=None, dry_run=True, now):
    """Import a legacy ledger; the report `{rows, ok, errors: [{row, column, message}], ...}`.
    A real run with any error raises InvalidInput `import.invalid_rows` (details: the report)
    and changes nothing."""
    require_permission(actor, "imports.ledger")
    columns, ignored, body = table_rows(data, LEDGER_FIELDS, mapping)
    report, scheme, seen, tops = Report(ignored, dry_run), current_scheme(), {}, {}
    readers = _ledger_readers(scheme)
    with nullcontext() if dry_run else transaction():
        for chunk in chunks(counted(body, report)):
            good = _checked_ledger_rows(chunk, columns, readers, scheme, seen, report)
            if dry_run:
                report.created += len(good)  # would be created
            elif not report.error_count:
                report.created += _create_files(actor, good, scheme, tops, now)
        if not dry_run:
            require(not report.error_count, InvalidInput, "import.invalid_rows",
                    f"有 {report.error_count} 处错误,未导入任何数据", details=report.view())
            _raise_counters(tops)
            audit.record(actor, "import.ledger", "import", "", {
                "file": filename, "sha256": hashlib.sha256(data).hexdigest(), "rows": report.rows,
                "created": report.created, "skipped": report.skipped}, now=now)
    return report.view()


def _ledger_readers(scheme):
    def archive_no(value):
        text = cells.text(value, numbering.MAX_LENGTH)
        if scheme.parse(text) is None:
            raise cells.CellError(f"档号格式不符合编号规则(应如 {scheme.archive_no('loan', 2018, 11)})")
        return text
    return {"archive_no": archive_no, "customer": lambda v: cells.text(v, 100),
            "title": lambda v: cells.text(v, 200), "business": cells.business, "received_on": cells.day,
            "location": lambda v: cells.text(v, 40), "pages": cells.count}


def _checked_ledger_rows(chunk, columns, readers, scheme, seen, report):
    """The chunk's rows that are new and sound; problems go to the report, rows already imported are skipped."""
    parsed = []
    for n, values in chunk:
        row, problems = cells.read_row(LEDGER_FIELDS, columns, values, readers)
        number = row.get("archive_no")
        if number:
            business, _, _ = scheme.parse(number)
            if business and row.get("business") and business != row["business"]:
                problems.append(("业务类型", "与档号的业务代码不一致"))
            if number in seen:
                problems.append(("档号", f"与第 {seen[number]} 行重复"))
            seen.setdefault(number, n)
        for column, message in problems:
            report.problem(n, column, message)
        if not problems:
            parsed.append((n, row))
    existing = _existing_files([row["archive_no"] for _, row in parsed])
    places = _location_ids({row["location"] for _, row in parsed if row["location"]})
    good = []
    for n, row in parsed:
        before = existing.get(row["archive_no"])
        if before is not None and before == (True, row["customer"], row["title"]):
            report.skipped += 1
            report.ok += 1
            continue
        if before is not None:
            report.problem(n, "档号", f"档号 {row['archive_no']} 已被系统中的其他档案使用")
        elif row["location"] and row["location"] not in places:
            report.problem(n, "存放位置", f"找不到存放位置 {row['location']}")
        else:
            report.ok += 1
            good.append({**row, "location_id": places.get(row["location"])})
    return good


def _existing_files(numbers):
    if not numbers:
        return {}
    query = (ArchiveFile.select(ArchiveFile.archive_no, ArchiveFile.imported, Customer.name, Project.title)
             .join(Project).join(Customer).where(ArchiveFile.archive_no.in_(numbers)))
    return {no: (imported, name, title) for no, imported, name, title in query.tuples()}


def _location_ids(codes):
    if not codes:
        return {}
    return dict(Location.select(Location.code, Location.id).where(Location.code.in_(list(codes))).tuples())


def _project_code(archive_no):
    code = f"HIST-{archive_no}"
    return code if PROJECT_CODE_RE.match(code) else "HIST-" + hashlib.sha1(archive_no.encode()).hexdigest()[:20]


def _create_files(actor, rows, scheme, tops, now):
    """Customers, projects, received handovers of one volume, and the numbered files of `rows`."""
    if not rows:
        return 0
    customer_ids = _imported_customers({row["customer"] for row in rows}, actor, now)
    projects = [{"code": _project_code(r["archive_no"]), "customer": customer_ids[r["customer"]],
                 "business": r["business"] or scheme.parse(r["archive_no"])[0], "title": r["title"], "amount": 0,
                 "a_user": actor.id, "b_user": actor.id, "ended_on": r["received_on"], "created_by": actor.username,
                 "created_at": to_db(now)} for r in rows]
    Project.insert_many(projects).execute()
    project_ids = dict(Project.select(Project.code, Project.id).where(Project.code.in_([p["code"] for p in projects]))
                       .tuples())
    search_index.put_many("project", [(project_ids[p["code"]], p["title"]) for p in projects])
    received = [local_day_start(r["received_on"]) for r in rows]
    Handover.insert_many([{"project": project_ids[p["code"]], "state": RECEIVED, "rounds": 0, "created_at": at,
                           "received_at": at} for p, at in zip(projects, received, strict=True)]).execute()
    handover_ids = dict(Handover.select(Handover.project, Handover.id)
                        .where(Handover.project.in_(list(project_ids.values()))).tuples())
    files, items = [], []
    for row, project, at in zip(rows, projects, received, strict=True):
        business, year, seq = scheme.parse(row["archive_no"])
        business = business or project["business"]
        series = scheme.series(business, year)
        tops[series] = max(tops.get(series, 0), seq)
        handover_id = handover_ids[project_ids[project["code"]]]
        items.append({"handover": handover_id, "part": 1, "position": 1, "title": row["title"],
                      "pages": row["pages"] or 0, "round": 0})
        files.append({"archive_no": row["archive_no"], "series": series, "seq": seq, "handover": handover_id,
                      "project": project_ids[project["code"]], "business": business, "year": year,
                      "location": row["location_id"], "received_by": actor.id, "received_at": at, "imported": True})
    HandoverItem.insert_many(items).execute()
    ArchiveFile.insert_many(files).execute()
    _log_places(actor, [f for f in files if f["location"]], now)
    return len(files)


def _log_places(actor, files, now):
    if not files:
        return
    ids = dict(ArchiveFile.select(ArchiveFile.archive_no, ArchiveFile.id)
               .where(ArchiveFile.archive_no.in_([f["archive_no"] for f in files])).tuples())
    LocationMove.insert_many([{"archive": ids[f["archive_no"]], "from_location": None, "to_location": f["location"],
                               "moved_by": actor.username, "moved_at": to_db(now), "note": "历史台帐导入"}
                              for f in files]).execute()


def _imported_customers(names, actor, now):
    """{name: id} of the customers imported rows belong to, creating those not yet there. A legacy
    ledger has no id numbers: imported customers are matched by name among imported customers."""
    names = list(names)
    found = dict(Customer.select(Customer.name, Customer.id)
                 .where(Customer.name.in_(names), Customer.id_number == "").tuples())
    new = [n for n in names if n not in found]
    if new:
        kind = {n: "enterprise" if any(w in n for w in ENTERPRISE_WORDS) else "person" for n in new}
        Customer.insert_many([{"name": n, "kind": kind[n], "id_number": "", "created_by": actor.username,
                               "created_at": to_db(now)} for n in new]).execute()
        created = dict(Customer.select(Customer.name, Customer.id)
                       .where(Customer.name.in_(new), Customer.id_number == "").tuples())
        search_index.put_many("customer", [(i, n) for n, i in created.items()])
        found.update(created)
    return found


def _raise_counters(tops):
    """Each series continues after the highest imported number (never goes back)."""
    for series, top in tops.items():
        NumberCounter.insert(series=series, last_seq=0).on_conflict_ignore().execute()
        counter = for_update(NumberCounter.select().where(NumberCounter.series == series)).get()
        if counter.last_seq < top:
            counter.last_seq = top
            counter.save()
