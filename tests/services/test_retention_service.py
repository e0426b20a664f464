"""R23 through the services: retention periods, the yearly appraisal list, disposal lists that an
approver decides, destruction that keeps the ledger row; every refusal changes nothing."""
import io
import json
import os
import subprocess

import pytest

from archive_service.adapters import scan_store as store_module
from archive_service.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from archive_service.models import ArchiveFile, AuditEntry, Disposal, DisposalEntry, Loan, ScanFile
from archive_service.services.archive import file_record as ledgers
from archive_service.services.archive import retention_defaults
from archive_service.services.archive import scans as scan_service
from archive_service.services.ledgers import archive_ledger
from archive_service.services.loans import loan_desk, loans
from archive_service.services.retention import disposals, retention
from tests import scanfiles
from tests.conftest import NOW
from tests.loans.loan_world import PAGES
from tests.services.handover_world import World
from tests.sqlcount import count_statements


@pytest.fixture
def world(make_actor, admin):
    w = World(make_actor)
    w.admin = admin
    w.approver2 = make_actor("qian", "approver")
    return w


@pytest.fixture
def store(tmp_path):
    return store_module.ScanStore(tmp_path / "scans", max_bytes=10 * 1024 * 1024)


def state():
    return {"files": [(a.archive_no, a.status, a.retention) for a in ArchiveFile.select().order_by(ArchiveFile.id)],
            "disposals": [(d.id, d.state) for d in Disposal.select().order_by(Disposal.id)],
            "entries": DisposalEntry.select().count(), "audit": AuditEntry.select().count(),
            "scans_removed": ScanFile.select().where(ScanFile.removed_at.is_null(False)).count()}


def filed(world, year, period="10y"):
    """A received file of `year` kept for `period`."""
    no = world.received(ended_on=f"{year}-06-30")["archive_no"]
    if period != "permanent":
        retention.set_period(world.arch, no, period, "短期保管", now=NOW)
    return no


def test_r23_a_received_file_gets_its_business_default_and_admins_change_the_default(world):
    assert ledgers.get_archive(world.arch, world.received()["archive_no"], now=NOW)["retention"] == "30y"
    retention_defaults.set_defaults(world.admin, {"guarantee": "permanent"}, now=NOW)
    no = world.received(business="guarantee")["archive_no"]
    assert ledgers.get_archive(world.arch, no, now=NOW)["retention_name"] == "永久"
    assert retention_defaults.defaults() == {"loan": "30y", "guarantee": "permanent"}
    with pytest.raises(Forbidden):
        retention_defaults.set_defaults(world.arch, {"loan": "10y"}, now=NOW)
    for bad in ({"loan": "5y"}, {"lease": "10y"}, {}, ["loan"]):
        with pytest.raises(InvalidInput):
            retention_defaults.set_defaults(world.admin, bad, now=NOW)
    assert retention_defaults.defaults() == {"loan": "30y", "guarantee": "permanent"}


def test_r23_a_2015_file_kept_10_years_ends_2025_12_31_and_the_change_is_audited(world):
    no = world.received(ended_on="2015-03-01")["archive_no"]
    changed = retention.set_period(world.arch, no, "10y", "短期保管", now=NOW)
    assert changed["period_end"] == "2025-12-31" and changed["retention_name"] == "定期10年"
    entry = AuditEntry.get(AuditEntry.action == "archive.retention")
    assert json.loads(entry.summary) == {"from": "30y", "to": "10y", "reason": "短期保管"}


@pytest.mark.parametrize(("period", "reason", "error", "code"), [
    ("5y", "x", InvalidInput, "retention.invalid_period"),
    (None, "x", InvalidInput, "retention.invalid_period"),
    ("10y", "", InvalidInput, "retention.reason_required"),
    ("10y", "x" * 201, InvalidInput, "retention.reason_required"),
    ("10y", "短期\x1b保管", InvalidInput, "retention.reason_required"),
    ("30y", "x", Conflict, "retention.unchanged"),
])
def test_r23_bad_period_change_is_refused_and_nothing_changes(world, period, reason, error, code):
    no = world.received()["archive_no"]
    before = state()
    with pytest.raises(error) as refused:
        retention.set_period(world.arch, no, period, reason, now=NOW)
    assert refused.value.code == code
    with pytest.raises(Forbidden):
        retention.set_period(world.a, no, "10y", "x", now=NOW)
    with pytest.raises(NotFound):
        retention.set_period(world.arch, "XD-1999-9999", "10y", "x", now=NOW)
    assert state() == before


