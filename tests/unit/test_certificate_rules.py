"""Pure certificate rules (R14–R16): entries, the three-party comparison, movements' starting
status, label codes and the stock-take's verdict."""
import pytest

from archive_service.domain import certificates as rules
from archive_service.domain.errors import Conflict, InvalidInput

LISTED = [{"id": 1, "kind_code": "encumbrance", "name": "不动产登记证明", "number": "N-1", "owner": "李四",
           "quantity": 1},
          {"id": 2, "kind_code": "equity_pledge", "name": "股权出质", "number": "N-2", "owner": "李四",
           "quantity": 2}]


def _check(c, **change):
    return {"certificate_id": c["id"], "name": c["name"], "number": c["number"], "quantity": c["quantity"], **change}


def test_r14_an_entry_needs_every_field_and_a_whole_positive_quantity():
    entry = {"kind": " 他项权证 ", "name": "不动产登记证明", "number": "N-1", "owner": "李四", "quantity": 1}
    assert rules.clean_certificates([entry])[0]["kind"] == "他项权证"
    for bad, code in (({"quantity": 0}, "certificate.invalid_quantity"),
                      ({"quantity": True}, "certificate.invalid_quantity"),
                      ({"owner": ""}, "certificate.invalid_owner"), ({"name": "a\x00b"}, "certificate.invalid_name")):
        with pytest.raises(InvalidInput) as refused:
            rules.clean_certificates([{**entry, **bad}])
        assert refused.value.code == code
    with pytest.raises(InvalidInput):
        rules.clean_certificates([])


def test_r15_the_check_lists_every_difference_and_nothing_when_all_match():
    assert rules.differences(LISTED, [_check(c) for c in LISTED]) == []
    diffs = rules.differences(LISTED, [_check(LISTED[0], quantity=2, number=" N-1 "), _check(LISTED[0]),
                                       {"certificate_id": 99}])
    assert [d["problem"] for d in diffs] == ["quantity_differs", "checked_twice", "unknown_certificate",
                                             "not_checked"]


def test_r15_the_signed_content_hash_does_not_depend_on_order_but_on_every_field():
    assert rules.content_hash(LISTED) == rules.content_hash(list(reversed(LISTED)))
    assert rules.content_hash(LISTED) != rules.content_hash([{**LISTED[0], "owner": "王五"}, LISTED[1]])


def test_r15_a_movement_starts_only_from_the_status_it_needs():
    rules.require_movable(rules.IN_SAFE, rules.RELEASE)
    rules.require_movable(rules.ON_LOAN, rules.RETURN)
    for status, kind, code in ((rules.ON_LOAN, rules.RELEASE, "certificate.on_loan"),
                               (rules.LISTED, rules.LEND, "certificate.not_in_safe"),
                               (rules.RELEASED, rules.MOVE, "certificate.released")):
        with pytest.raises(Conflict) as refused:
            rules.require_movable(status, kind)
        assert refused.value.code == code
    with pytest.raises(InvalidInput):
        rules.require_movable(rules.IN_SAFE, rules.STORE)


def test_label_codes_are_recognised_by_their_shape():
    assert rules.label_code(2026, 123) == "QZ-2026-000123"
    assert rules.is_label_code("QZ-2026-000123") and not rules.is_label_code("QZ-2026-123")
    assert not rules.is_label_code(None)


def test_r16_the_stocktake_verdict():
    expected = [{"code": "A", "location": "S-1", "status": rules.IN_SAFE},
                {"code": "B", "location": "S-1", "status": rules.IN_SAFE},
                {"code": "C", "location": "S-1", "status": rules.IN_SAFE},
                {"code": "D", "location": "S-2", "status": rules.ON_LOAN}]
    result = rules.stocktake_result(expected, {"A": "S-1", "C": "S-2", "E": "S-1"})
    assert result == {"found": ["A"], "missing": ["B"], "misplaced": ["C"], "unexpected": ["E"], "on_loan": ["D"]}
