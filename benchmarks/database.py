"""The database workloads, on each engine: the service against raw SQL on the same scratch archive.

Timing is best-of-rounds with ours and raw alternating, so a busy machine slows both alike.
Over HTTP both sides are waitress apps in this process called over a keep-alive loopback
connection: the service (with its bearer token, sessions, JSON schemas) against a minimal Flask
route that runs the raw SQL."""
import secrets
import tempfile
import time
from contextlib import contextmanager
from urllib.parse import quote

from archive_service import create_app
from archive_service.db import database
from archive_service.services import lookup

from . import world as worlds
from .loopback import minimal_app, serving
from .report import format_result

SCALES = {
    "small": {"files": 2_000, "calls": 200, "pages": 20, "rounds": 3, "budget": 0.25},
    "medium": {"files": 100_000, "calls": 500, "pages": 50, "rounds": 5, "budget": 0.5},
    "full": {"files": 1_000_000, "calls": 1_000, "pages": 100, "rounds": 5, "budget": 1.0},
}
PAGE = 50

LOOKUP_SQL = "SELECT id, archive_no, status FROM archive_file WHERE archive_no = {p}"
LEDGER_SQL = (
    "SELECT a.id, a.archive_no, a.status, a.business, a.year, p.code, p.title, c.name, l.code, a.received_at"
    " FROM archive_file a JOIN project p ON p.id = a.project_id JOIN customer c ON c.id = p.customer_id"
    " LEFT JOIN location l ON l.id = a.location_id"
    " WHERE a.year = {p} AND a.business = {p} ORDER BY a.id DESC LIMIT {p}")


def run(scale, engines, postgres_url=None, report=print):
    """Every database workload on each engine in `engines`; results named `<workload>[<engine>]`."""
    results = []
    for engine in engines:
        with worlds.scratch_database(engine, postgres_url) as url, _service(url) as app:
            world = worlds.build(engine, url, SCALES[scale]["files"], report=report)
            for workload in WORKLOADS:
                result = _guarded(workload, world, app, SCALES[scale])
                result["name"] = f"{result['name']}[{engine}]"
                report(format_result(result))
                results.append(result)
            database.close()
    return results


def _guarded(workload, world, app, scale):
    """A workload that fails is reported as failed (no ratio), and the others still run."""
    try:
        return workload(world, app, scale)
    except Exception as error:  # any failure is this workload's result, reported
        return {"name": workload.__name__, "ratio": None, "error": f"{type(error).__name__}: {error}"[:300]}


@contextmanager
def _service(url):
    with tempfile.TemporaryDirectory(prefix="archive-bench-scans-") as scans:
        yield create_app({"DATABASE_URL": url, "ENV_NAME": "production", "SECRET_KEY": secrets.token_hex(24),
                          "SCANS_DIR": scans})


def _raw(sql, params):
    cursor = database.cursor()
    cursor.execute(sql.format(p=database.param), params)
    return cursor.fetchall()


def best_of(scale, ours, raw, count="calls"):
    """(ours, raw, calls): seconds per call, the best of the scale's rounds of alternating batches.
    A batch has the scale's number of calls, fewer when one of ours takes so long that a batch
    would pass the scale's budget of seconds."""
    start = time.perf_counter()
    ours(0)  # warm-up, and the measure of one call
    calls = max(3, min(scale[count], int(scale["budget"] / (time.perf_counter() - start))))
    best = [float("inf"), float("inf")]
    for _ in range(scale["rounds"]):
        for side, action in enumerate((ours, raw)):
            start = time.perf_counter()
            for i in range(calls):
                action(i)
            best[side] = min(best[side], (time.perf_counter() - start) / calls)
    return best[0], best[1], calls


def _figures(name, ours, raw, **more):
    return {"name": name, "ratio": round(ours / raw, 2), "ours_ms": round(ours * 1000, 3),
            "raw_ms": round(raw * 1000, 3), **more}


def lookup_call(world, _app, scale):
    """`lookup.resolve(code)` for archive numbers against the indexed SELECT it stands for."""
    codes = world.codes

    def raw(i):
        rows = _raw(LOOKUP_SQL, (codes[i % len(codes)],))
        return _lookup_answer(rows)

    def ours(i):
        return lookup.resolve(codes[i % len(codes)])

    _same(ours(0)["id"], raw(0)["id"], "lookup")
    t_ours, t_raw, calls = best_of(scale, ours, raw)
    return _figures("lookup_call", t_ours, t_raw, files=world.files, calls=calls)


