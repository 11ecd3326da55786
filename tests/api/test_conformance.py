"""Schemathesis against the served OpenAPI document: every operation, generated inputs, with
a token of each kind (a lead, a learner, a finance officer). No server error, and every
response matches the schema (status code, content type and body)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from enhance.api.tokens import SCOPES, token_create

# No 5xx, and the status, content type and body as documented. (Unknown query parameters are
# ignored rather than refused, as most HTTP APIs do, so "negative data rejection" is not one.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection():  # type: ignore[no-untyped-def]
    """Requests go straight to the WSGI application, which closes the database connection when a
    request finishes; the test's transaction needs it open (Django's test client does the same)."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def keys(scene):  # type: ignore[no-untyped-def]
    people = ("programme_lead", "learner", "finance_officer")
    return [token_create(actor=scene.world[p], name="conformance", scopes=SCOPES, days=1)[1] for p in people]


# The document is served without a database, so it can be read when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented_and_never_with_a_server_error(case, keys):  # type: ignore[no-untyped-def]
    for key in keys:
        case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)
