"""db.Compiled: a hot one-row query built into SQL once per database and run with new values."""
from archive_service.db import Compiled, is_sqlite
from archive_service.models import User
from tests.sqlcount import count_statements

BY_NAME = Compiled(lambda name: User.select(User.id, User.display_name).where(User.username == name).limit(1))


def test_compiled_query_answers_each_value_and_none_when_missing(make_actor):
    zhang, li = make_actor("zhang", display_name="张三"), make_actor("li", display_name="李四")
    with count_statements() as log:
        assert BY_NAME.first("zhang") == (zhang.id, "张三")
        assert BY_NAME.first("li") == (li.id, "李四")
        assert BY_NAME.first("nobody") is None
    assert len(log) == 3


def test_compiled_query_is_built_for_the_engine_it_runs_on(make_actor):
    """The SQL is kept per database: placeholders differ between SQLite (?) and PostgreSQL (%s)."""
    make_actor("wang", display_name="王五")
    with count_statements() as log:
        BY_NAME.first("wang")
    assert ("?" in log[0]) == is_sqlite()
