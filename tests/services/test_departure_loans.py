"""R21 and R17 at a departure, for the leaver's own loans: a loan that is out is handed on (the
successor answers for its return and reads nothing on it), a loan requested or approved but not
yet out is cancelled, never handed on, and the leaver, the successor and its approvers are told."""
import json

import pytest

from archive_service.domain.errors import Conflict, Forbidden
from archive_service.models import Alert, AuditEntry, Loan, Transfer, User
from archive_service.services.accounts import users
from archive_service.services.archive import file_record as ledgers
from archive_service.services.loans import loan_desk, loans
from archive_service.services.people import departure
from tests.conftest import NOW
from tests.loans.loan_world import PAGES, LoanWorld, snapshot
from tests.services.certificate_world import World as CertificateWorld
from tests.sqlcount import count_statements


@pytest.fixture
def lender(make_actor):
    w = LoanWorld(make_actor)
    w.heir = make_actor("jieban", "manager", display_name="接办人")
    return w


def loan_state():
    return {**snapshot(), "borrowers": [(x.id, x.borrower_id) for x in Loan.select().order_by(Loan.id)],
            "active": [u.active for u in User.select().order_by(User.id)], "transfers": Transfer.select().count()}


def told(loan_id):
    """Who was told that a loan was cancelled at a departure."""
    return sorted(a.recipient.username for a in Alert.select().where(Alert.kind == "loan",
                                                                    Alert.url == f"/loans/{loan_id}",
                                                                    Alert.message.contains("离职交接")))


def test_r21_a_loan_out_is_handed_on_and_a_pending_request_is_cancelled_in_one_step(lender, admin):
    out = lender.out()
    pending = lender.request(obj=lender.received()["archive_no"])
    held = departure.user_holdings(admin, "qian")
    assert [(i["key"], i["outcome"]) for i in held["items"]] == \
        [(f"loan:{out['id']}", "hand_on"), (f"loan:{pending['id']}", "cancel")]
    assert "借出中" in held["items"][0]["summary"] and "待审批" in held["items"][1]["summary"]
    assert "撤销" in held["items"][1]["summary"]
    assert {k["kind"]: k["count"] for k in held["kinds"]}["loan"] == 2

    done = departure.transfer(admin, "qian", successor="jieban", now=NOW)
    assert done["remaining"] == 0 and len(done["items"]) == 2
    assert [(x.id, x.borrower.username, x.state) for x in Loan.select().order_by(Loan.id)] == \
        [(out["id"], "jieban", "out"), (pending["id"], "qian", "cancelled")]
    moved = json.loads(AuditEntry.get(AuditEntry.action == "loan.reassign").summary)
    assert (moved["to"], moved["transfer"]) == ("jieban", done["id"])
    cancelled = json.loads(AuditEntry.get(AuditEntry.action == "loan.cancel").summary)
    assert (cancelled["departure"], cancelled["successor"]) == (done["id"], "jieban")
    assert told(pending["id"]) == ["jieban", "qian"]  # nobody had decided it yet
    assert [x["id"] for x in loans.find(lender.heir, mine=True, now=NOW)["items"]] == [out["id"]]
    assert users.update_user(admin, "qian", active=False, now=NOW)["active"] is False


def test_r21_departure_cancels_an_approved_loan_and_tells_everyone(lender, admin):
    loan = lender.approved()
    assert ledgers.get_archive(lender.borrower, lender.file, now=NOW)["archive_no"] == lender.file
    done = departure.transfer(admin, "qian", successor="jieban", now=NOW)
    assert [(i["key"], i["outcome"]) for i in done["items"]] == [(f"loan:{loan['id']}", "cancel")]
    row = Loan.get_by_id(loan["id"])
    assert (row.borrower.username, row.state, row.awaiting) == ("qian", "cancelled", None)
    assert told(loan["id"]) == ["jieban", "qian", "sun"]  # the leaver, the successor, the approver
    message = Alert.get(Alert.recipient == lender.approver.id, Alert.message.contains("离职交接")).message
    assert "不转给接办人" in message and "已撤销" in message
    for nobody in (lender.heir, lender.borrower):
        with pytest.raises(Forbidden):
            ledgers.get_archive(nobody, lender.file, now=NOW)
    assert users.update_user(admin, "qian", active=False, now=NOW)["active"] is False


def test_r17_r21_an_executives_loan_approved_at_once_is_not_handed_to_a_plain_manager(lender, admin, make_actor):
    gao = make_actor("gao", "manager", "executive", display_name="高总")
    loan = lender.request(who=gao)
    assert (loan["state"], loan["steps"]) == ("approved", [])  # R17: nobody approved it, nobody had to
    done = departure.transfer(admin, "gao", successor="jieban", now=NOW)
    assert [i["outcome"] for i in done["items"]] == ["cancel"]
    row = Loan.get_by_id(loan["id"])
    assert (row.borrower_id, row.state) == (gao.id, "cancelled")
    assert not Loan.select().where(Loan.borrower == lender.heir.id).exists()
    with pytest.raises(Forbidden):
        ledgers.get_archive(lender.heir, lender.file, now=NOW)
    assert told(loan["id"]) == ["gao", "jieban"]


