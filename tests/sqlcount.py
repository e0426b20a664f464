"""Counting the SQL statements a call runs, on whichever engine the database proxy is bound to."""
from contextlib import contextmanager

from archive_service.db import database
from archive_service.services.accounts import token_cache


class StatementLog(list):
    """The statements run inside `count_statements()`; `len()` is the count."""

    def __str__(self):
        return "\n".join(self)


@contextmanager
def count_statements():
    """`with count_statements() as log: ...` -> every statement the bound database executed. Bearer
    tokens are checked in the database inside the block (the process's token cache starts empty),
    so a first and a second call count alike."""
    token_cache.OWNERS.clear()
    db = database.obj
    original = db.execute_sql
    log = StatementLog()

    def counting(sql, params=None, *args, **kwargs):
        log.append(sql)
        return original(sql, params, *args, **kwargs)

    db.execute_sql = counting
    try:
        yield log
    finally:
        del db.execute_sql
