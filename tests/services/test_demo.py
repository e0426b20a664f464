"""`serve --demo` loads accounts for every role and a few records, only into an empty database."""
from archive_service.domain.permissions import ROLES
from archive_service.models import ArchiveFile, Customer, Handover, User
from archive_service.ops import demo
from archive_service.services.accounts import users
from tests.conftest import NOW


def test_demo_loads_every_role_and_records_at_each_step(db):
    accounts = demo.load(NOW)
    assert {role for _, _, roles in accounts for role in roles} == set(ROLES)
    assert users.authenticate("archivist", demo.DEMO_PASSWORD, now=NOW).roles == ("archivist",)
    assert Customer.select().count() == len(demo.DEMO_CUSTOMERS)
    assert sorted(h.state for h in Handover.select()) == ["accepted", "draft", "received"]
    assert ArchiveFile.select().count() == 1


def test_demo_never_touches_a_database_with_users(make_actor):
    make_actor("li", "archivist")
    assert demo.load(NOW) == []
    assert User.select().count() == 1 and not Customer.select().exists()
