"""R7: A answers each missing entry of B's list (supplied or explained) and the list tells how many
are answered; R11: the archivist refuses a receipt back to B with the recorded differences."""
import pytest

from archive_service.domain.errors import Conflict, Forbidden, InvalidInput
from archive_service.models import ReceiptRefusal, SupplementAnswer
from archive_service.services.archive import receipt
from archive_service.services.handover import handovers
from tests.conftest import NOW
from tests.services.handover_world import World, snapshot

MISSING = [{"title": "抵押登记证明", "reason": "未附"}, {"title": "借款人签字页", "reason": "缺签字"}]
PROOF = {"part": 2, "title": "抵押登记证明", "pages": 2, "attachment": False, "contract": False}


@pytest.fixture
def world(make_actor):
    return World(make_actor)


def returned(world):
    h = world.draft()
    handovers.submit(world.a, h["id"], now=NOW)
    return handovers.review(world.b, h["id"], "return", MISSING, now=NOW)


def state():
    return snapshot() | {"answers": SupplementAnswer.select().count(), "refusals": ReceiptRefusal.select().count()}


def test_r7_a_partial_supplement_leaves_the_other_entry_open(world):
    h = returned(world)
    after = handovers.supplement(world.a, h["id"], [PROOF], now=NOW)
    entries = after["supplements"][0]["missing"]
    assert [(e["title"], e["resolved"], e["outcome"]) for e in entries] == [
        ("抵押登记证明", True, "supplied"), ("借款人签字页", False, None)]
    assert after["supplement_progress"]["text"] == "已补 1/2" and after["supplements"][0]["answered_at"] is None
    assert [e["title"] for e in after["open_missing"]] == ["借款人签字页"]


def test_r7_answered_one_at_a_time_across_returns_until_complete(world):
    h = returned(world)
    handovers.supplement(world.a, h["id"], [PROOF], now=NOW)
    again = handovers.review(world.b, h["id"], "return", [], now=NOW)
    assert again["state"] == "returned" and again["supplement_progress"]["text"] == "已补 1/2"
    note = {"round": 1, "entry": 1, "note": "借款人出差,下周补签"}
    done = handovers.supplement(world.a, h["id"], [], explanations=[note], now=NOW)
    assert done["supplement_progress"]["text"] == "已补齐" and done["supplements"][0]["answered_at"]
    assert done["supplements"][0]["missing"][1]["outcome_name"] == "已说明"
    assert handovers.review(world.b, h["id"], "accept", now=NOW)["state"] == "accepted"


def test_r7_a_correction_shows_in_the_difference_a_signs(world):
    h = returned(world)
    first = h["items"][0]
    fix = {"item_id": first["id"], "title": first["title"], "pages": first["pages"] + 1}
    after = handovers.supplement(world.a, h["id"], [PROOF], corrections=[fix], now=NOW)
    changes = after["signatures"][-1]["changes"]
    assert {(c["title"], c["pages"]) for c in changes["added"]} == {("抵押登记证明", 2), ("审批表", 3)}
    assert [(c["title"], c["pages"]) for c in changes["removed"]] == [("审批表", 2)]


@pytest.mark.parametrize(("items", "kw", "code"), [
    ([], {}, "handover.supplement_answers_nothing"),
    ([{**PROOF, "title": "无关资料"}], {}, "handover.supplement_answers_nothing"),
    ([], {"explanations": [{"round": 1, "entry": 0, "note": " "}]}, "handover.explanation_required"),
    ([], {"explanations": [{"round": 1, "entry": 7, "note": "原因"}]}, "handover.unknown_missing_entry"),
    ([{**PROOF, "missing": {"round": 1, "entry": 0}}], {"explanations": [{"round": 1, "entry": 0, "note": "x"}]},
     "handover.missing_answered_twice"),
    ([PROOF], {"corrections": [{"item_id": 999, "title": "x", "pages": 1}]}, "handover.unknown_item"),
])
def test_r7_a_supplement_that_answers_nothing_or_badly_is_refused_and_changes_nothing(world, items, kw, code):
    h = returned(world)
    before = state()
    with pytest.raises(InvalidInput) as refused:
        handovers.supplement(world.a, h["id"], items, now=NOW, **kw)
    assert refused.value.code == code and state() == before


