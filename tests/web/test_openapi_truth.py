"""Issue 9 deliverable 9: the OpenAPI document tells the truth. Every refusal is documented as
problem+json, every success says what it carries, enums, formats and ranges are there, and
PUT /numbering needs its body."""
import pytest

from archive_service.models import Setting

OPEN = {("post", "/api/v1/tokens"), ("get", "/api/v1/openapi.json")}


@pytest.fixture
def spec(client, db):
    return client.get("/api/v1/openapi.json").get_json()


def operations(spec):
    return [(method, path, op) for path, ops in spec["paths"].items() for method, op in ops.items()
            if method != "parameters"]


def resolve(spec, response):
    if "$ref" in response:
        return spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response


def test_every_operation_documents_its_errors_as_problem_json(spec):
    for method, path, op in operations(spec):
        expected = {"422", "default"} | (set() if (method, path) in OPEN else {"401"})
        assert expected <= set(op["responses"]), (method, path)
        for code, response in op["responses"].items():
            if code == "default" or code.startswith(("4", "5")):
                assert list(resolve(spec, response)["content"]) == ["application/problem+json"], (method, path, code)
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "code"}


def test_every_success_says_what_it_carries(spec):
    for method, path, op in operations(spec):
        successes = {c: r for c, r in op["responses"].items() if c.startswith("2")}
        assert successes, (method, path)
        if set(successes) == {"204"}:
            continue
        for code, response in successes.items():
            content = resolve(spec, response).get("content")
            assert content and all(media.get("schema") for media in content.values()), (method, path, code)


def test_enums_formats_and_ranges_are_documented(spec):
    schemas = spec["components"]["schemas"]
    assert schemas["NewProject"]["properties"]["business"]["enum"] == ["loan", "guarantee"]
    assert schemas["NewProject"]["properties"]["ended_on"]["format"] == "date"
    assert schemas["NewCustomer"]["properties"]["name"]["maxLength"] == 100
    assert "pattern" in schemas["NewCustomer"]["properties"]["name"]
    limit = next(p for p in spec["paths"]["/api/v1/archives"]["get"]["parameters"] if p["name"] == "limit")
    assert "integer" in limit["schema"]["type"] and (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 500)


def test_put_numbering_needs_its_body(spec, api):
    body = spec["paths"]["/api/v1/numbering"]["put"]["requestBody"]
    assert body["required"] is True
    assert "pattern" in spec["components"]["schemas"]["Scheme"]["required"]
    admin = api("root", "admin")
    for sent in ({}, None):
        r = admin.put("/numbering", json=sent)
        assert r.status_code == 422, r.get_json()
    assert not Setting.select().exists()
