"""What each operation answers on success, for the OpenAPI document (never used to serialize: the
services' views are returned as they are). Each schema names the fields clients rely on, with
their types; further fields may be added (additionalProperties stay open).

A new route adds its entry to SUCCESS: (method, path) -> schema name."""
from marshmallow import INCLUDE, Schema, fields

from ...domain.permissions import ROLES

URGENCIES = ["on_time", "due_soon", "late"]


class Out(Schema):
    class Meta:
        unknown = INCLUDE


def _str(**kw):
    return fields.String(required=True, **kw)


def _opt_str(**kw):
    return fields.String(required=True, allow_none=True, **kw)


def _int(**kw):
    return fields.Integer(required=True, **kw)


def _bool():
    return fields.Boolean(required=True)


def _list(schema):
    return fields.List(fields.Nested(schema), required=True)


def _date():
    return fields.String(required=True, metadata={"format": "date"})


def _moment(null=True):
    return fields.String(required=True, allow_none=null, metadata={"format": "date-time"})


class Token(Out):
    token, username = _str(), _str()
    roles = fields.List(fields.String(metadata={"enum": list(ROLES)}), required=True)


class Me(Out):
    username, display_name = _str(), _str()
    roles = fields.List(fields.String(), required=True)


class UserOut(Out):
    id, username, display_name = _int(), _str(), _str()
    roles = fields.List(fields.String(), required=True)
    department, email, active, created_at = _str(), _str(), _bool(), _moment()


class Deadline(Out):
    due, confirmed = _date(), _bool()


class Deadlines(Out):
    a_to_b = fields.Nested(Deadline, required=True)
    b_to_archive = fields.Nested(Deadline, required=True)
    overall = fields.Nested(Deadline, required=True)


class WorkingDay(Out):
    date, confirmed = _date(), _bool()


class Override(Out):
    date, note, set_by, set_at = _date(), _str(), _str(), _moment()
    kind = _str(metadata={"enum": ["holiday", "workday"]})


class OverrideRemoved(Out):
    date, removed = _date(), _bool()


class YearConfirmed(Out):
    year, confirmed = _int(), _bool()


class YearOverview(Out):
    year, confirmed, overrides = _int(), _bool(), _list(Override)


class AuditEntryOut(Out):
    id, at, actor, action = _int(), _moment(False), _opt_str(), _str()
    object_type, object_id, client_addr = _str(), _str(), _str()
    summary = fields.Raw(required=True)


class ChainBreak(Out):
    id, reason = _int(), _str()


class ChainCheck(Out):
    ok, entries = _bool(), _int()
    first_bad = fields.Nested(ChainBreak, required=True, allow_none=True)


class CustomerOut(Out):
    id, name, kind_name, id_number, id_number_masked, created_at = _int(), _str(), _str(), _str(), _bool(), _moment()
    kind = _str(metadata={"enum": ["person", "enterprise"]})


class ProjectOut(Out):
    id, code, customer_id, customer_name, title = _int(), _str(), _int(), _str(), _str()
    business = _str(metadata={"enum": ["loan", "guarantee"]})
    amount = _str(metadata={"pattern": r"^\d+\.\d{2}$"})
    a_user, b_user, a_user_name, b_user_name, ended_on = _str(), _str(), _str(), _str(), _date()
    deadlines = fields.Nested(Deadlines, required=True)
    handover_id = _int(allow_none=True)
    handover_state = _opt_str()


class ChecklistLine(Out):
    part, part_name, title, contract, attachment = _int(), _str(), _str(), _bool(), _bool()


class Checklist(Out):
    business, custom, items = _str(), _bool(), _list(ChecklistLine)


class ItemOut(Out):
    id, part, part_name, title, pages = _int(), _int(), _str(), _str(), _int()
    attachment, contract, number, contract_number = _bool(), _bool(), _opt_str(), _opt_str()


class ProjectSummary(Out):
    id, code, title, business, customer_name, a_user, b_user, ended_on = (
        _int(), _str(), _str(), _str(), _str(), _str(), _str(), _date())


class ExtensionOut(Out):
    id, handover_id, until, reason, requested_by, requested_at = _int(), _int(), _date(), _str(), _str(), _moment()
    step = _str(metadata={"enum": ["a_to_b", "b_to_archive"]})
    state = _str(metadata={"enum": ["pending", "approved", "rejected"]})
    decided_by, decided_at, note = _opt_str(), _moment(), _str()