def _lookup_answer(rows):
    if not rows:
        return None
    archive_id, archive_no, status = rows[0]
    return {"kind": "archive", "id": archive_id, "status": status, "url": f"/archives/{quote(archive_no)}"}


def lookup_http(world, app, scale):
    """GET /api/v1/lookup/{code} (bearer token) against a minimal route running the same SELECT."""
    codes = world.codes
    routes = [("/lookup/<code>", LOOKUP_SQL.format(p=database.param),
               lambda args, _query: (args["code"],), _lookup_answer)]
    with serving(app) as ours, serving(minimal_app(world.url, routes)) as raw:
        _sign_in(ours)
        first = [side.get(f"{prefix}{codes[0]}") for side, prefix in ((ours, "/api/v1/lookup/"), (raw, "/lookup/"))]
        _same(first[0], first[1], "lookup over HTTP", key="id")
        t_ours, t_raw, calls = best_of(scale, lambda i: ours.get(f"/api/v1/lookup/{codes[i % len(codes)]}"),
                                       lambda i: raw.get(f"/lookup/{codes[i % len(codes)]}"))
    return _figures("lookup_http", t_ours, t_raw, files=world.files, calls=calls)


def ledger_page_http(world, app, scale):
    """A 50-row page of the ledger filtered by year and business, over HTTP, with its statements."""
    query = f"year={world.filter['year']}&business={world.filter['business']}&limit={PAGE}"
    routes = [("/archives", LEDGER_SQL.format(p=database.param),
               lambda _args, q: (int(q["year"]), q["business"], int(q["limit"]) + 1), _ledger_answer)]
    with serving(app) as ours, serving(minimal_app(world.url, routes)) as raw:
        _sign_in(ours)
        with counting() as log:
            _, page = ours.get(f"/api/v1/archives?{query}")
        _, raw_page = raw.get(f"/archives?{query}")
        _same([r["id"] for r in page["items"]], [r["id"] for r in raw_page["items"]], "ledger page")
        t_ours, t_raw, pages = best_of(scale, lambda i: ours.get(f"/api/v1/archives?{query}"),
                                       lambda i: raw.get(f"/archives?{query}"), count="pages")
    return _figures("ledger_page_http", t_ours, t_raw, files=world.files, rows=len(page["items"]),
                    statements=len(log), pages=pages)


def _ledger_answer(rows):
    columns = ("id", "archive_no", "status", "business", "year", "project_code", "project_title", "customer_name",
               "location", "received_at")
    items = [dict(zip(columns, row, strict=True)) for row in rows[:PAGE]]
    for item in items:
        item["received_at"] = item["received_at"].isoformat() if hasattr(item["received_at"], "isoformat") \
            else item["received_at"]
    return {"items": items, "next_cursor": str(items[-1]["id"]) if len(rows) > PAGE else None}


def _sign_in(caller):
    status, body = caller.call("POST", "/api/v1/tokens", {"username": "bench_archivist", "password": worlds.PASSWORD})
    if status != 201:
        raise RuntimeError(f"bench sign-in failed: {status} {body}")
    caller.headers["Authorization"] = f"Bearer {body['token']}"


def _same(ours, raw, what, key=None):
    """Both sides must answer the same thing, or the comparison means nothing."""
    if key:
        ours, raw = (ours[1] or {}).get(key), (raw[1] or {}).get(key)
    if ours != raw or ours is None:
        raise RuntimeError(f"bench {what}: the service answered {ours!r}, the raw baseline {raw!r}")


@contextmanager
def counting():
    """Every statement the service's database runs inside the block, whichever thread runs it."""
    db = database.obj
    original = db.execute_sql
    log = []

    def execute_sql(sql, params=None, *args, **kwargs):
        log.append(sql)
        return original(sql, params, *args, **kwargs)

    db.execute_sql = execute_sql
    try:
        yield log
    finally:
        del db.execute_sql


WORKLOADS = [lookup_call, lookup_http, ledger_page_http]