def test_r23_appraisal_lists_the_files_whose_period_ends_by_the_year(world):
    old = filed(world, 2014)             # ends 2024-12-31
    this_year = filed(world, 2016)       # ends 2026-12-31
    filed(world, 2017)                   # ends 2027-12-31
    filed(world, 2014, "permanent")      # never
    voided = filed(world, 2013)
    ledgers.void(world.arch, voided, "编号错误", now=NOW)
    assert [i["archive_no"] for i in retention.appraisal(world.arch, 2024, now=NOW)["items"]] == [old]
    due = retention.appraisal(world.approver, "2026", now=NOW)["items"]
    assert [(i["archive_no"], i["expired"]) for i in due] == [(old, True), (this_year, False)]
    for bad in ("1999", "20x6", None, 2100):
        with pytest.raises(InvalidInput) as refused:
            retention.appraisal(world.arch, bad, now=NOW)
        assert refused.value.code == "appraisal.invalid_year"
    with pytest.raises(Forbidden):
        retention.appraisal(world.a, 2026, now=NOW)


def test_r23_appraisal_costs_the_same_statements_for_1_and_50_files(world):
    def cost():
        with count_statements() as log:
            page = retention.appraisal(world.arch, 2026, limit=100, now=NOW)
        return len(log), len(page["items"])

    disposals.create(world.arch, [filed(world, 2014)], "保管期满", now=NOW)
    one = cost()
    for _ in range(49):
        filed(world, 2015)
    assert cost() == (one[0], 50)


def test_r23_a_file_past_its_period_is_appraised_approved_and_destroyed_keeping_its_ledger_row(world, store):
    no = filed(world, 2014)
    listed = disposals.create(world.arch, [no], "保管期满", now=NOW)
    assert listed["state"] == "pending" and listed["entries"][0]["period_end"] == "2024-12-31"
    assert retention.appraisal(world.arch, 2024, now=NOW)["items"][0]["disposal_id"] == listed["id"]
    approved = disposals.decide(world.approver, listed["id"], True, "同意销毁", now=NOW)
    assert approved["state"] == "approved" and approved["decided_by"] == "sun" and not approved["remove_scans"]
    done = disposals.destroy(world.arch, listed["id"], store=store, now=NOW)
    assert done["state"] == "destroyed" and done["destroyed_by"] == "li"
    row = ledgers.get_archive(world.arch, no, now=NOW)
    assert row["status"] == "destroyed" and row["archive_no"] == no and row["status_name"] == "已销毁"
    assert [r["archive_no"] for r in archive_ledger.page(world.arch, status="destroyed")["items"]] == [no]
    assert AuditEntry.select().where(AuditEntry.action == "archive.destroy", AuditEntry.object_id == no).exists()
    assert retention.appraisal(world.arch, 2024, now=NOW)["items"] == []


def test_r23_scans_are_kept_or_removed_as_the_approval_says(world, store):
    kept, removed = filed(world, 2014), filed(world, 2013)
    scans = {}
    for no in (kept, removed):
        up = scan_service.upload(world.arch, no, io.BytesIO(scanfiles.pdf(30 if no == kept else 31)),
                                 filename="s.pdf", store=store, now=NOW)
        scans[no] = up
        os.utime(store.path(up["sha256"]), (NOW.timestamp() - 7200, NOW.timestamp() - 7200))
    for no, remove in ((kept, False), (removed, True)):
        d = disposals.create(world.arch, [no], "保管期满", now=NOW)
        disposals.decide(world.approver, d["id"], True, remove_scans=remove, now=NOW)
        disposals.destroy(world.arch, d["id"], store=store, now=NOW)
    assert store.path(scans[kept]["sha256"]).exists()
    assert not store.path(scans[removed]["sha256"]).exists()
    gone = ScanFile.get_by_id(scans[removed]["id"])
    assert gone.removed_at is not None  # the row stays, saying when its content went
    with pytest.raises(NotFound) as refused:
        scan_service.download(world.arch, gone.id, store=store, now=NOW)
    assert refused.value.code == "scan.removed"
    entry = AuditEntry.get(AuditEntry.action == "archive.destroy", AuditEntry.object_id == removed)
    summary = json.loads(entry.summary)
    assert summary["scans_removed"] == [gone.id]
    with pytest.raises(Conflict) as upload:
        scan_service.upload(world.arch, removed, io.BytesIO(scanfiles.pdf(1)), filename="s.pdf", store=store, now=NOW)
    assert upload.value.code == "archive.destroyed"


def test_r23_an_approver_cannot_approve_their_own_disposal_list(world, make_actor):
    both = make_actor("zhou", "archivist", "approver")
    listed = disposals.create(both, [filed(world, 2014)], "保管期满", now=NOW)
    before = state()
    with pytest.raises(Conflict) as refused:
        disposals.decide(both, listed["id"], True, now=NOW)
    assert refused.value.code == "disposal.own_list"
    with pytest.raises(Forbidden):
        disposals.decide(world.arch, listed["id"], True, now=NOW)
    assert state() == before


