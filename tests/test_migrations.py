"""Real migrations: a database built by the migration steps has exactly the schema the models
describe, and a first-release database with data in it upgrades to the newest version keeping it."""
from contextlib import ExitStack
from datetime import date
from decimal import Decimal

import pytest

from archive_service import migrations, models
from archive_service.db import bind, database
from archive_service.migrations import m0001_first_release
from archive_service.services.accounts import users
from archive_service.services.ledgers import archive_ledger
from tests.conftest import NOW, PG_URL, new_pg_schema
from tests.schema import describe, differences


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_urls(request, tmp_path):
    """empty_urls(n) -> n URLs of empty databases on one engine."""
    with ExitStack() as stack:
        def make(n):
            if request.param == "sqlite":
                return [f"sqlite:///{tmp_path}/db{i}.db" for i in range(n)]
            if not PG_URL:
                pytest.skip("TEST_DATABASE_URL is not set")
            return [stack.enter_context(new_pg_schema()) for _ in range(n)]
        yield make


def schema_of(url, build):
    bind(url)
    with database.connection_context():
        build()
        return describe()


def test_migrated_schema_equals_the_models_schema(empty_urls):
    migrated_url, modelled_url = empty_urls(2)
    migrated = schema_of(migrated_url, migrations.upgrade)
    modelled = schema_of(modelled_url, lambda: database.create_tables(models.ALL_MODELS))
    assert set(migrated) == {m._meta.table_name for m in models.ALL_MODELS}
    assert differences(migrated, modelled) == []


def test_schema_comparison_sees_a_missing_index(empty_urls):
    """The comparison is not blind: dropping one index makes the schemas differ."""
    first, second = empty_urls(2)
    whole = schema_of(first, lambda: database.create_tables(models.ALL_MODELS))

    def without_index():
        database.create_tables(models.ALL_MODELS)
        database.execute_sql('DROP INDEX "archive_file_year"')

    assert differences(whole, schema_of(second, without_index)) == [
        "archive_file indexes: only in the first "
        "[('archive_file_year', ('year',), False, None)], only in the second []"]


def test_a_new_database_runs_every_step_and_then_has_nothing_to_do(empty_urls):
    (url,) = empty_urls(1)
    bind(url)
    with database.connection_context():
        assert migrations.upgrade() == [name for _number, name, _module in migrations.available()]
        assert migrations.current_version() == migrations.available()[-1][0]
        assert migrations.upgrade() == []


def write_first_release_data():
    """A received archive file as the first release stored it, written through its frozen tables."""
    t = {m.__name__: m for m in m0001_first_release.tables(database)}
    at = NOW.replace(tzinfo=None)
    a, b, arch = (t["User"].create(username=u, display_name=u, password_hash="x", roles_text=r, created_at=at)
                  for u, r in (("a", "manager"), ("b", "manager"), ("arch", "archivist")))
    customer = t["Customer"].create(name="张三", kind="person", id_number="110101199001011234",
                                    created_by="arch", created_at=at)
    project = t["Project"].create(code="P-1", customer=customer, business="loan", title="流动资金贷款",
                                  amount=Decimal("100000.00"), a_user=a, b_user=b, ended_on=date(2026, 9, 30),
                                  created_by="arch", created_at=at)
    handover = t["Handover"].create(project=project, state="received", created_at=at, received_at=at)
    t["HandoverItem"].create(handover=handover, part=1, position=0, title="借款合同", pages=3, contract=True,
                             number="XD-2026-0001-1-01", contract_number="XD-2026-0001-HT01")
    sig = {role: t["Signature"].create(handover=handover, role=role, user=user, signed_at=at, content_hash="h",
                                       content="[]") for role, user in (("B", b), ("archivist", arch))}
    room = t["Location"].create(code="R1", name="一号档案室", level="room", created_at=at)
    archive = t["ArchiveFile"].create(archive_no="XD-2026-0001", series="XD-2026", seq=1, handover=handover,
                                      project=project, business="loan", year=2026, location=room, received_by=arch,
                                      received_at=at)
    t["RegisterEntry"].create(archive=archive, day=date(2026, 10, 9), file_name="张三 流动资金贷款",
                              handed_over_by=b, received_by=arch, handed_over_signature=sig["B"],
                              received_signature=sig["archivist"], at=at)


def test_a_first_release_database_with_data_upgrades_and_keeps_it(empty_urls):
    url, modelled_url = empty_urls(2)
    bind(url)
    with database.connection_context():
        assert migrations.upgrade(to=1) == ["m0001_first_release"]
        write_first_release_data()
        later = [name for number, name, _module in migrations.available() if number > 1]
        assert migrations.upgrade() == later
        upgraded = describe()
        archivist = users.actor_of(models.User.get(models.User.username == "arch"), "127.0.0.1")
        page = archive_ledger.page(archivist)
        assert [(r["archive_no"], r["customer_name"], r["location"]) for r in page["items"]] == [
            ("XD-2026-0001", "张三", "R1")]
        assert models.HandoverItem.get().contract_number == "XD-2026-0001-HT01"
    modelled = schema_of(modelled_url, lambda: database.create_tables(models.ALL_MODELS))
    assert differences(upgraded, modelled) == []
