"""The world the custody state machine starts from, fresh for every example: people with
overlapping roles, a room and a safe (one shelf of it inside the room), projects, two received
files (one past its retention period), certificate lists (two stored, one waiting for B) and
four loans approved and ready to go out (a file, two certificates, one of an executive's).
Also: emptying the database between examples, and a backup restored into an empty instance."""
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest
from peewee import AutoField

from archive_service.adapters import scan_store as store_module
from archive_service.db import bind, database, is_postgres
from archive_service.domain import invariants as inv
from archive_service.domain.errors import ArchiveError
from archive_service.models import ALL_MODELS, AuditEntry, Certificate, Location
from archive_service.ops import backup
from archive_service.services.accounts import users
from archive_service.services.archive import locations, receipt
from archive_service.services.custody import certificate_lists
from archive_service.services.handover import customers, handovers
from archive_service.services.loans import loans
from archive_service.services.platform import audit
from archive_service.services.retention import retention
from tests.conftest import NOW, PASSWORD, PG_URL
from tests.services.handover_world import ITEMS

# username: roles. Overlaps on purpose: the custodian who approves, the archivist who keeps the
# safe, the manager who is an executive (R17's exemption).
PEOPLE = {"admin": ("admin",), "arch": ("archivist",), "archcus": ("archivist", "custodian"),
          "cusappr": ("custodian", "approver"), "mgrexec": ("manager", "executive"), "m1": ("manager",),
          "m2": ("manager",), "m3": ("manager",), "appr": ("approver",), "boss": ("executive",)}
STAFF = tuple(name for name in PEOPLE if name != "admin")
# code: (name, parent, safe). R1-S01 is a safe standing in the room (issue 20 finding 12).
PLACES = {"R1": ("一号档案室", None, False), "S9": ("保险柜", None, True), "S9-A": ("上层", "S9", True),
          "S9-B": ("下层", "S9", True), "R1-S01": ("室内保险柜", "R1", True)}
SAFE_PLACES = tuple(code for code, (_, _, safe) in PLACES.items() if safe)
# code: (A, B, ended_on). P-1..P-3 list certificates; P-4 and P-5 are filed (P-5's period is over).
PROJECTS = {"P-1": ("m1", "m2", "2026-09-30"), "P-2": ("m2", "m3", "2026-09-30"),
            "P-3": ("mgrexec", "m1", "2026-09-30"), "P-4": ("m3", "mgrexec", "2026-09-30"),
            "P-5": ("m1", "m3", "2014-06-30")}
LIST_PROJECTS = ("P-1", "P-2", "P-3")
FILES = ("file:new", "file:old")


@dataclass
class Env:
    """Where one engine's run lives: its database and a folder for scans and backups."""

    url: str
    work: Path
    runs: list = field(default_factory=list)

    def fresh_name(self, prefix):
        self.runs.append(prefix)
        return self.work / f"{prefix}-{len(self.runs)}"

    @contextmanager
    def empty_instance(self):
        """(database url, scans folder) of an empty instance to restore into. On PostgreSQL a backup
        restores into a schema of the source's name: the source's schema steps aside (renamed) for
        an empty one of its name, and comes back afterwards."""
        scans = self.fresh_name("restored-scans")
        if not self.url.startswith("postgres"):
            yield f"sqlite:///{self.fresh_name('restored')}.db", scans
            return
        schema = self.url.partition("?")[2].split("%3D")[-1]
        admin = psycopg2.connect(PG_URL)
        admin.autocommit = True
        admin.cursor().execute(f"ALTER SCHEMA {schema} RENAME TO {schema}_source; CREATE SCHEMA {schema}")
        try:
            yield self.url, scans
        finally:
            admin.cursor().execute(f"DROP SCHEMA {schema} CASCADE; ALTER SCHEMA {schema}_source RENAME TO {schema}")
            admin.close()


@pytest.fixture
def custody_env(db, db_url, tmp_path):
    """An Env on each engine (db_url's parameters), connected."""
    return Env(db_url, tmp_path)


def empty_database():
    """Every row deleted, children first (DELETE is cheaper than TRUNCATE's new files on PostgreSQL)."""
    with database.atomic():
        for model in reversed(ALL_MODELS):
            if model is Location:  # a place goes before the place it stands in
                while Location.delete().where(Location.id.not_in(
                        Location.select(Location.parent).where(Location.parent.is_null(False)))).execute():
                    pass
            else:
                model.delete().execute()


def empty_store(root):
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    return store_module.ScanStore(root, max_bytes=10 * 1024 * 1024)


def actor(username):
    """The person as the service sees them now (roles as they stand), or None when they cannot sign in."""
    user = users.User.get(users.User.username == username)
    return users.actor_of(user) if user.active else None


