"""Two or three identical creates over HTTP at once: one 201, the rest 409 problem+json; a
deactivation and the user's own loan request at once: one of them goes through (R21)."""
import threading

from archive_service.db import database
from archive_service.domain.loans import OPEN
from archive_service.models import Loan, User
from tests.conftest import ApiClient


def test_three_identical_location_creates_at_once_give_one_201_and_409s(app, api):
    token = api("li", "archivist").token
    start, answers = threading.Barrier(3), []

    def create():
        client = ApiClient(app.test_client(), token)
        start.wait()
        r = client.post("/locations", json={"code": "TWICE", "name": "柜", "parent": None})
        answers.append((r.status_code, r.get_json().get("code"), r.mimetype))

    threads = [threading.Thread(target=create) for _ in range(3)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(a[0] for a in answers) == [201, 409, 409]
    assert {a[1:] for a in answers if a[0] == 409} == {("location.exists", "application/problem+json")}
    assert len(ApiClient(app.test_client(), token).get("/locations").get_json()["items"]) == 1



def _side_by_side(app, *calls):
    """Each (token, method, path, body) in a thread of its own, released together: [(status, code)]."""
    start, answers = threading.Barrier(len(calls)), [None] * len(calls)

    def call(n, token, method, path, body):
        client = ApiClient(app.test_client(), token)
        start.wait()
        r = client.call(method, path, json=body)
        answers[n] = (r.status_code, r.get_json().get("code"))

    threads = [threading.Thread(target=call, args=(n, *c)) for n, c in enumerate(calls)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return answers


def test_r21_deactivation_and_the_users_new_loan_at_once_leave_no_inactive_borrower(app, api, received):
    admin = api("boss", "admin").token
    for n in range(4):
        borrower = api(f"jie{n}", "manager").token
        patch, loan = _side_by_side(app, (admin, "PATCH", f"/users/jie{n}", {"active": False}),
                                    (borrower, "POST", "/loans", {"object": received["no"], "purpose": "查阅",
                                                                  "days": 3}))
        # one goes through: the user leaves holding nothing, or borrows and stays
        assert (patch[0], loan[0]) in {(200, 409), (200, 401), (409, 201)}, (patch, loan)
        assert patch == (409, "user.still_holds") or loan[1] in {"user.inactive", "auth.token_invalid"}, (patch, loan)
        with database.connection_context():
            left = (Loan.select().join(User, on=(Loan.borrower == User.id))
                    .where(~User.active, Loan.state.in_(OPEN)))
            assert left.count() == 0
