"""The JSON API: tokens, scopes, scoping exactly as the pages, paging, errors and writes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from enhance.api.models import AccessToken
from enhance.api.tokens import STAFF_NEED_TWO_FACTORS, token_create
from enhance.programmes.models import Membership
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_3_1_and_public(client):
    from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    OPENAPI_31_VALIDATOR.validate(doc)  # the OpenAPI 3.1 meta-schema: raises on any violation
    assert "/api/v1/learners" in doc["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_no_token_a_bad_token_and_a_revoked_token_get_401_as_json(client, world, api_as):
    assert client.get("/api/v1/learners").json()["code"] == "unauthenticated"
    assert Api("enh_not-a-real-token").get("/learners").status_code == 401
    api = api_as("programme_lead")
    assert api.get("/learners").status_code == 200
    AccessToken.objects.update(revoked_at="2020-01-01T00:00:00Z")
    response = api.get("/learners")
    assert response.status_code == 401 and response.json()["message"].startswith("Send a valid")


def test_a_lead_sees_their_programme_s_learners_only_and_pages_with_a_total(world, api_as):
    body = api_as("programme_lead").get("/learners", limit=1).json()
    assert body["total"] == 2 and len(body["items"]) == 1 and body["limit"] == 1
    emails = {i["email"] for i in api_as("programme_lead").get("/learners").json()["items"]}
    assert emails == {"learner@example.org", "learner2@example.org"}
    far = world.far_membership
    assert api_as("programme_lead").get(f"/learners/{far.pk}").status_code in (403, 404)
    assert api_as("programme_lead").get(f"/programmes/{world.other_programme.pk}").status_code in (403, 404)


def test_a_learner_s_token_reads_only_their_own_data(world, api_as):
    api = api_as("learner")
    assert api.get("/learners").json()["total"] == 1
    assert api.get(f"/learners/{world.second_membership.pk}").status_code in (403, 404)
    assert api.get("/claims").json()["total"] == 0


def test_a_token_uses_only_its_scopes(world, api_as):
    api = api_as("programme_lead", ["programmes:read"])
    assert api.get("/programmes").status_code == 200
    refused = api.get("/learners")
    assert refused.status_code == 403 and "learners:read" in refused.json()["message"]


def test_bad_parameters_get_a_422_naming_the_field(world, api_as):
    body = api_as("programme_lead").get("/learners", limit=0).json()
    assert body["code"] == "invalid" and body["field"] == "limit"
    assert api_as("programme_lead").get("/learners", status="nonsense").status_code == 422
    nul = api_as("programme_lead").get("/learners", q="a\x00b")
    assert nul.status_code == 422 and nul.json()["field"] == "q"
    huge = api_as("programme_lead").get("/learners", programme=2**64)
    assert huge.status_code == 422 and huge.json()["field"] == "programme"
    assert api_as("programme_lead").get(f"/programmes/{2**64}").status_code == 422


def test_staff_tokens_need_two_factors_and_the_command_prints_a_token_once(world, capsys):
    from enhance.accounts.models import User
    from tests.factories import UserFactory

    plain = UserFactory()
    plain.roles.create(role="faculty", programme=world.programme)
    with pytest.raises(Exception, match=STAFF_NEED_TWO_FACTORS):
        token_create(actor=User.objects.get(pk=plain.pk), name="x", scopes=["teaching:read"], days=1)
    call_command("api_token", world["programme_lead"].email, "--scopes", "learners:read", "--days", "5")
    key = capsys.readouterr().out.strip()
    assert key.startswith("enh_")
    assert Api(key).get("/learners").status_code == 200
    assert not AccessToken.objects.filter(key_hash__contains=key).exists()


def test_the_bulk_upsert_refuses_a_file_with_one_bad_row_and_changes_nothing(world, api_as):
    good = {
        "gmc_number": "7123456",
        "forename": "Dana",
        "surname": "Okafor",
        "email": "dana@example.org",
        "programme": "Midlands IMT",
        "locality": "Derbyshire",
        "start_date": "05/08/2026",
        "grade": "IMY1",
    }
    bad = {**good, "gmc_number": "7654321", "email": "eli@example.org", "start_date": "not a date"}
    api = api_as("programme_lead")
    response = api.post("/learners/bulk", {"rows": [good, bad]})
    assert response.status_code == 422
    (item,) = response.json()["errors"]
    assert (item["row"], item["field"]) == (2, "start_date")
    assert not Membership.objects.filter(person__email="dana@example.org").exists()
    response = api.post("/learners/bulk", {"rows": [good]})
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert api_as("learner").post("/learners/bulk", {"rows": [good]}).status_code == 403


def test_the_rate_limit_answers_429_with_retry_after(world, api_as, settings):
    from enhance.api.api import api as ninja_api

    throttle = ninja_api.throttle[0] if isinstance(ninja_api.throttle, list) else ninja_api.throttle
    throttle.num_requests, throttle.duration = 3, 60
    try:
        api = api_as("programme_lead")
        codes = [api.get("/programmes").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        last = api.get("/programmes")
        assert last.json()["code"] == "rate_limited" and int(last["Retry-After"]) > 0
    finally:
        throttle.num_requests, throttle.duration = throttle.parse_rate(throttle.rate)


def test_the_token_page_shows_a_new_token_once_and_revokes(client, world):
    client.force_login(world["programme_lead"])
    page = client.post(reverse("api_tokens"), {"name": "", "days": 0}).content.decode()
    assert "This field is required." in page
    page = client.post(
        reverse("api_tokens"), {"name": "BI", "scopes": ["learners:read"], "days": 30}, follow=True
    )
    assert "shown only this once" in page.content.decode()
    token = AccessToken.objects.get(name="BI")
    assert token.scopes == ["learners:read"]
    assert "shown only this once" not in client.get(reverse("api_tokens")).content.decode()
    client.post(reverse("api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked
    client.force_login(world["learner"])
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404


def test_unknown_addresses_and_methods_answer_in_json_too(client, api_as):
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    wrong = api_as("programme_lead").client.delete("/api/v1/learners")
    assert (
        wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed" and "GET" in wrong["Allow"]
    )


def test_the_token_page_costs_the_same_whatever_the_tokens(query_count, world):
    lead = world["programme_lead"]
    token_create(actor=lead, name="first", scopes=["learners:read"], days=1)
    before = query_count(lead, reverse("api_tokens"))
    for n in range(5):
        token_create(actor=lead, name=f"t{n}", scopes=["learners:read"], days=1)
    assert query_count(lead, reverse("api_tokens")) <= before
