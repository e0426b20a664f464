"""Accounts: password hashing, lockout, deactivation, tokens."""
from datetime import timedelta

import pytest

from archive_service.domain.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated
from archive_service.models import ApiToken, AuditEntry, Certificate, User
from archive_service.services.accounts import token_cache, users
from archive_service.services.archive import receipt
from archive_service.services.people import departure
from tests.conftest import NOW, PASSWORD
from tests.services.certificate_world import World as CertificateWorld
from tests.services.handover_world import World


def test_password_is_stored_as_an_argon2id_hash(make_actor):
    make_actor("li", "archivist")
    stored = User.get(User.username == "li").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_login_locks_after_repeated_failures_without_revealing_it(make_actor):
    make_actor("li", "archivist")
    for _ in range(5):
        with pytest.raises(NotAuthenticated):
            users.authenticate("li", "wrong-password", now=NOW)
    with pytest.raises(NotAuthenticated) as locked:
        users.authenticate("li", PASSWORD, now=NOW + timedelta(minutes=1))
    with pytest.raises(NotAuthenticated) as unknown:
        users.authenticate("nobody", PASSWORD, now=NOW)
    assert locked.value.code == unknown.value.code and locked.value.message == unknown.value.message
    assert users.authenticate("li", PASSWORD, now=NOW + timedelta(minutes=16)).username == "li"


def test_deactivated_user_cannot_sign_in_or_use_a_token(admin, make_actor):
    li = make_actor("li", "archivist")
    token = users.issue_token(li, now=NOW)
    users.update_user(admin, "li", active=False, now=NOW)
    with pytest.raises(NotAuthenticated):
        users.authenticate("li", PASSWORD, now=NOW)
    with pytest.raises(NotAuthenticated):
        users.actor_for_token(token, now=NOW)


def test_tokens_are_stored_hashed_and_can_be_revoked(make_actor):
    li = make_actor("li", "archivist")
    token = users.issue_token(li, now=NOW)
    assert not ApiToken.select().where(ApiToken.token_hash == token).exists()
    assert users.actor_for_token(token, now=NOW).username == "li"
    users.revoke_token(li, token, now=NOW)
    with pytest.raises(NotAuthenticated) as refused:
        users.actor_for_token(token, now=NOW)
    assert refused.value.code == "auth.token_invalid"


def test_only_admins_manage_users(make_actor):
    manager = make_actor("zhang", "manager")
    with pytest.raises(Forbidden):
        users.create_user(manager, username="x1", password=PASSWORD, roles=["manager"], now=NOW)
    assert not User.select().where(User.username == "x1").exists()


@pytest.mark.parametrize("fields, code", [
    ({"username": "a b"}, "user.invalid_username"),
    ({"password": "short"}, "user.weak_password"),
    ({"roles": ["boss"]}, "user.unknown_role"),
    ({"roles": []}, "user.invalid_roles"),
])
def test_bad_new_user_is_refused_and_nothing_is_written(admin, fields, code):
    before = User.select().count(), AuditEntry.select().count()
    values = {"username": "newbie", "password": PASSWORD, "roles": ["manager"], **fields}
    with pytest.raises(InvalidInput) as refused:
        users.create_user(admin, now=NOW, **values)
    assert refused.value.code == code
    assert (User.select().count(), AuditEntry.select().count()) == before


def test_users_are_never_deleted_only_deactivated_and_edits_are_audited(admin, make_actor):
    make_actor("li", "archivist")
    view = users.update_user(admin, "li", display_name="李四", roles=["archivist", "custodian"], now=NOW)
    assert view["roles"] == ["archivist", "custodian"] and view["display_name"] == "李四"
    users.update_user(admin, "li", active=False, now=NOW)
    assert User.get(User.username == "li").active is False
    changes = AuditEntry.select().where(AuditEntry.action == "user.update").count()
    assert changes == 2


def test_r21_deactivation_refused_while_the_user_still_handles_a_project_open_or_filed(admin, make_actor):
    world = World(make_actor)
    handover = world.accepted()
    with pytest.raises(Conflict) as refused:
        users.update_user(admin, "wang", active=False, now=NOW)
    assert refused.value.code == "user.still_holds"
    assert [h["ref"] for h in refused.value.details["holdings"]] == ["P-1"]
    assert User.get(User.username == "wang").active is True
    receipt.receive(world.arch, handover["id"], world.checks(handover), "R1", now=NOW)
    with pytest.raises(Conflict) as filed:  # the B of a filed project still answers for it
        users.update_user(admin, "wang", active=False, now=NOW)
    assert [(h["ref"], h["filed"]) for h in filed.value.details["holdings"]] == [("P-1", True)]
    departure.transfer(admin, "wang", successor="zhao", now=NOW)
    assert users.update_user(admin, "wang", active=False, now=NOW)["active"] is False


