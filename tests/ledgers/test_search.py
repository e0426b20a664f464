"""R3: the ledgers make look-up easy — one search box over files, items, projects and customers."""
import pytest

from archive_service.domain.errors import InvalidInput
from archive_service.models import AuditEntry, SearchDoc, SearchGram
from archive_service.services.handover import customers
from archive_service.services.ledgers import search
from archive_service.services.platform import search_index
from tests.conftest import NOW


def kinds(result, kind):
    return [h for h in result["items"] if h["kind"] == kind]


def test_r3_search_finds_the_file_by_two_characters_of_the_customer_name(world):
    archive = world.received()
    for term in ("商贸", "李四商", "李四 商贸", "有限公司"):
        found = search.search(world.arch, term)
        assert [h["archive_no"] for h in kinds(found, "archive")] == [archive["archive_no"]], term
        assert [h["title"] for h in kinds(found, "customer")] == ["李四商贸有限公司"]


def test_r3_search_finds_projects_by_partial_title_and_files_by_complete_numbers(world):
    archive = world.received()
    assert kinds(search.search(world.arch, "资金"), "project")[0]["title"] == "P-1 流动资金贷款"
    assert kinds(search.search(world.arch, archive["archive_no"].lower()), "archive")[0]["id"] == archive["id"]
    contract = archive["contracts"][0]["number"]
    item = kinds(search.search(world.arch, contract), "item")
    assert (item[0]["title"], item[0]["detail"], item[0]["archive_no"]) == (contract, "借款合同", archive["archive_no"])
    assert kinds(search.search(world.arch, "P-1"), "project")[0]["id"] == archive["project_id"]


def test_r3_one_character_of_a_name_is_not_enough_and_nothing_unrelated_matches(world):
    world.received()
    assert search.search(world.arch, "商")["items"] == []
    assert search.search(world.arch, "王五")["items"] == []


@pytest.mark.parametrize("term", ["%", "%%", "_", "__", "%_", "' OR 1=1 --", "商%", "李_", "\\",
                                  "\"; DROP TABLE customer"])
def test_r3_wildcards_and_sql_in_a_search_are_literal_characters(world, term):
    world.received()
    before = AuditEntry.select().count()
    assert search.search(world.arch, term)["items"] == []
    assert AuditEntry.select().count() == before


def test_r3_a_name_with_a_percent_sign_is_found_by_it(world):
    customers.create_customer(world.arch, name="百分%之百_公司", kind="enterprise", id_number="91110000MA00000001",
                              now=NOW)
    assert [h["title"] for h in kinds(search.search(world.arch, "%之"), "customer")] == ["百分%之百_公司"]
    assert kinds(search.search(world.arch, "分_之"), "customer") == []


@pytest.mark.parametrize("term", ["", "   ", "\x00\x01", "字" * 101, None, 12])
def test_r3_an_empty_or_overlong_query_is_refused(world, term):
    with pytest.raises(InvalidInput) as e:
        search.search(world.arch, term)
    assert e.value.code == "search.invalid_query"


def test_r3_search_results_respect_who_may_see_what(world, make_actor):
    world.received()
    outsider = make_actor("zhou", "manager")
    assert [h["kind"] for h in search.search(outsider, "商贸")["items"]] == ["customer"]
    assert search.search(make_actor("qian", "custodian"), "商贸")["items"] == []
    party = kinds(search.search(world.a, "商贸"), "project")
    assert [h["title"] for h in party] == ["P-1 流动资金贷款"]
    assert kinds(search.search(world.a, "商贸"), "archive") == []


def test_r3_the_index_follows_new_customers_and_projects(world):
    assert SearchDoc.select().where(SearchDoc.kind == "customer").count() == 1
    world.project()
    assert SearchDoc.select().where(SearchDoc.kind == "project").count() == 1


def test_r3_search_through_the_api(api, received):
    found = received["arch"].get("/search?q=%E5%95%86%E8%B4%B8")  # 商贸
    assert found.status_code == 200
    assert received["no"] in [h["archive_no"] for h in found.get_json()["items"]]
    assert received["arch"].get("/search?q=%25_").get_json()["items"] == []
    bad = received["arch"].get("/search?q=")
    assert bad.status_code == 422 and bad.get_json()["code"] == "search.invalid_query"


def test_r3_the_index_can_be_rebuilt_after_a_bulk_load(world):
    archive = world.received()
    SearchGram.delete().execute()
    SearchDoc.delete().execute()
    assert search.search(world.arch, "商贸")["items"] == []
    search_index.rebuild(batch=1)
    assert kinds(search.search(world.arch, "商贸"), "archive")[0]["archive_no"] == archive["archive_no"]
