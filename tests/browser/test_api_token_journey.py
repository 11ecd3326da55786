"""A programme lead creates an API token on their account's tokens page, lists their cohort's
learners with it from a plain HTTP client, revokes it, and the next call is refused (401)."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def call(base: str, path: str, key: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = requests.get(f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {key}"}, timeout=20)
    return response.status_code, response.json()


def test_a_lead_creates_uses_and_revokes_a_token(new_page, world, live_server):
    lead = sign_in(new_page, world["programme_lead"].email)
    lead.get_by_role("navigation", name="Account").get_by_role("link", name="API tokens").click()
    expect(lead.get_by_role("heading", name="API tokens")).to_be_visible()
    expect(lead.get_by_text("You have no tokens yet.")).to_be_visible()
    assert_accessible(lead)
    lead.get_by_role("button", name="Create token").click()
    expect(lead.get_by_text("Error: This field is required.").first).to_be_visible()
    lead.get_by_label("Name").fill("Cohort report")
    lead.get_by_label("Learners and their memberships: read", exact=True).check()
    lead.get_by_label("Days until it expires").fill("30")
    lead.get_by_role("button", name="Create token").click()
    expect(lead.get_by_text("it is shown only this once")).to_be_visible()
    key = lead.get_by_label("Token", exact=True).input_value()
    assert_accessible(lead)

    status, body = call(live_server.url, f"/learners?cohort={world.cohort.pk}", key)
    assert status == 200
    assert {item["email"] for item in body["items"]} == {"learner@example.org", "learner2@example.org"}
    assert call(live_server.url, "/sessions", key)[0] == 403, "the token carries only the scope chosen"

    lead.get_by_role("navigation", name="Account").get_by_role("link", name="API tokens").click()
    expect(lead.get_by_text("it is shown only this once")).not_to_be_visible()
    tokens = lead.get_by_test_id("tokens")
    expect(tokens).to_contain_text("Cohort report")
    expect(tokens).not_to_contain_text("last used never")
    tokens.get_by_role("button", name="Revoke Cohort report").click()
    expect(lead.get_by_text("Token Cohort report revoked")).to_be_visible()
    assert_accessible(lead)
    status, body = call(live_server.url, f"/learners?cohort={world.cohort.pk}", key)
    assert status == 401 and body["code"] == "unauthenticated"
