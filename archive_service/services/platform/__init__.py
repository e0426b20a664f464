"""What every capability may call: the audit trail, the working-day calendar, the code lookup
registry, notices and their outbox, the search index's writer. It imports no capability."""
