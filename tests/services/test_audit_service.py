"""The audit trail (R19): every change appends an entry in its transaction; tampering is found."""
from datetime import timedelta

import pytest

from archive_service.db import database, transaction
from archive_service.domain.errors import Forbidden
from archive_service.models import AuditEntry
from archive_service.services.platform import audit
from tests.conftest import NOW
from tests.sqlcount import count_statements


def write_entries(actor, n):
    for i in range(n):
        with transaction():
            audit.record(actor, "test.change", "thing", i, {"n": i}, now=NOW + timedelta(seconds=i))


def test_r19_a_change_appends_an_entry_with_actor_and_client(admin, make_actor):
    make_actor("li", "archivist")
    entry = AuditEntry.select().where(AuditEntry.object_id == "li").get()
    assert entry.action == "user.create"
    assert entry.actor is None  # created from the command line on the server
    assert audit.verify_chain() == {"ok": True, "entries": 2, "first_bad": None}


def test_r19_entry_rolled_back_with_its_change(admin):
    before = AuditEntry.select().count()
    with pytest.raises(RuntimeError), transaction():
        audit.record(admin, "test.change", "thing", 1, now=NOW)
        raise RuntimeError("the change failed")
    assert AuditEntry.select().count() == before
    assert audit.verify_chain()["ok"]


def test_r19_sql_edit_is_detected(admin):
    write_entries(admin, 3)
    target = AuditEntry.select().order_by(AuditEntry.id)[2]
    database.execute_sql(f"UPDATE audit_entry SET summary = '{{\"n\": 99}}' WHERE id = {target.id}")
    result = audit.verify_chain()
    assert result["ok"] is False
    assert result["first_bad"] == {"id": target.id, "reason": "edited"}


def test_r19_sql_delete_is_detected(admin):
    write_entries(admin, 3)
    victim = AuditEntry.select().order_by(AuditEntry.id)[1].id
    database.execute_sql(f"DELETE FROM audit_entry WHERE id = {victim}")
    assert audit.verify_chain()["first_bad"] == {"id": victim, "reason": "missing"}


def test_r19_sql_delete_of_the_newest_entry_is_detected(admin):
    write_entries(admin, 2)
    newest = AuditEntry.select().order_by(AuditEntry.id.desc()).first().id
    database.execute_sql(f"DELETE FROM audit_entry WHERE id = {newest}")
    assert audit.verify_chain()["first_bad"] == {"id": newest, "reason": "missing"}


def test_r19_sql_insert_is_detected(admin):
    write_entries(admin, 2)
    last = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    AuditEntry.insert(id=last.id + 1, at=last.at, actor="intruder", action="user.create", object_type="user",
                      object_id="x", summary="{}", client_addr="", prev_hash=last.hash, hash="f" * 64).execute()
    assert audit.verify_chain()["first_bad"] == {"id": last.id + 1, "reason": "edited"}


def test_r19_reading_the_log_is_itself_audited_and_needs_the_role(admin, make_actor):
    auditor = make_actor("zhou", "auditor")
    page = audit.search(auditor, action="user.", now=NOW)
    assert [e["object_id"] for e in page["items"]] == ["zhou", "admin"]
    assert AuditEntry.select().where(AuditEntry.action == "audit.read").count() == 1
    with pytest.raises(Forbidden):
        audit.search(make_actor("zhang", "manager"), now=NOW)


def test_audit_log_pages_with_a_cursor(admin):
    write_entries(admin, 5)
    first = audit.search(admin, action="test.", limit=2, now=NOW)
    second = audit.search(admin, action="test.", limit=2, cursor=first["next_cursor"], now=NOW)
    ids = [e["id"] for e in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 4


def test_r19_a_view_checks_only_the_entries_after_the_verified_checkpoint(admin):
    write_entries(admin, 3)
    assert audit.verify_chain()["ok"]
    checkpoint = AuditEntry.select().order_by(AuditEntry.id.desc()).first().id
    write_entries(admin, 2)
    with count_statements() as log:
        result = audit.verify_since_checkpoint()
    assert result == {"ok": True, "first_bad": None, "entries": checkpoint + 2, "verified_from": checkpoint}
    read = next(sql for sql in log if '"audit_entry"' in sql)
    assert '"id" >' in read  # the entries up to the checkpoint are not read again
    assert len(log) == 2  # the head with the new entries, then the checkpoint moved on
    assert audit.verify_since_checkpoint()["verified_from"] == checkpoint + 2


def test_r19_an_edit_after_the_checkpoint_is_found_by_the_view_and_the_checkpoint_stays(admin):
    write_entries(admin, 2)
    audit.verify_chain()
    checkpoint = AuditEntry.select().order_by(AuditEntry.id.desc()).first().id
    write_entries(admin, 2)
    database.execute_sql(f"UPDATE audit_entry SET actor = 'someone' WHERE id = {checkpoint + 2}")
    assert audit.verify_since_checkpoint()["first_bad"] == {"id": checkpoint + 2, "reason": "edited"}
    assert audit.verify_since_checkpoint()["verified_from"] == checkpoint


def test_r19_an_edit_before_the_checkpoint_is_left_to_the_full_check(admin):
    write_entries(admin, 2)
    audit.verify_chain()
    database.execute_sql("UPDATE audit_entry SET actor = 'someone' WHERE id = 1")
    assert audit.verify_since_checkpoint()["ok"] is True
    assert audit.verify_chain()["first_bad"] == {"id": 1, "reason": "edited"}


def test_r19_the_page_check_needs_the_role(make_actor):
    with pytest.raises(Forbidden):
        audit.verify_recent(make_actor("zhang", "manager"))
