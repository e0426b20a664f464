"""The overdue sweep: late loans (R17) and late handover steps (R10), escalation after three
working days, idempotent per object, recipient and day, a fixed number of statements."""
from datetime import date

import pytest

from archive_service.domain.errors import Forbidden, InvalidInput, NotFound
from archive_service.models import Alert, AuditEntry, Loan, OutboxMessage, Setting, User
from archive_service.services.alerts import alerts
from archive_service.services.handover import extensions, handovers
from archive_service.services.loans import loans
from archive_service.services.platform import calendar
from tests.conftest import NOW
from tests.loans.loan_world import LoanWorld, on_day, snapshot, sweep_on
from tests.sqlcount import count_statements


@pytest.fixture
def world(make_actor):
    return LoanWorld(make_actor)


def working_day(start, n):
    return calendar.current().add_working_days(start, n).due


def recipients(kind, obj=None):
    query = Alert.select().where(Alert.kind == kind)
    if obj:
        query = query.where(Alert.object == obj)
    return sorted((a.recipient.username, a.level) for a in query)


def test_r17_a_late_loan_alerts_the_borrower_once_a_day(world):
    loan = world.out()
    day = working_day(date.fromisoformat(loan["due"]), 1)
    first = sweep_on(day)
    assert recipients("loan_overdue") == [("qian", 1)]
    assert sweep_on(day) == {"created": 0, "as_of": day.isoformat()}
    assert recipients("loan_overdue") == [("qian", 1)]
    assert first["created"] == 2  # the borrower's alert and the archivist's daily digest
    assert recipients("digest") == [("li", 0)]


def test_r17_after_three_working_days_the_approver_and_the_archivist_are_told_too(world):
    loan = world.out()
    day = working_day(date.fromisoformat(loan["due"]), 3)
    sweep_on(day)
    assert recipients("loan_overdue") == [("li", 2), ("qian", 2), ("sun", 2)]


def test_a_loan_not_yet_due_raises_nothing(world):
    loan = world.out()
    assert sweep_on(date.fromisoformat(loan["due"]))["created"] == 0


def test_the_sweep_queues_e_mail_and_robot_messages_in_its_transaction(world):
    User.update(email="qian@example.com").where(User.username == "qian").execute()
    loan = world.out()
    OutboxMessage.delete().execute()
    sweep_on(working_day(date.fromisoformat(loan["due"]), 1))
    mails = [m.recipient for m in OutboxMessage.select().where(OutboxMessage.channel == "email")]
    assert mails == ["qian@example.com"]
    robots = sorted(m.channel for m in OutboxMessage.select().where(OutboxMessage.channel != "email"))
    assert robots == ["dingtalk", "dingtalk", "wecom", "wecom"]  # the overdue notice and the digest


def test_r10_late_a_then_late_b_are_swept(world):
    project = world.project(ended_on="2026-09-01")
    a_due = date.fromisoformat(project["deadlines"]["a_to_b"]["due"])
    sweep_on(working_day(a_due, 1))
    assert recipients("handover_late", project["code"]) == [("zhang", 1)]
    h = handovers.create(world.a, project["id"], [{"part": 1, "title": "审批表", "pages": 2}], now=NOW)
    handovers.submit(world.a, h["id"], now=NOW)
    b_due = working_day(date(2026, 10, 9), 2)  # B's two working days from A's submission (R10)
    sweep_on(b_due)
    assert ("wang", 1) not in recipients("handover_late", project["code"])
    sweep_on(working_day(b_due, 3))
    assert ("wang", 2) in recipients("handover_late", project["code"])
    assert ("sun", 2) in recipients("handover_late", project["code"])


def test_r10_an_approved_extension_moves_the_sweep(world):
    project = world.project(ended_on="2026-09-01")
    h = handovers.create(world.a, project["id"], [{"part": 1, "title": "审批表", "pages": 2}], now=NOW)
    ext = extensions.request(world.a, h["id"], step="a_to_b", until="2026-10-30", reason="客户补签", now=NOW)
    extensions.decide(world.approver, ext["id"], approve=True, note="同意", now=NOW)
    sweep_on(date(2026, 10, 29))
    assert recipients("handover_late", project["code"]) == []
    sweep_on(date(2026, 11, 2))
    assert recipients("handover_late", project["code"]) == [("zhang", 1)]


def test_received_handovers_are_not_late(world):
    sweep_on(date(2027, 6, 1))
    assert recipients("handover_late") == []  # the world's only project is received


def _late_loans(world, n):
    for i in range(n):
        Loan.create(borrower=world.borrower.id, object_kind="archive", object_code=f"X-{i}", purpose="p",
                    use="read", days=1, state="out", requested_at=NOW, due_on=date(2026, 10, 12),
                    out_key=f"archive:X-{i}")


