"""Search, ledger exports, legacy imports and statistics (R3, R23)."""
from flask_smorest.fields import Upload

from ...domain.errors import InvalidInput
from ...services.imports import imports, project_imports
from ...services.ledgers import search
from ...services.reports import exports, stats
from ..context import current_actor, now
from ..downloads import download
from .base import api_blueprint
from .schemas import ApiSchema, FilterDate, QueryId, QueryInt, Str, Text

bp = api_blueprint("ledgers", "Search, exports, imports and statistics (R3, R23)")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SearchArgs(ApiSchema):
    q = Str(required=True, metadata={"description": "a complete number, or two or more characters of a name"})
    limit = QueryInt(load_default=None, minimum=1, maximum=500,
                     metadata={"description": "at most this many of each kind (default 20)"})


class LedgerFilters(ApiSchema):
    """The archive ledger's filters and order (R3), shared by the list and its exports."""

    q = Text(100, load_default=None,
             metadata={"description": "part of an archive number, project code, title or customer"})
    year = QueryInt(load_default=None, minimum=1, maximum=9999)
    business = Text(16, metadata={"enum": ["loan", "guarantee"]})
    status = Text(16, metadata={"enum": ["in_archive", "on_loan", "voided", "destroyed"],
                                "description": "in_archive: in place (在库); on_loan: out on loan (借出)"})
    location = Text(40, load_default=None,
                    metadata={"description": "a location code: files there or anywhere inside it"})
    manager = Text(64, load_default=None, metadata={"description": "username of the project's A or B"})
    customer = QueryId(load_default=None)
    received_from = FilterDate(load_default=None)
    received_to = FilterDate(load_default=None)
    ended_from = FilterDate(load_default=None, metadata={"description": "project end (disbursement) date from"})
    ended_to = FilterDate(load_default=None)
    imported = Text(5, metadata={"enum": ["true", "false"],
                                                     "description": "true: only files from a legacy ledger"})
    sort = Text(16, load_default=None,
                metadata={"description": "id, archive_no, received_at or year; '-': descending"})


@bp.get("/search")
@bp.arguments(SearchArgs, location="query")
@bp.response(200)
def search_all(args):
    """Files, items, projects and customers matching a number or a partial name, as the caller may see them."""
    return search.search(current_actor(), args["q"], limit=args["limit"])


@bp.get("/search.xlsx")
@bp.arguments(SearchArgs, location="query")
@bp.response(200, content_type=XLSX)
def search_xlsx(args):
    """The search results as a workbook (audited)."""
    return download(exports.search_results(current_actor(), "xlsx", args["q"], now=now()))


@bp.get("/archives.xlsx")
@bp.arguments(LedgerFilters, location="query")
@bp.response(200, content_type=XLSX)
def archives_xlsx(args):
    """The archive ledger with the list's filters as a workbook (audited); nothing matched → 422 export.empty."""
    return download(exports.archive_ledger(current_actor(), "xlsx", args, now=now()))


@bp.get("/archives.csv")
@bp.arguments(LedgerFilters, location="query")
@bp.response(200, content_type="text/csv")
def archives_csv(args):
    """The archive ledger as CSV (UTF-8 with BOM, for Excel; audited)."""
    return download(exports.archive_ledger(current_actor(), "csv", args, now=now()))


class ImportUpload(ApiSchema):
    file = Upload(required=True, error_messages={"required": "请选择要导入的文件"},
                  metadata={"description": "XLSX (first sheet) or CSV in UTF-8 or GB18030"})
    mapping = Text(2000, load_default=None,
                   metadata={"description": "JSON {field or usual header: header in the file}"})


class DryRun(ApiSchema):
    dry_run = Text(5, load_default="true", metadata={"enum": ["true", "false"],
                                                      "description": "true (default): check only; false: import"})


def dry_run_flag(args):
    value = (args["dry_run"] or "").lower()
    if value not in ("true", "false", "1", "0"):
        raise InvalidInput("request.invalid_field", "dry_run 必须是 true 或 false", errors={"dry_run": "true 或 false"})
    return value in ("true", "1")


@bp.post("/imports/ledger")
@bp.arguments(DryRun, location="query")
@bp.arguments(ImportUpload, location="multipart")
@bp.response(200)
def import_ledger(args, body):
    """A legacy ledger: `{rows, ok, errors: [{row, column, message}], created, skipped}`. A real run with
    errors answers 422 `import.invalid_rows` with the same report in `details`, and imports nothing."""
    upload = body["file"]
    return imports.ledger(current_actor(), upload.read(), upload.filename or "", mapping=body["mapping"],
                          dry_run=dry_run_flag(args), now=now())


class StatsArgs(ApiSchema):
    year = QueryInt(load_default=None, minimum=2000, maximum=2099, metadata={"description": "default: this year"})


