"""The database workloads, on each engine: the service against raw SQL on the same scratch archive.

Timing is best-of-rounds with ours and raw alternating, so a busy machine slows both alike.
Over HTTP both sides are waitress apps in this process called over a keep-alive loopback
connection: the service (with its bearer token, sessions, JSON schemas) against a minimal Flask
route that runs the raw SQL."""
import secrets
import statistics
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

from archive_service import create_app
from archive_service.db import database
from archive_service.models import Alert, Loan, OutboxMessage
from archive_service.services.alerts import alerts
from archive_service.services.ledgers import search
from archive_service.services.platform import lookup

from . import raw_sweep
from . import world as worlds
from .loopback import minimal_app, serving
from .report import format_result

SCALES = {
    "small": {"files": 2_000, "calls": 200, "pages": 20, "rounds": 5, "budget": 0.25, "sweeps": 20},
    "medium": {"files": 100_000, "calls": 500, "pages": 50, "rounds": 5, "budget": 0.5, "sweeps": 6},
    "full": {"files": 1_000_000, "calls": 1_000, "pages": 100, "rounds": 5, "budget": 1.0, "sweeps": 4},
}
PAGE = 50
WARM_UP = 50  # calls a side before measuring
HTTP_SESSIONS = 3
SEARCH_LIMIT = 20
# A file is out on loan while a loan holds its out key (the service shows it as 借出 everywhere).
OUT_LOAN = " LEFT JOIN loan lo ON lo.out_key = 'archive:' || a.archive_no AND lo.state = 'out'"
SEARCH_SQL = {
    "archive": "SELECT a.id, a.status, lo.id FROM archive_file a JOIN project p ON p.id = a.project_id"
               " JOIN customer c ON c.id = p.customer_id" + OUT_LOAN +
               " WHERE a.archive_no = {p} OR c.name LIKE {p} OR p.title LIKE {p} ORDER BY a.id DESC LIMIT {p}",
    "item": "SELECT i.id, a.status, lo.id FROM handover_item i JOIN archive_file a ON a.handover_id = i.handover_id"
            + OUT_LOAN + " WHERE i.number = {p} OR i.contract_number = {p} ORDER BY i.id DESC LIMIT {p}",
    "project": "SELECT p.id FROM project p JOIN customer c ON c.id = p.customer_id"
               " WHERE p.code = {p} OR c.name LIKE {p} OR p.title LIKE {p} ORDER BY p.id DESC LIMIT {p}",
    "customer": "SELECT c.id FROM customer c WHERE c.name LIKE {p} OR c.id_number = {p} ORDER BY c.id DESC LIMIT {p}",
}

LOOKUP_SQL = "SELECT a.id, a.archive_no, a.status, lo.id FROM archive_file a" + OUT_LOAN + " WHERE a.archive_no = {p}"
LEDGER_SQL = (
    "SELECT a.id, a.archive_no, a.status, a.business, a.year, a.retention, a.received_at, a.imported, l.code,"
    " p.id, p.code, p.title, p.ended_on, c.id, c.name, ua.display_name, ub.display_name,"
    " (SELECT SUM(i.pages) FROM handover_item i WHERE i.handover_id = a.handover_id),"
    " lo.id, ul.display_name, lo.due_on"
    " FROM archive_file a JOIN project p ON p.id = a.project_id JOIN customer c ON c.id = p.customer_id"
    " JOIN app_user ua ON ua.id = p.a_user_id JOIN app_user ub ON ub.id = p.b_user_id"
    " LEFT JOIN location l ON l.id = a.location_id" + OUT_LOAN + " LEFT JOIN app_user ul ON ul.id = lo.borrower_id"
    " WHERE a.year = {p} AND a.business = {p} ORDER BY a.id DESC LIMIT {p}")
LEDGER_COUNT_SQL = "SELECT COUNT(*) FROM archive_file a WHERE a.year = {p} AND a.business = {p}"
LEDGER_COLUMNS = ("id", "archive_no", "status", "business", "year", "retention", "received_at", "imported",
                  "location", "project_id", "project_code", "project_title", "ended_on", "customer_id",
                  "customer_name", "a_user_name", "b_user_name", "pages", "loan_id", "loan_borrower", "loan_due")
