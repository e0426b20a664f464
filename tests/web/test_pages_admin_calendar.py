"""The working-day calendar page: local overrides and confirmed years change the deadlines (R10)."""
from archive_service.db import database
from archive_service.models import AuditEntry, CalendarOverride, CalendarYear
from archive_service.services.platform import calendar
from tests.web.page_helpers import add_user, count, flashes, form_action, sign_in, submit


def next_working_day(day):
    with database.connection_context():
        return calendar.add_working_days(day, 1)


def as_admin(client):
    add_user("root", "admin")
    sign_in(client, "root")
    return client


def test_r10_a_holiday_entered_on_the_page_moves_the_deadline_and_removing_it_restores_it(client):
    # 2026-10-10 (Saturday) is a statutory make-up workday after the National Day holiday.
    assert next_working_day("2026-10-09") == {"date": "2026-10-10", "confirmed": True}
    as_admin(client)
    r = submit(client, "/admin/calendar?year=2026", form_action(client, "/admin/calendar?year=2026", "new-override"),
               {"date": "2026-10-10", "kind": "holiday", "note": "公司统一放假"})
    assert r.status_code == 302 and r.location == "/admin/calendar?year=2026"
    page = client.get(r.location).get_data(as_text=True)
    assert flashes(page) == ["已将 2026-10-10 设为节假日"]
    assert "公司统一放假" in page and 'formaction="/admin/calendar/days/2026-10-10/delete"' in page
    assert next_working_day("2026-10-09") == {"date": "2026-10-12", "confirmed": True}

    r = submit(client, "/admin/calendar?year=2026", "/admin/calendar/days/2026-10-10/delete", {})
    assert r.status_code == 302 and r.location == "/admin/calendar?year=2026"
    assert flashes(client.get(r.location).get_data(as_text=True)) == ["已删除 2026-10-10 的调整"]
    assert next_working_day("2026-10-09") == {"date": "2026-10-10", "confirmed": True}
    audited = count(AuditEntry)
    r = submit(client, "/admin/calendar?year=2026", "/admin/calendar/days/2026-10-10/delete", {})
    assert flashes(client.get(r.location).get_data(as_text=True)) == ["2026-10-10 没有调整,无需删除"]
    assert count(AuditEntry) == audited


def test_changing_an_override_from_its_row_form_updates_kind_and_note(client):
    as_admin(client)
    submit(client, "/admin/calendar?year=2026", "/admin/calendar/days",
           {"date": "2026-12-31", "kind": "holiday", "note": "年终盘点"})
    submit(client, "/admin/calendar?year=2026", "/admin/calendar/days",
           {"date": "2026-12-31", "kind": "workday", "note": "照常上班"})
    with database.connection_context():
        row = CalendarOverride.get()
        assert (row.kind, row.note, CalendarOverride.select().count()) == ("workday", "照常上班", 1)
    assert "调休上班" in client.get("/admin/calendar?year=2026").get_data(as_text=True)


def test_an_unconfirmed_year_asks_for_its_holidays_until_confirmed(client):
    as_admin(client)
    page = client.get("/admin/calendar?year=2027").get_data(as_text=True)
    assert "2027 年的节假日安排尚未确认" in page and 'id="confirm-year"' in page
    assert next_working_day("2027-03-01")["confirmed"] is False
    confirm = form_action(client, "/admin/calendar?year=2027", "confirm-year")
    r = submit(client, "/admin/calendar?year=2027", confirm, {})
    assert r.status_code == 302 and r.location == "/admin/calendar?year=2027"
    page = client.get(r.location).get_data(as_text=True)
    assert flashes(page) == ["已确认 2027 年的节假日安排"]
    assert "2027 年的节假日安排已确认" in page and 'id="confirm-year"' not in page
    assert next_working_day("2027-03-01")["confirmed"] is True


def test_invalid_override_is_flashed_on_the_calendar_and_changes_nothing(client):
    as_admin(client)
    before = count(CalendarOverride), count(AuditEntry)
    for data, reason in [({"date": "2026-13-01", "kind": "holiday"}, "日期格式错误,应为 YYYY-MM-DD:2026-13-01"),
                         ({"date": "2026-10-10", "kind": "weekend"}, "kind 必须是 holiday 或 workday"),
                         ({"date": "2026-10-10", "kind": "holiday", "note": "长" * 201}, "备注不能超过 200 字")]:
        r = submit(client, "/admin/calendar?year=2026", "/admin/calendar/days", data)
        assert r.status_code == 302 and r.location == "http://localhost/admin/calendar?year=2026"
        assert flashes(client.get("/admin/calendar?year=2026").get_data(as_text=True)) == [reason]
    assert (count(CalendarOverride), count(AuditEntry)) == before


def test_year_outside_the_supported_range_is_refused_in_chinese(client):
    as_admin(client)
    r = client.get("/admin/calendar?year=99999")
    assert r.status_code == 422 and "年份必须在 2000 到 2099 之间" in r.get_data(as_text=True)


def test_a_manager_may_look_but_not_change_the_calendar(client):
    add_user("zhang", "manager")
    sign_in(client, "zhang")
    page = client.get("/admin/calendar?year=2027").get_data(as_text=True)
    assert "尚未确认" in page and 'id="new-override"' not in page and 'id="confirm-year"' not in page
    before = count(CalendarOverride), count(CalendarYear), count(AuditEntry)
    assert submit(client, "/admin/calendar", "/admin/calendar/days",
                  {"date": "2026-10-10", "kind": "holiday"}).status_code == 403
    assert submit(client, "/admin/calendar", "/admin/calendar/years/2027/confirm", {}).status_code == 403
    assert (count(CalendarOverride), count(CalendarYear), count(AuditEntry)) == before


def test_calendar_forms_without_csrf_token_change_nothing(client):
    as_admin(client)
    before = count(CalendarOverride), count(CalendarYear), count(AuditEntry)
    assert submit(client, "/admin/calendar", "/admin/calendar/days", {"date": "2026-10-10", "kind": "holiday"},
                  token=False).status_code == 403
    assert submit(client, "/admin/calendar", "/admin/calendar/years/2027/confirm", {},
                  token=False).status_code == 403
    assert (count(CalendarOverride), count(CalendarYear), count(AuditEntry)) == before