class HandoverOut(Out):
    id, project_id, state, state_name, content_hash = _int(), _int(), _str(), _str(), _str()
    project = fields.Nested(ProjectSummary, required=True)
    items = _list(ItemOut)
    deadlines = fields.Nested(Deadlines, required=True)
    extensions = _list(ExtensionOut)
    supplements = fields.List(fields.Dict(), required=True)
    signatures = fields.List(fields.Dict(), required=True)
    archive_no = _opt_str()


class HandoverSummary(Out):
    id, state, state_name, current_step, due = _int(), _str(), _str(), _str(), _date()
    project = fields.Nested(ProjectSummary, required=True)
    urgency = _opt_str(metadata={"enum": [*URGENCIES, None]})
    item_count, pages = _int(), _int()


class MyHandovers(Out):
    as_a, as_b = _list(HandoverSummary), _list(HandoverSummary)


class Task(Out):
    kind, project_id, project_code, project_title, due, confirmed = _str(), _int(), _str(), _str(), _date(), _bool()
    handover_id = _int(allow_none=True)
    urgency = _str(metadata={"enum": URGENCIES})


class LocationOut(Out):
    id, code, name, level, level_name, path = _int(), _str(), _str(), _str(), _str(), _str()
    parent = _opt_str()


class FileLoan(Out):
    """The loan a file is out on: borrower's display name, due date."""
    id, borrower, due = _int(), _str(), _date()


class ArchiveOut(Out):
    id, archive_no, status, status_name, business, year = _int(), _str(), _str(), _str(), _str(), _int()
    loan = fields.Nested(FileLoan, required=True, allow_none=True,
                         metadata={"description": "null when in place; status_name is 借出 while out"})
    handover_id, project_id, project_code, project_title, customer_name = _int(), _int(), _str(), _str(), _str()
    items = _list(ItemOut)
    contracts = fields.List(fields.Dict(), required=True)
    attachments = fields.List(fields.Dict(), required=True)
    location = fields.Nested(LocationOut, required=True, allow_none=True)
    received_at, received_by = _moment(), _str()


class LedgerRow(Out):
    id, archive_no, status, status_name, business, year = _int(), _str(), _str(), _str(), _str(), _int()
    loan = fields.Nested(FileLoan, required=True, allow_none=True)
    project_code, project_title, customer_name, location, received_at = _str(), _str(), _str(), _opt_str(), _moment()


class RegisterRow(Out):
    id, date, archive_no, file_name, handed_over_by, received_by, at = (
        _int(), _date(), _str(), _str(), _str(), _str(), _moment())


class NumberingOut(Out):
    pattern, fonds, category, org, example = _str(), _str(), _str(), _str(), _str()
    retention = _str(metadata={"enum": ["Y", "D30", "D10"]})


class LayoutOut(Out):
    name, title, kind, per_page = _str(), _str(), _str(), _int()


class Layouts(Out):
    items = _list(LayoutOut)


class ScanOut(Out):
    id, archive_no, sha256, media_type, filename, size, uploaded_by, uploaded_at = (
        _int(), _str(), _str(metadata={"pattern": "^[0-9a-f]{64}$"}), _str(), _str(), _int(), _str(), _moment())
    item_id = _int(allow_none=True)
    pages, expected_pages, complete = _int(), _int(), _bool()


class UploadedScan(ScanOut):
    duplicate = _bool()


class ArchiveScans(Out):
    archive_no, expected_pages, complete = _str(), _int(), _bool()
    items = fields.List(fields.Dict(), required=True)
    scans = _list(ScanOut)


class BatchReport(Out):
    sha256, pages, complete = _str(), _int(), _bool()
    files = _list(UploadedScan)
    refused_covers = fields.List(fields.Dict(), required=True)
    pages_without_cover = fields.List(fields.Integer(), required=True)


class Lookup(Out):
    kind, status, url = _str(), _opt_str(), _str()
    id = fields.Raw(required=True)


def page(item_schema):
    """{"items": [...], "next_cursor": str | null}: the shape of every list."""
    return type(f"{item_schema.__name__.removesuffix('Out')}Page", (Out,), {
        "items": _list(item_schema), "next_cursor": _opt_str()})