# What the raw side adds to each row by hand, so that both sides answer the same document.
STATUS_NAMES = {"in_archive": "在库", "voided": "已作废", "destroyed": "已销毁"}
ON_LOAN_NAME = "借出"  # a file in the archive's keeping, out on loan
BUSINESS_NAMES = {"loan": "小贷", "guarantee": "担保"}
RETENTION = {"permanent": ("永久", None), "30y": ("定期30年", 30), "10y": ("定期10年", 10)}
UTC8 = timezone(timedelta(hours=8))


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
    """(ours, raw, calls): the median seconds of one call on each side. Calls alternate one by one
    (ours then raw, raw then ours, …), so a busy machine's bursts fall on both sides alike. A round
    has the scale's number of calls a side, fewer when ours would take it past the scale's budget."""
    start = time.perf_counter()
    ours(0)  # the measure of one call
    calls = max(3, min(scale[count], int(scale["budget"] / (time.perf_counter() - start))))
    for i in range(min(calls, WARM_UP)):  # caches, prepared plans, connections, the interpreter's own
        ours(i)
        raw(i)
    times = ([], [])
    for _ in range(scale["rounds"]):
        for i in range(calls):
            for side in ((0, 1) if i % 2 else (1, 0)):
                action = (ours, raw)[side]
                start = time.perf_counter()
                action(i)
                times[side].append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1]), calls


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

    _same(ours(0), raw(0), "lookup")
    t_ours, t_raw, calls = best_of(scale, ours, raw)
    return _figures("lookup_call", t_ours, t_raw, files=world.files, calls=calls)


def _lookup_answer(rows):
    if not rows:
        return None
    archive_id, archive_no, status, loan_id = rows[0]
    status = "on_loan" if loan_id is not None and status == "in_archive" else status
    return {"kind": "archive", "id": archive_id, "status": status, "url": f"/archives/{quote(archive_no)}"}


def lookup_http(world, app, scale):
    """GET /api/v1/lookup/{code} (bearer token) against a minimal route running the same SELECT."""
    codes = world.codes
    routes = [("/lookup/<code>", [LOOKUP_SQL.format(p=database.param)], lambda args, _query: [(args["code"],)],
               _lookup_answer)]

    def session(ours, raw):
        first = [side.get(f"{prefix}{codes[0]}") for side, prefix in ((ours, "/api/v1/lookup/"), (raw, "/lookup/"))]
        _same(first[0], first[1], "lookup over HTTP", key="id")
        return best_of(scale, lambda i: ours.get(f"/api/v1/lookup/{codes[i % len(codes)]}"),
                       lambda i: raw.get(f"/lookup/{codes[i % len(codes)]}"))

    t_ours, t_raw, calls = over_http(app, minimal_app(world.url, routes), session)
    return _figures("lookup_http", t_ours, t_raw, files=world.files, calls=calls)


def ledger_page_http(world, app, scale):
    """A 50-row page of the ledger filtered by year and business, over HTTP, with its statements."""
    query = f"year={world.filter['year']}&business={world.filter['business']}&limit={PAGE}"
    statements = [LEDGER_SQL.format(p=database.param), LEDGER_COUNT_SQL.format(p=database.param)]
    routes = [("/archives", statements, lambda _args, q: [(int(q["year"]), q["business"], int(q["limit"]) + 1),
                                                          (int(q["year"]), q["business"])], _ledger_answer)]
    seen = {}

    def session(ours, raw):
        with counting() as log:
            _, page = ours.get(f"/api/v1/archives?{query}")
        _, raw_page = raw.get(f"/archives?{query}")
        _same(_comparable(page), _comparable(raw_page), "ledger page")
        seen.update(rows=len(page["items"]), statements=len(log))
        return best_of(scale, lambda i: ours.get(f"/api/v1/archives?{query}"),
                       lambda i: raw.get(f"/archives?{query}"), count="pages")

    t_ours, t_raw, pages = over_http(app, minimal_app(world.url, routes), session)
    return _figures("ledger_page_http", t_ours, t_raw, files=world.files, pages=pages, **seen)


