"""`?limit=` arrives as query text: lists page by it instead of refusing every number."""


def test_ledger_limit_from_the_query_string_pages(received, api):
    auditor = api("shen", "auditor")
    page = auditor.get("/archives?limit=1")
    assert page.status_code == 200, page.get_json()
    assert len(page.get_json()["items"]) == 1


def test_limit_that_is_not_a_number_is_a_422_field_error(received, api):
    r = api("shen", "auditor").get("/archives?limit=ten")
    assert r.status_code == 422
    assert r.get_json()["code"] == "request.invalid" and r.get_json()["errors"] == {"limit": "必须是整数"}
