"""Versioned, forward-only schema migrations.

Every database, new or existing, is built by the same steps: the migrations newer than its stamp
(all of them for a new one), in order, each in its own transaction. `m0001` creates the first
release's tables from frozen copies; each later model change ships a step `mNNNN_<what>.py` whose
`apply(db)` (`db` is the bound peewee database) creates frozen copies of its new tables or alters existing ones with
`playhouse.migrate`. A migration never imports the live models. tests/test_migrations.py checks
that the migrated schema equals the one the models describe, on both engines.
"""
import importlib
import pkgutil
from datetime import UTC, datetime

from peewee import CharField, DateTimeField, IntegerField, Model

from ..db import database, transaction


class SchemaVersion(Model):
    version = IntegerField(primary_key=True)
    name = CharField(max_length=100)
    applied_at = DateTimeField()

    class Meta:
        database = database
        table_name = "schema_version"


def available():
    """(version, name, module) for every migration module, oldest first."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            found.append((int(info.name[1:5]), info.name, importlib.import_module(f"{__name__}.{info.name}")))
    return sorted(found, key=lambda m: m[0])


def current_version():
    if not database.table_exists(SchemaVersion._meta.table_name):
        return None
    newest = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return newest.version if newest else 0


def upgrade(to=None):
    """Bring the bound database to the newest version (or to version `to`); returns the names of
    the steps applied."""
    version = current_version()
    if version is None:
        database.create_tables([SchemaVersion])
        version = 0
    applied = []
    for number, name, module in available():
        if version < number <= (to or number):
            with transaction():
                module.apply(database.obj)
                _stamp(number, name)
            applied.append(name)
    return applied


def _stamp(number, name):
    SchemaVersion.create(version=number, name=name, applied_at=datetime.now(UTC))