def over_http(app, raw_app, session):
    """`session(ours, raw)` -> (ours, raw, calls) on HTTP_SESSIONS fresh pairs of servers and
    connections; the session with the median ratio counts (one session's start-up luck decides
    nothing)."""
    results = []
    for _ in range(HTTP_SESSIONS):
        with serving(app) as ours, serving(raw_app) as raw:
            _sign_in(ours)
            results.append(session(ours, raw))
    return sorted(results, key=lambda r: r[0] / r[1])[len(results) // 2]


def search_call(world, _app, scale):
    """`search.search(actor, q)` for a customer-name fragment and for an archive number, against
    the raw SQL one would write without the service: LIKE over the names, = over the numbers."""
    queries = [q for pair in zip(world.names, world.codes, strict=False) for q in pair]

    def ours(i):
        return search.search(world.archivist, queries[i % len(queries)], limit=SEARCH_LIMIT)

    def raw(i):
        q = queries[i % len(queries)]
        like = f"%{q}%"
        return {kind: _raw(sql, params) for kind, sql, params in (
            ("archive", SEARCH_SQL["archive"], (q, like, like, SEARCH_LIMIT)),
            ("item", SEARCH_SQL["item"], (q, q, SEARCH_LIMIT)),
            ("project", SEARCH_SQL["project"], (q, like, like, SEARCH_LIMIT)),
            ("customer", SEARCH_SQL["customer"], (like, q, SEARCH_LIMIT)))}

    for i in (0, 1):
        found = {kind: sorted(h["id"] for h in ours(i)["items"] if h["kind"] == kind) for kind in SEARCH_SQL}
        _same(found, {kind: sorted(row[0] for row in rows) for kind, rows in raw(i).items()}, "search")
    t_ours, t_raw, calls = best_of(scale, ours, raw)
    return _figures("search_call", t_ours, t_raw, files=world.files, calls=calls)


def sweep_call(world, _app, scale):
    """`alerts.sweep(as_of)` (late loans and handover steps: alerts, escalations, digests, outbox)
    against hand-written set-based SQL writing the same alerts and messages for the late loans
    (benchmarks/raw_sweep); alerts and messages are cleared before every run so each one finds the
    same work, and both must leave the same rows."""
    as_of, now = worlds.AS_OF, worlds.NOW
    actions = (lambda: alerts.sweep(as_of, now=now), lambda: raw_sweep.sweep(as_of, now.replace(tzinfo=None)))
    times, written = ([], []), [None, None]
    for run in range(scale["sweeps"]):
        for side in ((0, 1) if run % 2 else (1, 0)):
            _clear_alerts()
            start = time.perf_counter()
            with database.atomic():
                actions[side]()
            times[side].append(time.perf_counter() - start)
            written[side] = _sweep_rows()
    _same(written[0], written[1], "sweep (alerts and messages written)")
    late = Loan.select().where(Loan.state == "out", Loan.due_on < as_of).count()
    return _figures("sweep_call", statistics.median(times[0]), statistics.median(times[1]), loans=world.files,
                    late=late, alerts=len(written[0][0]),
                    messages=len(written[0][1]))


def _sweep_rows():
    alerts_written = sorted(Alert.select(Alert.recipient, Alert.kind, Alert.object, Alert.level, Alert.message,
                                         Alert.url).tuples())
    messages = sorted(OutboxMessage.select(OutboxMessage.channel, OutboxMessage.recipient, OutboxMessage.subject,
                                           OutboxMessage.body).tuples())
    return alerts_written, messages


def _clear_alerts():
    with database.atomic():
        Alert.delete().execute()
        OutboxMessage.delete().execute()


def _ledger_answer(rows, count):
    items = [_ledger_row(dict(zip(LEDGER_COLUMNS, row, strict=True))) for row in rows[:PAGE]]
    return {"items": items, "total": count[0][0], "sort": "-id",
            "next_cursor": True if len(rows) > PAGE else None, "prev_cursor": None}


def _ledger_row(row):
    received = row["received_at"]
    received = datetime.fromisoformat(received) if isinstance(received, str) else received
    ended = row["ended_on"]
    retention_name, years = RETENTION[row["retention"]]
    loan_id, borrower, due = row.pop("loan_id"), row.pop("loan_borrower"), row.pop("loan_due")
    loan = None if loan_id is None else {"id": loan_id, "borrower": borrower,
                                         "due": due if isinstance(due, str) else due.isoformat()}
    lent = loan is not None and row["status"] == "in_archive"
    return {**row, "imported": bool(row["imported"]), "loan": loan,
            "status_name": ON_LOAN_NAME if lent else STATUS_NAMES[row["status"]],
            "business_name": BUSINESS_NAMES[row["business"]],
            "ended_on": ended if isinstance(ended, str) else ended.isoformat(), "pages": int(row["pages"] or 0),
            "received_at": received.replace(tzinfo=UTC).astimezone(UTC8).isoformat(timespec="seconds"),
            "retention_name": retention_name, "period_end": f"{row['year'] + years}-12-31" if years else None}


def _comparable(page):
    """A ledger page as both sides must answer it: the same rows, field for field, and the same total
    (the cursor's encoding is the service's own)."""
    return page["items"], page["total"], bool(page["next_cursor"])


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


WORKLOADS = [lookup_call, lookup_http, ledger_page_http, search_call, sweep_call]