def test_r21_the_successor_of_a_loan_out_returns_it_but_reads_nothing_on_it(lender, admin):
    loan = lender.out()
    assert ledgers.get_archive(lender.borrower, lender.file, now=NOW)["archive_no"] == lender.file
    departure.transfer(admin, "qian", successor="jieban", now=NOW)
    assert Loan.get_by_id(loan["id"]).handed_on_in is not None
    for nobody in (lender.heir, lender.borrower):
        with pytest.raises(Forbidden):
            ledgers.get_archive(nobody, lender.file, now=NOW)
    back = loan_desk.return_loan(lender.arch, loan["id"], lender.file, PAGES, now=NOW)
    assert (back["state"], back["borrower"]) == ("returned", "jieban")
    assert departure.user_holdings(admin, "jieban")["items"] == []


def test_r21_a_departure_withdraws_a_renewal_the_leaver_asked_for(lender, admin):
    loan = lender.out()
    Loan.update(renewal_days=3, awaiting="approver").where(Loan.id == loan["id"]).execute()  # asked, undecided
    departure.transfer(admin, "qian", successor="jieban", now=NOW)
    row = Loan.get_by_id(loan["id"])
    assert (row.borrower.username, row.state, row.renewal_days, row.awaiting) == ("jieban", "out", None, None)
    assert json.loads(AuditEntry.get(AuditEntry.action == "loan.reassign").summary)["renewal_withdrawn"] == 3


def test_r21_deactivation_is_refused_while_the_user_holds_an_open_loan(lender, admin):
    loan = lender.request()
    before = loan_state()
    with pytest.raises(Conflict) as refused:
        users.update_user(admin, "qian", active=False, now=NOW)
    assert refused.value.code == "user.still_holds"
    assert [i["key"] for i in refused.value.details["holdings"]] == [f"loan:{loan['id']}"]
    assert loan_state() == before
    loans.cancel(lender.borrower, loan["id"], now=NOW)
    assert users.update_user(admin, "qian", active=False, now=NOW)["active"] is False


def test_r21_a_loan_out_goes_to_nobody_who_approved_it_or_already_borrows_the_same_file(lender, admin):
    loan = lender.out()
    own = lender.request(who=lender.heir)  # waits in line for the same file
    before = loan_state()
    for successor, code in (("sun", "departure.successor_approved_loan"), ("jieban", "departure.successor_has_loan")):
        with pytest.raises(Conflict) as refused:
            departure.transfer(admin, "qian", successor=successor, now=NOW)
        assert refused.value.code == code
        assert loan_state() == before
    assert Loan.get_by_id(loan["id"]).borrower_id == lender.borrower.id and own["state"] == "requested"


def test_r21_an_approved_certificate_loan_half_way_out_of_the_safe_is_not_cancelled(make_actor, admin):
    certs = CertificateWorld(make_actor)
    borrower = make_actor("qian", "manager", display_name="钱借阅")
    boss = make_actor("boss", "executive", display_name="孙总")
    make_actor("jieban", "manager", display_name="接办人")
    code = certs.stored()["certificates"][0]["code"]
    loan = loans.request(borrower, object=code, purpose="办理抵押变更", days=3, use="take_out", now=NOW)
    loans.decide(certs.approver, loan["id"], True, "同意", now=NOW)
    loans.decide(boss, loan["id"], True, "同意", now=NOW)
    loan_desk.checkout(certs.custodian, loan["id"], code, now=NOW)  # a movement waits for the second person
    before = loan_state()
    with pytest.raises(Conflict) as refused:
        departure.transfer(admin, "qian", successor="jieban", now=NOW)
    assert refused.value.code == "departure.loan_in_hand"
    assert loan_state() == before
    loan_desk.confirm(certs.second, loan["id"], now=NOW)
    done = departure.transfer(admin, "qian", successor="jieban", now=NOW)
    assert [i["outcome"] for i in done["items"]] == ["hand_on"]
    assert Loan.get_by_id(loan["id"]).borrower.username == "jieban"


def test_r21_holdings_cost_the_same_statements_for_1_and_50_loans(lender, admin):
    def cost():
        with count_statements() as log:
            departure.user_holdings(admin, "qian")
        return len(log)

    first = lender.request()
    one = cost()
    row = Loan.get_by_id(first["id"])
    copy = {k: v for k, v in row.__data__.items() if k != "id"}
    Loan.insert_many([copy] * 49).execute()
    assert len(departure.user_holdings(admin, "qian")["items"]) == 50
    assert cost() == one