class StatsTableArgs(StatsArgs):
    table = Text(24, load_default="by_month",
                 metadata={"enum": ["by_month", "on_time", "extensions", "certificates_in_safe", "loans",
                                   "overdue_loans"]})


@bp.get("/stats")
@bp.arguments(StatsArgs, location="query")
@bp.response(200)
def statistics(args):
    """The year's figures (R23): `{received, by_month, on_time: [{user, step, on_time, late}], late, extensions,
    loans: [{month, archive, certificate, total}] (checked out, by Shanghai month), overdue_loans: [{kind,
    kind_name, still_out, returned_late, total}] (of the loans checked out in the year: still out past the due day
    as of today, or returned on a Shanghai day after it), certificates_in_safe}`."""
    return stats.figures(current_actor(), args["year"], now=now())


@bp.get("/stats.xlsx")
@bp.arguments(StatsTableArgs, location="query")
@bp.response(200, content_type=XLSX)
def statistics_xlsx(args):
    """One statistics table as a workbook (audited)."""
    return download(exports.stats_table(current_actor(), "xlsx", args["year"], args["table"], now=now()))


@bp.get("/stats.csv")
@bp.arguments(StatsTableArgs, location="query")
@bp.response(200, content_type="text/csv")
def statistics_csv(args):
    return download(exports.stats_table(current_actor(), "csv", args["year"], args["table"], now=now()))


class RegisterRange(ApiSchema):
    date_from = FilterDate(load_default=None, data_key="from")
    date_to = FilterDate(load_default=None, data_key="to")


@bp.get("/register.xlsx")
@bp.arguments(RegisterRange, location="query")
@bp.response(200, content_type=XLSX)
def register_xlsx(args):
    """The registration book (R12) between two dates as a workbook (audited)."""
    return download(exports.register_book(current_actor(), "xlsx", args["date_from"], args["date_to"], now=now()))


@bp.get("/register.csv")
@bp.arguments(RegisterRange, location="query")
@bp.response(200, content_type="text/csv")
def register_csv(args):
    return download(exports.register_book(current_actor(), "csv", args["date_from"], args["date_to"], now=now()))


@bp.post("/imports/projects")
@bp.arguments(DryRun, location="query")
@bp.arguments(ImportUpload, location="multipart")
@bp.response(200)
def import_projects(args, body):
    """Projects from the lending system's disbursement export (项目编号, 客户名称, 证件号码, 业务类型, 项目名称,
    放款金额, A角, B角, 放款日期; 客户类型 optional): the disbursement date is the project's end date, so the
    R10 clock starts there. The same row twice makes one project. Report as for the legacy ledger."""
    upload = body["file"]
    return project_imports.run(current_actor(), upload.read(), upload.filename or "", mapping=body["mapping"],
                               dry_run=dry_run_flag(args), now=now())


class CertificateFilters(ApiSchema):
    """The certificate ledger's filters and order (R3), shared by the list and its exports."""

    q = Text(200, load_default=None,
             metadata={"description": "part of a certificate number, title, owner, customer or project code, "
                                      "or a whole label code"})
    year = QueryInt(load_default=None, minimum=2000, maximum=2099,
                    metadata={"description": "the year the project ended (as the archive ledger files it)"})
    business = Text(16, metadata={"enum": ["loan", "guarantee"]})
    status = Text(16, metadata={"enum": ["listed", "in_safe", "on_loan", "released"]})
    kind = Text(100, load_default=None, metadata={"description": "kind code or zh-CN name"})
    location = Text(40, load_default=None,
                    metadata={"description": "a location code: certificates there or anywhere inside it"})
    manager = Text(64, load_default=None, metadata={"description": "username of the project's A or B"})
    customer = QueryId(load_default=None)
    project = Text(40, load_default=None, metadata={"description": "project code or id"})
    stored_from = FilterDate(load_default=None,
                             metadata={"description": "put into the safe (the list stored) on or after this day"})
    stored_to = FilterDate(load_default=None)
    sort = Text(16, load_default=None,
                metadata={"description": "id, code, stored_at or status; '-': descending (default -id)"})


@bp.get("/certificates.xlsx")
@bp.arguments(CertificateFilters, location="query")
@bp.response(200, content_type=XLSX)
def certificates_xlsx(args):
    """The certificate ledger (权证档案台帐, R3) with the list's filters as a workbook (audited)."""
    return download(exports.certificate_ledger(current_actor(), "xlsx", args, now=now()))


@bp.get("/certificates.csv")
@bp.arguments(CertificateFilters, location="query")
@bp.response(200, content_type="text/csv")
def certificates_csv(args):
    return download(exports.certificate_ledger(current_actor(), "csv", args, now=now()))
