"""Two or three identical creates over HTTP at once: one 201, the rest 409 problem+json."""
import threading

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
