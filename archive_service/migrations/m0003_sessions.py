"""Sessions that end when they should (issue 9): a session version on every user, and sign-in
failures counted per username and client address instead of per account.

Frozen copies of the tables as this step creates them; the live models may change later."""
from peewee import CharField, DateTimeField, IntegerField, Model


def apply(db):
    class LoginThrottle(Model):
        username = CharField(max_length=64)
        client_addr = CharField(max_length=64)
        failures = IntegerField(default=0)
        locked_until = DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            indexes = ((("username", "client_addr"), True),)

    # NOT NULL with a database default in one statement: SQLite needs no table rebuild (which the
    # foreign keys onto app_user would refuse), and every existing session starts at version 0.
    db.execute_sql("ALTER TABLE app_user ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0")
    for column in ("failed_logins", "locked_until"):  # the per-account lockout this step replaces
        db.execute_sql(f"ALTER TABLE app_user DROP COLUMN {column}")
    db.create_tables([LoginThrottle])
