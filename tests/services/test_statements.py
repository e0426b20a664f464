"""db.Statement: a query built into SQL once per database and shape and run with new values."""
import pytest
from peewee import Value

from archive_service.db import Statement, is_sqlite
from archive_service.models import User
from tests.sqlcount import count_statements

BY_NAME = Statement(lambda m: User.select(User.id, User.display_name).where(User.username == m("name")).limit(1))


def test_a_statement_answers_each_value_and_none_when_missing(make_actor):
    zhang, li = make_actor("zhang", display_name="张三"), make_actor("li", display_name="李四")
    with count_statements() as log:
        assert BY_NAME.run(name="zhang").fetchone() == (zhang.id, "张三")
        assert BY_NAME.run(name="li").fetchone() == (li.id, "李四")
        assert BY_NAME.run(name="nobody").fetchone() is None
    assert len(log) == 3


def test_a_statement_is_built_for_the_engine_it_runs_on(make_actor):
    """The SQL is kept per database: placeholders differ between SQLite (?) and PostgreSQL (%s)."""
    make_actor("wang", display_name="王五")
    with count_statements() as log:
        BY_NAME.run(name="wang")
    assert ("?" in log[0]) == is_sqlite()


def test_a_statement_of_another_shape_is_built_apart_and_objects_come_back_as_the_query_gives_them(make_actor):
    make_actor("zhao", display_name="赵六")
    by_id_or_name = Statement(lambda m, by_id: User.select().where(
        User.id == Value(m("key")) if by_id else User.username == m("key")))
    found = by_id_or_name.objects(False, key="zhao")
    assert [u.display_name for u in found] == ["赵六"]
    assert [u.username for u in by_id_or_name.objects(True, key=found[0].id)] == ["zhao"]


def test_a_value_whose_mark_a_field_converted_is_refused_when_run(db):
    """An integer field turns a mark into a number (or fails): the mark must be wrapped in Value."""
    converted = Statement(lambda m: User.select().where(User.active == m("active")))
    with pytest.raises(RuntimeError, match="have no mark"):
        converted.run(active=True)
