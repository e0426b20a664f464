"""Workloads of `archive-service bench`: each one measured against a raw baseline in the same run."""
from . import database
from .report import format_result
from .workloads import workloads_for
from .world import postgres_url


def run(scale, report=print, postgres=None):
    """Run every workload at `scale` ("small", "medium" or "full"); returns their results as dicts.
    The database workloads run on SQLite, and on PostgreSQL too when `postgres` (or DATABASE_URL)
    names a server: each in a scratch database or schema that is dropped afterwards."""
    results = []
    for workload in workloads_for(scale):
        result = workload(scale)
        report(format_result(result))
        results.append(result)
    pg = postgres_url(postgres)
    engines = ["sqlite", "postgresql"] if pg else ["sqlite"]
    results += database.run(scale, engines, pg, report=report)
    return results

