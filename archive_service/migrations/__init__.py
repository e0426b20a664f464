"""Versioned, forward-only schema migrations.

A new, empty database gets every table straight from the models and is stamped with the newest
version (the models are the schema of the newest version). An existing database gets the
migrations newer than its stamp, in order, each in its own transaction. A change to the models
therefore always comes with a module `mNNNN_<what>.py` here whose `apply(db)` brings an existing
database to the same shape (with `playhouse.migrate`), and a test that both paths agree.
"""
import importlib
import pkgutil
from datetime import UTC, datetime

from peewee import CharField, DateTimeField, IntegerField, Model

from .. import models
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


def upgrade():
    """Bring the bound database to the newest version; returns the names of the steps applied."""
    steps = available()
    version = current_version()
    if version is None:
        return _create_fresh(steps)
    applied = []
    for number, name, module in steps:
        if number > version:
            with transaction():
                module.apply(database)
                _stamp(number, name)
            applied.append(name)
    return applied


def _create_fresh(steps):
    with transaction():
        database.create_tables([SchemaVersion, *models.ALL_MODELS])
        for number, name, _ in steps:
            _stamp(number, name)
    return ["create all tables"]


def _stamp(number, name):
    SchemaVersion.create(version=number, name=name, applied_at=datetime.now(UTC))
