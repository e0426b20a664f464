"""The handover list's pure rules (R6, R8, R9, R11)."""
import pytest

from archive_service.domain import handovers as rules
from archive_service.domain.customers import clean_amount, mask_id_number
from archive_service.domain.errors import Conflict, InvalidInput

GOOD = {"part": 1, "title": "审批表", "pages": 2, "attachment": False, "contract": False}


@pytest.mark.parametrize("pages", [0, -1, 2.5, "3", True, None, 10_001])
def test_r6_pages_must_be_a_positive_whole_number(pages):
    with pytest.raises(InvalidInput) as refused:
        rules.clean_items([{**GOOD, "pages": pages}])
    assert refused.value.code == "handover.invalid_pages"
    assert "items.0.pages" in refused.value.errors


@pytest.mark.parametrize("part", [0, 5, "1", None, True])
def test_r8_part_must_be_one_of_four(part):
    with pytest.raises(InvalidInput) as refused:
        rules.clean_items([{**GOOD, "part": part}])
    assert refused.value.code == "handover.unknown_part"


def test_r6_empty_list_refused():
    with pytest.raises(InvalidInput) as refused:
        rules.clean_items([])
    assert refused.value.code == "handover.empty_list"


def test_r9_list_of_only_attachments_refused():
    with pytest.raises(InvalidInput) as refused:
        rules.clean_items([{**GOOD, "attachment": True}])
    assert refused.value.code == "handover.nothing_numbered"


def test_r6_title_required():
    with pytest.raises(InvalidInput) as refused:
        rules.clean_items([{**GOOD, "title": "  "}])
    assert refused.value.code == "handover.invalid_title"


def test_r8_items_sort_in_part_order():
    items = [{**GOOD, "part": 3, "position": 0}, {**GOOD, "part": 1, "position": 1},
             {**GOOD, "part": 1, "position": 0, "title": "first"}]
    assert [(i["part"], i["title"]) for i in rules.in_order(items)] == [(1, "first"), (1, "审批表"), (3, "审批表")]


def test_r6_hash_changes_with_any_page_count_and_changes_are_listed():
    before = [dict(GOOD)]
    after = [dict(GOOD, pages=3), {**GOOD, "part": 4, "title": "身份证"}]
    assert rules.content_hash(before) != rules.content_hash(after)
    diff = rules.changes(before, after)
    assert [d["title"] for d in diff["added"]] == ["审批表", "身份证"]
    assert diff["removed"][0]["pages"] == 2


def test_r6_totals_per_part_and_overall():
    items = [dict(GOOD), {**GOOD, "part": 2, "pages": 5, "attachment": True}, {**GOOD, "pages": 3}]
    t = rules.totals(items)
    assert t["parts"]["1"]["pages"] == 5 and t["parts"]["2"]["attachments"] == 1
    assert (t["items"], t["pages"]) == (3, 10)


def test_r11_every_difference_is_listed():
    items = [{"id": 1, "title": "a", "pages": 2, "part": 1}, {"id": 2, "title": "b", "pages": 5, "part": 2},
             {"id": 3, "title": "c", "pages": 1, "part": 3}]
    diffs = rules.differences(items, [{"item_id": 1, "pages": 3}, {"item_id": 1, "pages": 2},
                                      {"item_id": 9, "pages": 1}, {"item_id": 2, "pages": 5}])
    assert [(d["item_id"], d["problem"]) for d in diffs] == [
        (1, "pages_differ"), (1, "checked_twice"), (9, "unknown_item"), (3, "not_checked")]
    assert rules.differences(items, [{"item_id": i, "pages": p} for i, p in ((1, 2), (2, 5), (3, 1))]) == []


def test_r7_each_step_only_from_its_state():
    rules.require_step(rules.DRAFT, "submit")
    with pytest.raises(Conflict) as refused:
        rules.require_step(rules.SUBMITTED, "submit")
    assert refused.value.code == "handover.cannot_submit"


def test_r7_return_needs_a_supplement_list():
    with pytest.raises(InvalidInput) as refused:
        rules.clean_missing([])
    assert refused.value.code == "handover.missing_required"
    with pytest.raises(InvalidInput):
        rules.clean_missing([{"title": "身份证"}])


def test_r19_id_numbers_are_masked():
    assert mask_id_number("310101198805050000") == "3101**********0000"
    assert mask_id_number("1234") == "****"


@pytest.mark.parametrize("amount", [0, -5, "abc", True, None, "1.234", float("nan")])
def test_project_amount_must_be_positive_money(amount):
    with pytest.raises(InvalidInput) as refused:
        clean_amount(amount)
    assert refused.value.code == "project.invalid_amount"
