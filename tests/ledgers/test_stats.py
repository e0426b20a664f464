"""R23: statistics — files received per month by business, handover steps on time per manager,
extensions — in one grouped query each, and every table exportable."""
import io

import openpyxl
import pytest

from archive_service.domain.errors import InvalidInput
from archive_service.services.handover import extensions
from archive_service.services.imports import imports
from archive_service.services.reports import exports, stats
from tests.conftest import NOW
from tests.ledgers.sheetfiles import GOOD, xlsx
from tests.sqlcount import count_statements


def test_r23_files_received_per_month_by_business(world):
    world.received()
    world.received(business="guarantee")
    imports.ledger(world.arch, xlsx(GOOD), "x.xlsx", dry_run=False, now=NOW)
    figures = stats.figures(world.arch, 2026, now=NOW)
    assert figures["received"] == 2
    october = figures["by_month"][9]
    assert (october["month"], october["loan"], october["guarantee"], october["total"]) == (10, 1, 1, 2)
    old = stats.figures(world.arch, "2018", now=NOW)
    assert [m["loan"] for m in old["by_month"]][2:4] == [1, 1]


def test_r23_on_time_and_late_steps_per_manager_a_and_b_apart(world):
    world.received(ended_on="2026-10-08")  # A submits on 10-09: on time
    world.received(ended_on="2026-01-05")  # long before A submits: A late
    figures = stats.figures(world.arch, 2026, now=NOW)
    rows = {(r["user"], r["step"]): (r["on_time"], r["late"]) for r in figures["on_time"]}
    assert rows == {("zhang", "a_to_b"): (1, 1), ("wang", "b_to_archive"): (2, 0)}  # B's days run from A's submission
    assert figures["late"] == 1


def test_r23_extensions_are_counted_by_step_and_decision(world):
    draft = world.draft(ended_on="2026-10-08")
    extensions.request(world.a, draft["id"], step="a_to_b", until="2026-10-30", reason="客户补件", now=NOW)
    figures = stats.figures(world.arch, 2026, now=NOW)
    assert figures["extensions"][0]["pending"] == 1 and figures["extensions"][1]["pending"] == 0


def test_r23_statistics_cost_the_same_statements_for_1_and_50_files(world):
    world.received()
    with count_statements() as one:
        stats.figures(world.arch, 2026, now=NOW)
    for _ in range(49):
        world.received()
    with count_statements() as fifty:
        stats.figures(world.arch, 2026, now=NOW)
    assert len(one) == len(fifty)


@pytest.mark.parametrize("year", ["1999", "abc", "2100", "20261"])
def test_r23_a_bad_year_is_refused(world, year):
    with pytest.raises(InvalidInput) as e:
        stats.figures(world.arch, year, now=NOW)
    assert e.value.code == "stats.invalid_year"


def test_r23_each_statistics_table_exports(world):
    world.received()
    for table in ("by_month", "on_time", "extensions"):
        book = openpyxl.load_workbook(io.BytesIO(b"".join(
            exports.stats_table(world.arch, "xlsx", 2026, table, now=NOW).chunks())))
        assert list(book.active.iter_rows(values_only=True))[-1][0] == "合计"


def test_r23_statistics_through_the_api(received, api):
    arch = received["arch"]
    figures = arch.get("/stats?year=2026").get_json()
    assert figures["received"] == 1 and figures["by_month"][9]["loan"] == 1
    assert arch.get("/stats.csv?year=2026&table=on_time").status_code == 200
    assert arch.get("/stats.xlsx?year=2026&table=nope").get_json()["code"] == "export.invalid_table"
    assert received["manager"].get("/stats").status_code == 403
    assert api("boss", "executive").get("/stats?year=2026").status_code == 200
