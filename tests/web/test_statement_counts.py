"""Fixed statement counts: every list page and list API runs the same number of SQL statements for
1 row as for 50, and at most 8 for a 50-row page with the session or token, the permissions and
the audit entry included. Counted over HTTP, on both engines."""
import pytest

from tests.listworld import ListWorld
from tests.sqlcount import count_statements

MAX_STATEMENTS = 8
# the home page gathers several lists (tasks, cards, extensions to decide, certificate work): its
# count is fixed whatever the rows, but it is not one 50-row page
COMPOSITE = {"dashboard of A", "dashboard of the archivist"}


CERTIFICATE_FILTERS = ("limit=50&year=2026&business=loan&status=in_safe&location=S1&manager=zhang"
                       "&stored_from=2026-10-01&stored_to=2026-10-31&q=%E6%9D%83%E8%AF%81&sort=-stored_at")


def first_archive(world):
    return world.archive_nos[0]


def every_code(world):
    return ",".join([*world.archive_nos, "R1"])


# name: (user, API path, page path, where the API answer's rows are); paths may depend on the world
LISTS = {
    "ledger": ("li", "/api/v1/archives?limit=50", "/archives", "items"),
    "register": ("li", "/api/v1/register?limit=50", "/register", "items"),
    "projects": ("zhang", "/api/v1/projects?limit=50", "/projects", "items"),
    "customers": ("li", "/api/v1/customers?limit=50", "/customers", "items"),
    "tasks of A": ("zhang", "/api/v1/tasks?limit=50", "/tasks", "items"),
    "tasks of the archivist": ("li", "/api/v1/tasks?limit=50", "/tasks", "items"),
    "my lists": ("zhang", "/api/v1/handovers/mine", "/handovers", "as_a"),
    "inbox": ("li", "/api/v1/handovers/inbox?limit=50", "/handovers/inbox", "items"),
    "dashboard of A": ("zhang", None, "/", None),
    "dashboard of the archivist": ("li", None, "/", None),
    "extensions": ("sun", "/api/v1/extensions?limit=50", "/extensions", "items"),
    "locations": ("li", "/api/v1/locations?limit=50", "/locations", "items"),
    "users": ("root", "/api/v1/users?limit=50", "/admin/users", "items"),
    "audit": ("zhou", "/api/v1/audit?limit=50", "/admin/audit", "items"),
    "scans of a file": ("li", lambda w: f"/api/v1/archives/{first_archive(w)}/scans",
                        lambda w: f"/archives/{first_archive(w)}/scans", "scans"),
    "labels": ("li", lambda w: f"/api/v1/labels.pdf?codes={every_code(w)}", None, None),
    "certificate ledger": ("li", "/api/v1/certificates?limit=50", "/certificates", "items"),
    "certificate ledger filtered and sorted": ("li", f"/api/v1/certificates?{CERTIFICATE_FILTERS}",
                                               f"/certificates?{CERTIFICATE_FILTERS}", "items"),
}


def cost(call, path, world):
    path = path(world) if callable(path) else path
    with count_statements() as log:
        response = call(path)
    assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    return log, response


def rows_in(response, where):
    return len(response.get_json()[where]) if where else None


@pytest.mark.parametrize("name", LISTS)
def test_list_runs_the_same_statements_for_1_and_50_rows(name, make_actor, api, client, browser_login):
    user, api_path, page_path, where = LISTS[name]
    world = ListWorld(make_actor)
    token_client = api(user)
    browser_login(user)
    calls = {"API": (lambda path: token_client.call("GET", path.removeprefix("/api/v1")), api_path),
             "page": (client.get, page_path)}
    calls = {kind: call for kind, call in calls.items() if call[1] is not None}
    world.grow(1)
    small = {kind: cost(call, path, world) for kind, (call, path) in calls.items()}
    world.grow(50)
    large = {kind: cost(call, path, world) for kind, (call, path) in calls.items()}
    if where:
        assert rows_in(large["API"][1], where) >= 50
    for kind in calls:
        one, fifty = small[kind][0], large[kind][0]
        assert len(one) == len(fifty), f"{name} {kind}: 1 row {len(one)}, 50 rows {len(fifty)}\n{fifty}"
        # every page's navigation also counts the caller's unread alerts: one statement, not the list's
        own = [sql for sql in fifty if not (kind == "page" and '"alert"' in sql)]
        assert name in COMPOSITE or len(own) <= MAX_STATEMENTS, f"{name} {kind}: {len(own)} statements\n{fifty}"