SCHEMAS = [Token, Me, UserOut, page(UserOut), WorkingDay, Override, OverrideRemoved, YearConfirmed, YearOverview,
           page(AuditEntryOut), ChainCheck, CustomerOut, page(CustomerOut), ProjectOut, page(ProjectOut), Checklist,
           HandoverOut, MyHandovers, page(HandoverSummary), page(Task), ExtensionOut, page(ExtensionOut),
           LocationOut, page(LocationOut), ArchiveOut, page(LedgerRow), page(RegisterRow), NumberingOut, Layouts,
           UploadedScan, ArchiveScans, BatchReport, Lookup]

V1 = "/api/v1"
SUCCESS = {
    ("post", "/tokens"): "Token", ("get", "/me"): "Me",
    ("get", "/users"): "UserPage", ("post", "/users"): "UserOut", ("get", "/users/{username}"): "UserOut",
    ("patch", "/users/{username}"): "UserOut",
    ("get", "/calendar/add-working-days"): "WorkingDay", ("put", "/calendar/days/{day}"): "Override",
    ("delete", "/calendar/days/{day}"): "OverrideRemoved", ("put", "/calendar/years/{year}"): "YearConfirmed",
    ("get", "/calendar/years/{year}"): "YearOverview",
    ("get", "/audit"): "AuditEntryPage", ("get", "/audit/verify"): "ChainCheck",
    ("post", "/customers"): "CustomerOut", ("get", "/customers"): "CustomerPage",
    ("get", "/customers/{customer_id}"): "CustomerOut",
    ("post", "/projects"): "ProjectOut", ("get", "/projects"): "ProjectPage",
    ("get", "/projects/{project_id}"): "ProjectOut",
    ("get", "/checklists/{business}"): "Checklist", ("put", "/checklists/{business}"): "Checklist",
    ("post", "/projects/{project_id}/handovers"): "HandoverOut", ("get", "/handovers/{handover_id}"): "HandoverOut",
    ("put", "/handovers/{handover_id}/items"): "HandoverOut",
    ("post", "/handovers/{handover_id}/submit"): "HandoverOut",
    ("post", "/handovers/{handover_id}/review"): "HandoverOut",
    ("post", "/handovers/{handover_id}/supplement"): "HandoverOut",
    ("get", "/handovers/mine"): "MyHandovers", ("get", "/handovers/inbox"): "HandoverSummaryPage",
    ("get", "/tasks"): "TaskPage",
    ("post", "/handovers/{handover_id}/extensions"): "ExtensionOut", ("get", "/extensions"): "ExtensionPage",
    ("post", "/extensions/{extension_id}/decision"): "ExtensionOut",
    ("post", "/handovers/{handover_id}/receive"): "ArchiveOut",
    ("post", "/locations"): "LocationOut", ("get", "/locations"): "LocationPage",
    ("get", "/archives"): "LedgerRowPage", ("get", "/archives/{archive_no}"): "ArchiveOut",
    ("post", "/archives/{archive_no}/move"): "ArchiveOut", ("post", "/archives/{archive_no}/void"): "ArchiveOut",
    ("get", "/register"): "RegisterRowPage",
    ("get", "/numbering"): "NumberingOut", ("put", "/numbering"): "NumberingOut",
    ("get", "/label-layouts"): "Layouts",
    ("post", "/archives/{archive_no}/scans"): "UploadedScan", ("get", "/archives/{archive_no}/scans"): "ArchiveScans",
    ("post", "/scans/batches"): "BatchReport",
    ("get", "/lookup/{code}"): "Lookup",
}


FILES = {("get", "/scans/{scan_id}"): "application/pdf"}  # besides every path ending as in SUFFIXES
BINARY = {"type": "string", "format": "binary"}
SUFFIXES = {".pdf": "application/pdf", ".png": "image/png", ".csv": "text/csv",
            ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
ANY_OBJECT = {"type": "object", "description": "not described in detail yet: add its schema to responses.SUCCESS"}


def success_content(method, path):
    """The `content` of what (method, path) answers on success: its schema in SUCCESS, a file for
    the file routes, otherwise a JSON object (every route answers one)."""
    key = (method, path.removeprefix(V1))
    if key in SUCCESS:
        return {"application/json": {"schema": SUCCESS[key]}}
    media_type = FILES.get(key) or SUFFIXES.get(path[path.rfind("."):] if "." in path else "")
    if media_type:
        return {media_type: {"schema": BINARY}}
    return {"application/json": {"schema": ANY_OBJECT}}
