"""The first released schema: accounts, tokens, audit trail, calendar overrides, settings."""


def apply(db):
    """Nothing to migrate: version 1 is the baseline every database starts from."""