def test_admin_cannot_deactivate_themself(admin):
    with pytest.raises(Conflict):
        users.update_user(admin, "admin", active=False, now=NOW)


def test_r19_a_revoked_token_and_a_deactivated_users_tokens_are_refused_at_once_in_this_process(db, admin):
    users.create_user(admin, username="wu", password=PASSWORD, roles=["manager"], now=NOW)
    wu = users.actor_of(users.User.get(users.User.username == "wu"))
    first, second = users.issue_token(wu, now=NOW), users.issue_token(wu, now=NOW)
    assert users.actor_for_token(first, now=NOW).username == "wu"
    assert token_cache.OWNERS.get(users._token_digest(first)) is not None  # answered from memory next time
    users.revoke_token(wu, first, now=NOW)
    with pytest.raises(NotAuthenticated):
        users.actor_for_token(first, now=NOW)
    assert users.actor_for_token(second, now=NOW).username == "wu"
    users.update_user(admin, "wu", active=False, now=NOW)
    with pytest.raises(NotAuthenticated):
        users.actor_for_token(second, now=NOW)


def test_a_cached_token_owner_is_read_again_after_the_recheck_time(monkeypatch):
    cache = token_cache.TokenCache(seconds=5)
    clock = [100.0]
    monkeypatch.setattr(token_cache.time, "monotonic", lambda: clock[0])
    cache.put("d", 7, ("row",))
    assert cache.get("d") == ("row",)
    clock[0] += 5.1
    assert cache.get("d") is None
    cache.put("d", 7, ("row",))
    cache.forget_user(7)
    assert cache.get("d") is None


# ---- R21 by role change: nothing is left without a holder ----

def roles_and_audit():
    return [(u.username, u.roles, u.active) for u in User.select().order_by(User.id)], AuditEntry.select().count()


def test_r21_last_custodian_role_cannot_be_removed_while_certificates_are_held(admin, make_actor):
    certs = CertificateWorld(make_actor)
    certs.stored()
    assert users.update_user(admin, "liu", roles=["archivist"], now=NOW)["roles"] == ["archivist"]  # chen keeps it
    before = roles_and_audit()
    with pytest.raises(Conflict) as refused:
        users.update_user(admin, "chen", roles=["archivist"], display_name="陈", now=NOW)
    assert refused.value.code == "user.still_holds" and "权证管理员" in refused.value.message
    assert [i["key"] for i in refused.value.details["holdings"]] == ["custody:safe"]
    assert roles_and_audit() == before
    # other roles may change while the custodian role stays
    assert users.update_user(admin, "chen", roles=["custodian"], now=NOW)["roles"] == ["custodian"]
    Certificate.update(status="on_loan").execute()  # on loan is still in the company's keeping
    with pytest.raises(Conflict):
        users.update_user(admin, "chen", roles=["manager"], now=NOW)
    users.update_user(admin, "liu", roles=["archivist", "custodian"], now=NOW)
    assert users.update_user(admin, "chen", roles=["manager"], now=NOW)["roles"] == ["manager"]


def test_r21_last_archivist_cannot_be_deactivated_or_lose_the_role_while_files_are_in_the_archive(admin, make_actor):
    world = World(make_actor)
    world.received()
    before = roles_and_audit()
    for change in ({"active": False}, {"roles": ["approver"]}):
        with pytest.raises(Conflict) as refused:
            users.update_user(admin, "li", now=NOW, **change)
        assert refused.value.code == "user.still_holds"
        assert [i["key"] for i in refused.value.details["holdings"]] == ["custody:archive"]
        assert roles_and_audit() == before
    make_actor("xu", "approver")
    done = departure.transfer(admin, "li", successor="xu", now=NOW)
    assert [i["key"] for i in done["items"]] == ["custody:archive"]
    assert User.get(User.username == "xu").roles == ["approver", "archivist"]
    assert users.update_user(admin, "li", active=False, now=NOW)["active"] is False


def test_r21_a_managers_role_cannot_be_removed_while_they_handle_projects(admin, make_actor):
    world = World(make_actor)
    world.received()
    before = roles_and_audit()
    with pytest.raises(Conflict) as refused:
        users.update_user(admin, "zhang", roles=["approver"], now=NOW)
    assert refused.value.code == "user.still_holds" and "客户经理" in refused.value.message
    assert [i["key"] for i in refused.value.details["holdings"]] == ["project:1:A"]
    assert roles_and_audit() == before
    assert users.update_user(admin, "zhang", roles=["manager", "approver"], now=NOW)["roles"] == \
        ["manager", "approver"]
    assert users.update_user(admin, "zhao", roles=["approver"], now=NOW)["roles"] == ["approver"]  # holds nothing
