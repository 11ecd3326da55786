"""A programme lead appoints a new faculty member, who accepts through the emailed link, sets a
password and an authenticator, and lands on their home page. Clicked in Chromium."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.browser.steps import accept_invitation

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "faculty-password-2026!"


def test_a_new_faculty_member_is_invited_sets_a_password_and_an_authenticator(new_page, world):
    lead = sign_in(new_page, world["programme_lead"].email)
    goto(lead, f"/programmes/{world.programme.pk}/")
    lead.get_by_role("link", name="Staff").click()
    lead.get_by_label("Email address", exact=True).fill("nia.faculty@nhs.example")
    lead.get_by_label("Full name").fill("Nia Faculty")
    lead.get_by_label("Role").select_option(label="Faculty")
    lead.get_by_role("button", name="Appoint").click()
    expect(lead.get_by_text("nia.faculty@nhs.example is now Faculty")).to_be_visible()
    expect(lead.get_by_test_id("staff")).to_contain_text("Nia Faculty")
    assert_accessible(lead)

    (invitation,) = [m for m in mail.outbox if m.subject.startswith("You are invited to enhance")]
    assert invitation.to == ["nia.faculty@nhs.example"]
    invitee = accept_invitation(new_page, "nia.faculty@nhs.example", NEW_PASSWORD, staff=True)
    expect(invitee.get_by_role("heading", name="Welcome, Nia Faculty")).to_be_visible()
    expect(invitee.get_by_text("Sessions I run")).to_be_visible()