class World:
    """Builds the starting world through the services (`build`) once per run; every example then
    starts from a copy of its rows (`fresh`), one transaction instead of forty."""

    _rows = None

    @classmethod
    def fresh(cls, env):
        """The starting world in an emptied database: built by the services the first time on
        this engine, copied back from its rows afterwards."""
        empty_database()
        if cls._rows is None or cls._rows[0] != env.url:
            world = cls()
            world.build()
            cls._rows = (env.url, {m: list(m.select().order_by(*m._meta.get_primary_keys()).dicts())
                                   for m in ALL_MODELS}, world.__dict__.copy())
            return world
        world = cls()
        world.__dict__.update(cls._rows[2])
        with database.atomic():
            for model in ALL_MODELS:  # parents before children, as the models are listed
                if cls._rows[1][model]:
                    model.insert_many(cls._rows[1][model]).execute()
            if is_postgres():
                _restart_sequences()
        return world

    def build(self):
        for name, roles in PEOPLE.items():
            users.create_user(None, username=name, password=PASSWORD, roles=list(roles), display_name=name, now=NOW)
        arch, keeper = actor("arch"), actor("archcus")
        self.customer_id = customers.create_customer(arch, name="李四商贸有限公司", kind="enterprise",
                                                     id_number="91110000MA00000000", now=NOW)["id"]
        for code, (name, parent, safe) in PLACES.items():
            locations.create_location(keeper if safe else arch, code=code, name=name, parent=parent, safe=safe,
                                      now=NOW)
        self.projects = {code: customers.create_project(
            arch, code=code, customer_id=self.customer_id, business="loan", title="流动资金贷款", amount="800000",
            a_user=a, b_user=b, ended_on=ended, now=NOW)["id"] for code, (a, b, ended) in PROJECTS.items()}
        self.files = {"file:new": self.receive("P-4"), "file:old": self.receive("P-5")}
        retention.set_period(arch, self.files["file:old"], "10y", "短期保管", now=NOW)
        self.numbers = 0
        stored = self.list_certificates("P-1", 2)
        self.check(stored, "m2")
        self.check(stored, "archcus", "S9-A")
        self.certificates = [c["id"] for c in stored["certificates"]]
        stored = self.list_certificates("P-3", 1)
        self.check(stored, "m1")
        self.check(stored, "cusappr", "R1-S01")
        self.certificates += [c["id"] for c in stored["certificates"]]
        self.certificates += [c["id"] for c in self.list_certificates("P-2", 1)["certificates"]]
        codes = [c.code for c in Certificate.select().order_by(Certificate.id)]
        self.loans = [self.approved_loan(who, obj, deciders) for who, obj, deciders in (
            ("m1", self.files["file:new"], ("appr",)), ("m2", codes[0], ("appr", "boss")),
            ("mgrexec", codes[2], ()), ("archcus", codes[1], ("cusappr", "boss")))]

    @staticmethod
    def approved_loan(who, obj, deciders):
        """A loan ready to go out: requested, and approved step by step by `deciders`."""
        loan = loans.request(actor(who), object=obj, purpose="贷后检查", days=3, now=NOW)
        for decider in deciders:
            loans.decide(actor(decider), loan["id"], True, "同意", now=NOW)
        return loan["id"]

    def receive(self, project):
        a, b = (actor(name) for name in PROJECTS[project][:2])
        draft = handovers.create(a, self.projects[project], ITEMS, now=NOW)
        handovers.submit(a, draft["id"], now=NOW)
        accepted = handovers.review(b, draft["id"], "accept", now=NOW)
        checks = [{"item_id": i["id"], "pages": i["pages"]} for i in accepted["items"]]
        return receipt.receive(actor("arch"), draft["id"], checks, "R1", now=NOW)["archive_no"]

    def entries(self, count):
        found = []
        for _ in range(count):
            self.numbers += 1
            found.append({"kind": "encumbrance", "name": "不动产登记证明", "number": f"沪(2026)第{self.numbers:07d}号",
                          "owner": "李四", "quantity": 1 + self.numbers % 2})
        return found

    def list_certificates(self, project, count, now=NOW):
        """The project's A lists `count` certificates."""
        a = actor(users.User.get_by_id(customers.Project.get_by_id(self.projects[project]).a_user_id).username)
        return certificate_lists.create(a, self.projects[project], self.entries(count), now=now)

    @staticmethod
    def check(view, who, place=None, *, correct=True, now=NOW):
        checks = [{"certificate_id": c["id"], "name": c["name"], "number": c["number"],
                   "quantity": c["quantity"] + (0 if correct else 1)} for c in view["certificates"]]
        return certificate_lists.confirm(actor(who), view["id"], checks, place, now=now)


def _restart_sequences():
    """After rows were copied in with their ids, each id sequence goes on after the largest."""
    for model in ALL_MODELS:
        key = model._meta.primary_key
        if isinstance(key, AutoField):
            table = model._meta.table_name
            database.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{key.column_name}'), "
                                 f'COALESCE(MAX("{key.column_name}"), 0) + 1, false) FROM "{table}"')


# ---- backup and restore ----------------------------------------------------------------------

def _counts():
    counts = {m.__name__: m.select().count() for m in ALL_MODELS}
    counts["AuditEntry"] -= AuditEntry.select().where(AuditEntry.action == "system.restore").count()
    counts.pop("AuditHead")
    return counts


def _disconnect():
    database.close()
    database.obj.close_all()


def backup_and_restore(env, store, *, now):
    """Back the instance up, restore it into an empty one and say what came back (RestoreCheck);
    the machine is connected to its own database again afterwards."""
    dest = env.fresh_name("backup")
    try:
        backup.backup(dest, database_url=env.url, store=store, now=now)
    except ArchiveError as refused:
        return inv.RestoreCheck(error=f"backup: {refused.code} {refused.message}")
    source_counts, source_scans = _counts(), frozenset(p.name for p in store.stored())
    _disconnect()
    try:
        with env.empty_instance() as (target_url, target_scans):
            bind(target_url)
            try:
                restored = store_module.ScanStore(target_scans, max_bytes=10 * 1024 * 1024)
                backup.restore(dest, database_url=target_url, store=restored, now=now)
                return inv.RestoreCheck(error=None, source_counts=source_counts, restored_counts=_counts(),
                                        source_scans=source_scans,
                                        restored_scans=frozenset(p.name for p in restored.stored()),
                                        audit_ok=audit.verify_chain()["ok"])
            except ArchiveError as refused:
                return inv.RestoreCheck(error=f"{refused.code} {refused.message}", source_counts=source_counts,
                                        source_scans=source_scans)
            finally:
                _disconnect()
    finally:
        bind(env.url)
        database.connect()