def test_r6_a_signed_list_cannot_be_edited(world):
    h = world.draft()
    handovers.submit(world.a, h["id"], now=NOW)
    before = state()
    with pytest.raises(Conflict) as refused:
        handovers.replace_items(world.a, h["id"], [PROOF], now=NOW)
    assert refused.value.code == "handover.cannot_edit" and state() == before


def test_r11_a_refused_receipt_goes_back_to_b_with_the_differences_then_is_received(world):
    h = world.accepted()
    checks = world.checks(h)
    checks[0]["pages"] -= 1
    back = receipt.refuse(world.arch, h["id"], checks, "审批表少一页", now=NOW)
    assert back["state"] == "submitted" and back["refused_pending"] is True
    refusal = back["refusals"][0]
    assert refusal["note"] == "审批表少一页" and refusal["refused_by_name"] == "li"
    assert [(d["title"], d["expected"], d["counted"]) for d in refusal["differences"]] == [("审批表", 2, 1)]
    with pytest.raises(Conflict):
        receipt.receive(world.arch, h["id"], world.checks(h), "R1", now=NOW)
    again = handovers.review(world.b, h["id"], "accept", now=NOW)
    assert again["refused_pending"] is False
    assert receipt.receive(world.arch, h["id"], world.checks(h), "R1", now=NOW)["archive_no"]


def test_r11_b_may_return_a_refused_list_to_a(world):
    h = world.accepted()
    receipt.refuse(world.arch, h["id"], world.checks(h), "缺少借款人签字", now=NOW)
    back = handovers.review(world.b, h["id"], "return", [{"title": "借款人签字", "reason": "档案室拒收"}], now=NOW)
    assert back["state"] == "returned"


@pytest.mark.parametrize(("note", "code"), [("", "handover.refuse_note_required"),
                                            ("  ", "handover.refuse_note_required"),
                                            ("x" * 501, "handover.refuse_note_required")])
def test_r11_refusing_without_a_note_is_refused_and_changes_nothing(world, note, code):
    h = world.accepted()
    before = state()
    with pytest.raises(InvalidInput) as refused:
        receipt.refuse(world.arch, h["id"], world.checks(h), note, now=NOW)
    assert refused.value.code == code and state() == before


def test_r11_only_the_archivist_refuses_and_only_an_accepted_list(world):
    h = world.accepted()
    before = state()
    with pytest.raises(Forbidden):
        receipt.refuse(world.b, h["id"], world.checks(h), "不对", now=NOW)
    draft = world.draft()
    with pytest.raises(Conflict) as refused:
        receipt.refuse(world.arch, draft["id"], world.checks(draft), "不对", now=NOW)
    assert refused.value.code == "handover.cannot_refuse"
    assert state()["refusals"] == before["refusals"] == 0


def test_r11_blind_count_is_on_by_default_and_only_an_admin_turns_it_off(world, admin):
    assert receipt.blind_count() is True
    with pytest.raises(Forbidden):
        receipt.set_blind_count(world.arch, False, now=NOW)
    receipt.set_blind_count(admin, False, now=NOW)
    assert receipt.blind_count() is False


def test_r10_the_extensions_to_decide_cost_the_same_statements_for_1_or_50(world):
    from archive_service.services.handover import extensions
    from tests.sqlcount import count_statements

    def ask():
        h = world.draft()
        extensions.request(world.a, h["id"], step="a_to_b", until="2026-12-31", reason="客户出差", now=NOW)

    ask()
    with count_statements() as one:
        assert len(extensions.pending(world.approver)["items"]) == 1
    for _ in range(49):
        ask()
    with count_statements() as fifty:
        rows = extensions.pending(world.approver)["items"]
    assert len(rows) == 50 and rows[0]["project_code"] == "P-1" and rows[0]["requested_by_name"] == "zhang"
    assert len(fifty) == len(one), str(fifty)
