"""R5/R10/R23: projects come from the lending system's disbursement export; the R10 clock starts
on the disbursement date; the same row twice is one project."""
import io
from datetime import date

import pytest

from archive_service.domain.errors import InvalidInput
from archive_service.models import AuditEntry, Customer, Project
from archive_service.services.handover import customers
from archive_service.services.imports import project_imports
from archive_service.services.ledgers import search
from archive_service.services.platform import calendar
from tests.conftest import NOW
from tests.ledgers.sheetfiles import csv_bytes, xlsx

HEADER = ["项目编号", "客户名称", "证件号码", "业务类型", "项目名称", "放款金额", "A角", "B角", "放款日期"]
ROW = ["LN-2026-0901", "钱七", "310101199001011234", "小贷", "个人经营贷", 300000, "zhang", "wang", date(2026, 10, 8)]


def run(world, rows, dry_run=False, header=HEADER):
    return project_imports.run(world.arch, xlsx(rows, header=header), "放款.xlsx", dry_run=dry_run, now=NOW)


def counts():
    return Project.select().count(), Customer.select().count(), AuditEntry.select().count()


def test_r10_imported_projects_start_their_clock_on_the_disbursement_date(world):
    report = run(world, [ROW])
    assert (report["created"], report["errors"]) == (1, [])
    project = Project.get(Project.code == "LN-2026-0901")
    view = customers.get_project(world.arch, project.id, now=NOW)
    assert (view["a_user"], view["b_user"], view["ended_on"]) == ("zhang", "wang", "2026-10-08")
    assert view["deadlines"]["a_to_b"]["due"] == calendar.add_working_days("2026-10-08", 3)["date"]
    assert view["customer_name"] == "钱七" and view["amount"] == "300000.00"
    assert [h["title"] for h in search.search(world.arch, "钱七")["items"] if h["kind"] == "customer"] == ["钱七"]


def test_r23_the_same_row_twice_makes_one_project(world):
    report = run(world, [ROW, ROW])
    assert (report["created"], report["skipped"]) == (1, 1)
    before = counts()
    again = run(world, [ROW])
    assert (again["created"], again["skipped"]) == (0, 1) and counts()[:2] == before[:2]


def test_r23_project_dry_run_reports_bad_cells_and_changes_nothing(world):
    bad = [ROW,
           ["LN-2026-0901", "钱七", "310101199001011234", "小贷", "另一笔", 1, "zhang", "wang", date(2026, 10, 8)],
           ["LN 2", "孙八", "123", "车贷", "贷", "-5", "nobody", "zhang", "明天"],
           ["LN-3", "周九", "310101199001015678", "担保", "担保", 10, "zhang", "zhang", "2026-10-08"]]
    before = counts()
    report = run(world, bad, dry_run=True)
    assert counts() == before
    got = {(e["row"], e["column"]) for e in report["errors"]}
    assert got == {(3, "项目编号"), (4, "项目编号"), (4, "业务类型"), (4, "放款金额"), (4, "A角"), (4, "放款日期"),
                   (5, "B角")}
    with pytest.raises(InvalidInput) as e:
        run(world, bad)
    assert e.value.code == "import.invalid_rows" and counts() == before


def test_r23_a_known_id_number_under_another_name_is_refused(world):
    run(world, [ROW])
    other = ["LN-9", "钱七七", "310101199001011234", "小贷", "贷", 10, "zhang", "wang", "2026-10-08"]
    assert run(world, [other], dry_run=True)["errors"][0]["column"] == "客户名称"


def test_r23_a_gb18030_csv_with_thousands_separators_and_slashed_dates(world):
    rows = [["LN-5", "吴十", "91310000MA1K000009", "担保", "融资担保", "1,000,000.00", "zhang", "wang", "2026/10/8"]]
    data = csv_bytes(rows, header=HEADER, encoding="gb18030")
    report = project_imports.run(world.arch, data, "放款.csv", dry_run=True, now=NOW)
    assert report["errors"] == []
    report = project_imports.run(world.arch, data, "放款.csv", dry_run=False, now=NOW)
    assert report["created"] == 1
    assert Customer.get(Customer.name == "吴十").kind == "enterprise"


def test_r23_only_archivists_and_managers_import_projects(world, make_actor):
    with pytest.raises(Exception) as e:
        project_imports.run(make_actor("boss", "executive"), xlsx([ROW], header=HEADER), "x.xlsx", now=NOW)
    assert getattr(e.value, "code", "") == "auth.forbidden"


def test_r23_project_import_through_the_api(received):
    arch = received["arch"]
    body = {"file": (io.BytesIO(xlsx([ROW], header=HEADER)), "放款.xlsx")}
    dry = arch.post("/imports/projects", data=body, content_type="multipart/form-data")
    assert dry.status_code == 200 and dry.get_json()["dry_run"] and dry.get_json()["ok"] == 1
    real = arch.post("/imports/projects?dry_run=false", data={"file": (io.BytesIO(xlsx([ROW], header=HEADER)),
                                                                        "放款.xlsx")},
                     content_type="multipart/form-data")
    assert real.status_code == 200 and real.get_json()["created"] == 1
    assert arch.get("/projects?q=LN-2026").get_json()["items"][0]["ended_on"] == "2026-10-08"
