"""Issue 9 deliverable 10: schemathesis against the served OpenAPI document, signed in with a
token of a user holding every role, on both engines. Bounded (a few examples per operation, no
per-example deadline) so it stays within CI's time: no server error, and every answer conforms
to the document (status code, content type, response schema, headers)."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from archive_service.domain.permissions import ROLES

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
EXAMPLES = 3
# The run's own token would be revoked by this call, and every later one would answer 401.
EXCLUDED = {("DELETE", "/api/v1/tokens/current")}


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def token(api, received):
    """A signed-in user with every role, in a world with a received, scanned archive file."""
    return api("fuzz", *ROLES).token


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_schemathesis_finds_no_server_error_and_no_answer_that_breaks_the_document(case, token):
    if (case.method.upper(), case.path) in EXCLUDED:
        return
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
