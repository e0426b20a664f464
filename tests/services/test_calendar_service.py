"""Local calendar overrides entered by an admin win over the statutory data."""
import pytest

from archive_service.domain.errors import Forbidden, InvalidInput
from archive_service.models import AuditEntry, CalendarOverride
from archive_service.services.platform import calendar
from tests.conftest import NOW


def test_r10_override_moves_a_deadline_and_is_audited(admin):
    assert calendar.add_working_days("2026-09-30", 5)["date"] == "2026-10-13"
    calendar.set_override(admin, "2026-10-12", "holiday", "公司停电", now=NOW)
    assert calendar.add_working_days("2026-09-30", 5)["date"] == "2026-10-14"
    assert AuditEntry.select().where(AuditEntry.action == "calendar.override").count() == 1
    calendar.set_override(admin, "2026-10-12", "workday", now=NOW)
    assert calendar.add_working_days("2026-09-30", 5)["date"] == "2026-10-13"
    calendar.remove_override(admin, "2026-10-12", now=NOW)
    assert not CalendarOverride.select().exists()


def test_confirming_a_year_makes_its_deadlines_confirmed(admin):
    assert calendar.add_working_days("2027-03-01", 2) == {"date": "2027-03-03", "confirmed": False}
    calendar.set_override(admin, "2027-03-02", "holiday", "试例", now=NOW)
    calendar.confirm_year(admin, 2027, now=NOW)
    assert calendar.add_working_days("2027-03-01", 2) == {"date": "2027-03-04", "confirmed": True}


def test_admin_is_told_about_unconfirmed_years_ahead(admin):
    assert calendar.unconfirmed_years_ahead(NOW, horizon_days=120) == [2027]
    calendar.confirm_year(admin, 2027, now=NOW)
    assert calendar.unconfirmed_years_ahead(NOW, horizon_days=120) == []


def test_only_admins_edit_the_calendar(make_actor):
    with pytest.raises(Forbidden):
        calendar.set_override(make_actor("zhang", "manager"), "2026-10-12", "holiday", now=NOW)
    assert not CalendarOverride.select().exists()


@pytest.mark.parametrize("day, kind, code", [
    ("2026-02-30", "holiday", "request.invalid_date"),
    ("2026-10-12", "vacation", "calendar.invalid_kind"),
    ("1900-01-01", "holiday", "request.date_out_of_range"),
])
def test_bad_overrides_are_refused(admin, day, kind, code):
    with pytest.raises(InvalidInput) as refused:
        calendar.set_override(admin, day, kind, now=NOW)
    assert refused.value.code == code
    assert not CalendarOverride.select().exists()