def test_r23_destruction_needs_an_approved_list_and_an_ended_period(world, store):
    not_ended = disposals.create(world.arch, [filed(world, 2016)], "年度鉴定", now=NOW)
    pending = disposals.create(world.arch, [filed(world, 2014)], "保管期满", now=NOW)
    rejected = disposals.create(world.arch, [filed(world, 2013)], "保管期满", now=NOW)
    disposals.decide(world.approver, rejected["id"], False, "仍需保留", now=NOW)
    disposals.decide(world.approver, not_ended["id"], True, now=NOW)
    before = state()
    for listed, code in ((pending, "disposal.not_approved"), (rejected, "disposal.not_approved"),
                         (not_ended, "disposal.not_destroyable")):
        with pytest.raises(Conflict) as refused:
            disposals.destroy(world.arch, listed["id"], store=store, now=NOW)
        assert refused.value.code == code
    with pytest.raises(Conflict) as again:
        disposals.decide(world.approver2, rejected["id"], True, now=NOW)
    assert again.value.code == "disposal.already_decided"
    with pytest.raises(Forbidden):
        disposals.destroy(world.approver, not_ended["id"], store=store, now=NOW)
    assert state() == before


def test_r23_a_file_whose_period_became_permanent_after_approval_is_not_destroyed(world, store):
    no = filed(world, 2014)
    listed = disposals.create(world.arch, [no], "保管期满", now=NOW)
    disposals.decide(world.approver, listed["id"], True, now=NOW)
    retention.set_period(world.arch, no, "permanent", "涉诉,永久保存", now=NOW)
    before = state()
    with pytest.raises(Conflict) as refused:
        disposals.destroy(world.arch, listed["id"], store=store, now=NOW)
    assert refused.value.code == "disposal.not_destroyable" and no in refused.value.details["refused"]
    assert state() == before


def test_r23_destroying_twice_is_refused(world, store):
    listed = disposals.create(world.arch, [filed(world, 2014)], "保管期满", now=NOW)
    disposals.decide(world.approver, listed["id"], True, now=NOW)
    disposals.destroy(world.arch, listed["id"], store=store, now=NOW)
    before = state()
    with pytest.raises(Conflict) as refused:
        disposals.destroy(world.arch, listed["id"], store=store, now=NOW)
    assert refused.value.code == "disposal.already_destroyed"
    assert state() == before


def test_r23_bad_disposal_lists_are_refused_and_nothing_changes(world):
    due, later, permanent = filed(world, 2014), filed(world, 2017), filed(world, 2014, "permanent")
    disposals.create(world.arch, [due], "保管期满", now=NOW)
    other = filed(world, 2013)
    before = state()
    cases = [([], "x", InvalidInput, "disposal.invalid_archive_nos"),
             ("XD", "x", InvalidInput, "disposal.invalid_archive_nos"),
             ([other, other], "x", InvalidInput, "disposal.duplicate_archive_no"),
             ([other], "", InvalidInput, "disposal.reason_required"),
             ([other], "a\x00b", InvalidInput, "disposal.reason_required"),
             ([other, "XD-1999-0001"], "x", InvalidInput, "disposal.unknown_archive"),
             ([other, later], "x", Conflict, "disposal.not_due"),
             ([permanent], "x", Conflict, "disposal.not_due"),
             ([other, due], "x", Conflict, "disposal.already_listed")]
    for numbers, reason, error, code in cases:
        with pytest.raises(error) as refused:
            disposals.create(world.arch, numbers, reason, now=NOW)
        assert refused.value.code == code, (numbers, reason)
    with pytest.raises(Forbidden):
        disposals.create(world.approver, [other], "x", now=NOW)
    assert state() == before


def test_r23_disposal_list_pdf_and_the_list_of_lists(world, poppler, tmp_path, store):
    no = filed(world, 2014)
    listed = disposals.create(world.arch, [no], "保管期满", now=NOW)
    disposals.decide(world.approver, listed["id"], True, "同意", now=NOW)
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(disposals.printable(world.arch, listed["id"], "http://x/disposals/1", now=NOW))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "档案销毁清单" in text and no in text and "监销人" in text and "2024-12-31" in text
    assert [d["state"] for d in disposals.find(world.approver)["items"]] == ["approved"]
    with pytest.raises(InvalidInput):
        disposals.find(world.arch, state="gone")


def test_r23_a_file_out_on_loan_is_not_destroyed_until_it_comes_back(world, store):
    no = filed(world, 2014)
    loan = loans.request(world.a, object=no, purpose="贷后检查", days=5, now=NOW)
    loans.decide(world.approver2, loan["id"], True, now=NOW)
    loan_desk.checkout(world.arch, loan["id"], no, now=NOW)
    listed = disposals.create(world.arch, [no], "保管期满", now=NOW)
    disposals.decide(world.approver, listed["id"], True, now=NOW)
    before = state()
    with pytest.raises(Conflict) as refused:
        disposals.destroy(world.arch, listed["id"], store=store, now=NOW)
    assert refused.value.code == "disposal.file_on_loan" and refused.value.details["loans"] == {no: loan["id"]}
    assert no in refused.value.message
    assert state() == before and Loan.get_by_id(loan["id"]).state == "out"
    loan_desk.return_loan(world.arch, loan["id"], no, PAGES, now=NOW)
    assert disposals.destroy(world.arch, listed["id"], store=store, now=NOW)["state"] == "destroyed"
