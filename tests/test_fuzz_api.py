"""Fuzzing the HTTP API (issue 19, deliverable 6): schemathesis draws requests from the server's own OpenAPI
document (``/openapi.json``) -- requests that follow it, and requests that break it (wrong types, fields missing or
unknown, values out of bounds) -- and sends them in-process to :func:`create_app` through its ASGI transport, JSON
bodies with ``Content-Type: application/json`` as the document says. No answer may be a server error (5xx), and an
answer of a status the document describes must have its content type and schema. Refusals are welcome: 422 for a
bad body or scenario, 404 for an unknown job, and the Guard's 401, 403, 413 and 415.

A request that starts a job (202) is followed by its cancellation, and the app is shut down at the end (its
lifespan cancels whatever is left and waits for its worker), so that nothing runs on after the test.
"""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from starlette.testclient import TestClient

from goldendome.server.app import MAX_BODY_BYTES, create_app
from test_fuzz_scenario import SCENARIO_CASES, WHERE_WHAT, check_parse

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
"""No 5xx; the content type and schema of every answer the document describes. (Not status_code_conformance: the
document lists each route's success, not the refusals every route can give.)"""

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
"""150 requests of each kind (valid and invalid), 300 in all, the same on every run."""

TIME_LIMIT_S = 60.0
"""A job that escaped its cancellation stops here (the server's own limit is half an hour)."""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(app, its OpenAPI schema as schemathesis reads it); the app shut down afterwards."""
    app = create_app(
        tmp_path_factory.mktemp("fuzz-api"), run_time_limit_s=TIME_LIMIT_S, study_time_limit_s=TIME_LIMIT_S
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)  # starts the app's lifespan, as a server would
    yield app, schema
    asgi.shutdown_lifespans()  # the app's shutdown: every job cancelled, its worker waited for


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_request_drawn_from_the_openapi_document_gets_a_server_error(served, mode):
    app, schema = served
    client = TestClient(app)
    started = []

    @FUZZ
    @given(case=schema.as_strategy(generation_mode=mode))
    def request(case):
        response = case.call_and_validate(checks=CHECKS)
        if response.status_code == 202 and case.method == "POST":
            job = response.json()["id"]
            started.append(job)
            assert client.delete(f"/api/runs/{job}").status_code in (202, 409)  # 409: it has already ended

    request()
    for job in started:
        assert client.get(f"/api/runs/{job}").json()["state"] in ("queued", "running", "cancelled", "failed", "done")


@settings(FUZZ, max_examples=60)
@given(case=SCENARIO_CASES)
def test_scenario_texts_posted_for_validation_get_field_by_field_answers(served, case):
    app, _ = served
    body = json.dumps({"text": case.text, "format": case.fmt}).encode()  # a lone surrogate goes as a \u escape
    response = TestClient(app).post("/api/validate", content=body, headers={"content-type": "application/json"})
    if len(body) > MAX_BODY_BYTES:
        assert response.status_code == 413
    elif response.status_code == 422:  # JSON that names a lone surrogate is not text: the body is refused
        assert "bad request body" in response.json()["detail"]
    else:
        assert response.status_code == 200
        answer = response.json()
        assert answer["ok"] is (check_parse(case.text, case.fmt) is not None)
        assert all(WHERE_WHAT.fullmatch(m) for m in answer["errors"])


def test_a_control_character_in_an_upload_is_a_refusal_not_a_server_error(served):
    # before: yaml.reader.ReaderError escaped the loader, and /api/validate and /api/runs answered 500
    client = TestClient(served[0])
    answer = client.post("/api/validate", json={"text": "name: \u0094"}).json()
    assert answer == {"ok": False, "errors": ["line 1, column 7: character U+0094 is not allowed in YAML"]}
    response = client.post("/api/runs", json={"text": "\u001f"})
    assert response.status_code == 422
    assert response.json()["detail"]["errors"] == ["line 1, column 1: character U+001F is not allowed in YAML"]