def test_the_sweep_runs_a_fixed_number_of_statements(world):
    _late_loans(world, 1)
    with count_statements() as one:
        assert sweep_on(date(2026, 11, 2))["created"] > 0
    for _ in range(49):
        world.project(ended_on="2026-09-01")
    Loan.delete().where(Loan.object_code.startswith("X-")).execute()
    _late_loans(world, 50)
    with count_statements() as fifty:
        assert sweep_on(date(2026, 11, 3))["created"] > 100
    assert len(one) == len(fifty), f"{len(one)} vs {len(fifty)} statements"


def test_remind_now_tells_the_late_person_and_is_logged(world):
    loan = world.out()
    late = working_day(date.fromisoformat(loan["due"]), 1)
    sweep_on(late)
    done = alerts.remind(world.arch, world.file, now=on_day(late))
    assert done["reminded"] == 1
    assert recipients("reminder") == [("qian", 1)]
    assert AuditEntry.select().where(AuditEntry.action == "alerts.remind").count() == 1
    with pytest.raises(NotFound):
        alerts.remind(world.arch, "P-404", now=on_day(late))
    with pytest.raises(Forbidden):
        alerts.remind(world.borrower, world.file, now=on_day(late))


def overdue_ids(world, now):
    return [x["id"] for x in loans.find(world.arch, overdue=True, now=now)["items"]]


def test_r18_sweep_for_a_future_day_is_refused(world, make_actor):
    admin = make_actor("root", "admin")
    loan = world.out()
    before = snapshot() | {"settings": list(Setting.select(Setting.key, Setting.value).tuples())}
    with pytest.raises(InvalidInput) as refused:
        alerts.sweep(date(2099, 12, 31), now=NOW)
    assert refused.value.code == "alerts.future_day" and "as_of" in refused.value.errors
    with pytest.raises(InvalidInput):
        alerts.run_sweep(admin, "2026-10-10", now=NOW)  # tomorrow, by the service's clock
    assert snapshot() | {"settings": list(Setting.select(Setting.key, Setting.value).tuples())} == before
    assert alerts.sweep(date(2026, 10, 9), now=NOW)["as_of"] == "2026-10-09"  # today is fine
    assert overdue_ids(world, NOW) == [] and loans.get(world.borrower, loan["id"], now=NOW)["overdue"] is False


def test_r18_overdue_is_computed_from_today_not_the_last_sweep(world):
    loan = world.out()
    due = date.fromisoformat(loan["due"])
    late = working_day(due, 1)
    sweep_on(late)
    assert alerts.swept_day() == late
    assert overdue_ids(world, on_day(late)) == [loan["id"]]
    # the clock read before the sweep's day (the day swept is a fact, not "today")
    assert overdue_ids(world, on_day(due)) == []
    assert loans.get(world.borrower, loan["id"], now=on_day(due))["overdue"] is False
    assert alerts.overdue_now(world.arch, now=on_day(due))["items"] == []
    assert alerts.overdue_now(world.arch, now=on_day(due))["swept"] == late.isoformat()
    with pytest.raises(NotFound):
        alerts.remind(world.arch, world.file, now=on_day(due))
    # a sweep of an earlier day keeps the latest day swept, and "overdue" still follows today
    sweep_on(due)
    assert alerts.swept_day() == late
    assert [i["object"] for i in alerts.overdue_now(world.arch, now=on_day(late))["items"]] == [world.file]


def test_r18_a_day_an_older_version_left_in_the_sweep_lock_poisons_nothing(world):
    loan = world.out()
    Setting.create(key=alerts.SWEEP_LOCK, value="2099-12-31")  # main kept "the latest day swept" there
    assert overdue_ids(world, NOW) == [] and loans.get(world.borrower, loan["id"], now=NOW)["overdue"] is False
    assert alerts.swept_day() is None
    sweep_on(date(2026, 10, 9))
    assert alerts.swept_day() == date(2026, 10, 9) and overdue_ids(world, NOW) == []


def test_alerts_are_read_one_by_one(world):
    loan = world.out()
    sweep_on(working_day(date.fromisoformat(loan["due"]), 1))
    mine = alerts.mine(world.borrower, unread=True)["items"]
    assert mine and alerts.unread_count(world.borrower) == len(mine)
    assert alerts.mark_read(world.borrower, mine[0]["id"], now=NOW)["read"] is True
    assert alerts.unread_count(world.borrower) == len(mine) - 1
    with pytest.raises(NotFound):
        alerts.mark_read(world.arch, mine[1]["id"], now=NOW)  # someone else's alert
    assert alerts.mark_all_read(world.borrower, now=NOW)["read"] == len(mine) - 1
