"""Exports of the ledgers, the registration book and search results (R3, R19): every export is
audited with what was asked for; a filter that matches nothing is refused instead of giving an
empty file."""
from datetime import date, datetime
from itertools import chain

from ...db import transaction
from ...domain.errors import InvalidInput, require
from ..archive import file_record
from ..ledgers import archive_ledger as archive_ledger_list
from ..ledgers import certificate_ledger as certificate_ledger_list
from ..ledgers import search
from ..platform import audit
from . import stats, tables
from .tables import Column

PAGE = 500

ARCHIVE_COLUMNS = [Column("archive_no", "档号", 18), Column("year", "年度", 8, "int"),
                   Column("business_name", "业务类型", 10), Column("customer_name", "客户名称", 28),
                   Column("project_code", "项目编号", 16), Column("project_title", "项目名称", 28),
                   Column("a_user_name", "A角", 10), Column("b_user_name", "B角", 10),
                   Column("ended_on", "项目结束日", 12, "date"), Column("pages", "页数", 8, "int", True),
                   Column("location", "存放位置", 12), Column("status_name", "状态", 10),
                   Column("received_at", "接收时间", 18, "datetime")]
REGISTER_COLUMNS = [Column("date", "日期", 12, "date"), Column("archive_no", "档号", 18),
                    Column("file_name", "档案名称", 36), Column("handed_over_by_name", "移交人", 12),
                    Column("received_by_name", "接收人", 12), Column("at", "登记时间", 18, "datetime")]
CERTIFICATE_COLUMNS = [Column("code", "标签码", 16), Column("kind", "权证类别", 20), Column("name", "权证名称", 24),
                       Column("number", "权证编号", 24), Column("owner", "权利人", 16),
                       Column("quantity", "数量", 8, "int", True), Column("status_name", "状态", 10),
                       Column("location_path", "存放位置", 18), Column("project_code", "项目编号", 16),
                       Column("customer_name", "客户名称", 28), Column("year", "年度", 8, "int"),
                       Column("business_name", "业务类型", 10), Column("a_user_name", "A角", 10),
                       Column("b_user_name", "B角", 10), Column("stored_at", "入库时间", 18, "datetime")]
SEARCH_COLUMNS = [Column("kind_name", "类别", 10), Column("title", "名称/编号", 32), Column("detail", "说明", 32),
                  Column("archive_no", "档号", 18)]
STATS_TABLES = {
    "by_month": ("每月接收档案", [Column("month", "月份", 8, "int"), Column("loan", "小贷", 10, "int", True),
                              Column("guarantee", "担保", 10, "int", True), Column("total", "合计", 10, "int", True)]),
    "on_time": ("移交及时率", [Column("user_name", "客户经理", 14), Column("step_name", "环节", 16),
                          Column("on_time", "按时", 10, "int", True), Column("late", "逾期", 10, "int", True)]),
    "certificates_in_safe": ("在库权证", [Column("kind_name", "权证类别", 24),
                                       Column("count", "在保险柜", 10, "int", True)]),
    "extensions": ("延期申请", [Column("step_name", "环节", 16), Column("pending", "待审批", 10, "int", True),
                            Column("approved", "已批准", 10, "int", True),
                            Column("rejected", "已驳回", 10, "int", True)]),
    "loans": ("每月借出", [Column("month", "月份", 8, "int"), Column("archive", "档案", 10, "int", True),
                       Column("certificate", "权证", 10, "int", True), Column("total", "合计", 10, "int", True)]),
    "overdue_loans": ("逾期借阅", [Column("kind_name", "借阅对象", 10),
                               Column("still_out", "逾期未还", 10, "int", True),
                               Column("returned_late", "逾期归还", 10, "int", True),
                               Column("total", "合计", 10, "int", True)]),
}


def _local(stamp):
    """An ISO timestamp of a view as the naive local time Excel shows."""
    return datetime.fromisoformat(stamp).replace(tzinfo=None) if stamp else None


def _pages(fetch):
    """Every row of a keyset-paged list, page by page; the first page is fetched at once."""
    page = fetch(None)
    if not page["items"]:
        raise InvalidInput("export.empty", "没有符合条件的记录,未生成导出文件", errors={"filter": "没有匹配的记录"})

    def rows(page=page):
        while True:
            yield from page["items"]
            if not page["next_cursor"]:
                return
            page = fetch(page["next_cursor"])
    return rows()


def _audited(actor, what, fmt, filters, now):
    with transaction():
        audit.record(actor, "export", what, "", {"format": fmt, "filters": filters}, now=now)


def archive_ledger(actor, fmt, filters, *, now):
    """The archive ledger (档案台帐) with the list's filters and order, as XLSX or CSV."""
    tables.check_format(fmt)
    filters = {k: v for k, v in filters.items() if v not in (None, "")}
    rows = _pages(lambda cursor: archive_ledger_list.page(actor, **filters, limit=PAGE, cursor=cursor))
    _audited(actor, "archive_ledger", fmt, filters, now)
    return tables.write(fmt, "档案台帐", ARCHIVE_COLUMNS, (
        {**r, "received_at": _local(r["received_at"]), "ended_on": date.fromisoformat(r["ended_on"])} for r in rows))


def certificate_ledger(actor, fmt, filters, *, now):
    """The certificate ledger (权证档案台帐) with the list's filters and order, as XLSX or CSV."""
    tables.check_format(fmt)
    filters = {k: v for k, v in filters.items() if v not in (None, "")}
    rows = _pages(lambda cursor: certificate_ledger_list.page(actor, **filters, limit=PAGE, cursor=cursor))
    _audited(actor, "certificate_ledger", fmt, filters, now)
    return tables.write(fmt, "权证档案台帐", CERTIFICATE_COLUMNS,
                        ({**r, "stored_at": _local(r["stored_at"])} for r in rows))


def register_book(actor, fmt, date_from=None, date_to=None, *, now):
    """The registration book (档案登记本, R12) between two dates."""
    tables.check_format(fmt)
    entries = file_record.register_entries(actor, date_from=date_from, date_to=date_to)
    first = next(entries, None)
    rows = _pages(lambda cursor: {"items": [first] if first else [], "next_cursor": None})
    _audited(actor, "register", fmt, {"from": date_from, "to": date_to}, now)
    return tables.write(fmt, "档案登记本", REGISTER_COLUMNS, (
        {**r, "date": date.fromisoformat(r["date"]), "at": _local(r["at"])} for r in chain(rows, entries)))


def search_results(actor, fmt, q, *, now):
    tables.check_format(fmt)
    found = search.search(actor, q, limit=500)
    rows = _pages(lambda cursor: found)
    _audited(actor, "search", fmt, {"q": found["query"]}, now)
    return tables.write(fmt, "检索结果", SEARCH_COLUMNS, rows)


def stats_table(actor, fmt, year, table, *, now):
    """One table of the year's statistics (R23)."""
    tables.check_format(fmt)
    require(table in STATS_TABLES, InvalidInput, "export.invalid_table", f"统计表必须是 {'、'.join(STATS_TABLES)} 之一",
            errors={"table": "、".join(STATS_TABLES)})
    found = stats.figures(actor, year, now=now)
    rows = _pages(lambda cursor: {"items": found[table], "next_cursor": None})
    _audited(actor, f"stats.{table}", fmt, {"year": found["year"]}, now)
    title, columns = STATS_TABLES[table]
    return tables.write(fmt, f"{title}{found['year']}", columns, rows)
