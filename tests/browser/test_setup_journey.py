"""Setting up the next programme year in the app, clicked in Chromium: the programme lead adds
a locality, opens the August intake, and sets the programme's rules."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from enhance.programmes.models import Cohort, Locality, Programme
from tests.browser.conftest import assert_accessible, goto, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_lead_adds_a_locality_opens_an_intake_and_sets_the_rules(new_page, world):
    lead = sign_in(new_page, world["programme_lead"].email)
    goto(lead, f"/programmes/{world.programme.pk}/")
    lead.get_by_label("Name of the new locality").fill("Nottinghamshire")
    lead.get_by_role("button", name="Add locality").click()
    expect(lead.get_by_text("Locality Nottinghamshire added.")).to_be_visible()
    lead.get_by_label("Intake date").fill("2027-08-04")
    lead.get_by_role("button", name="Open intake").click()
    expect(lead.get_by_text("August 2027 intake opened.")).to_be_visible()
    lead.get_by_label("Intake date").fill("2027-08-04")
    lead.get_by_role("button", name="Open intake").click()
    expect(lead.get_by_text("already has an intake on 4 August 2027").first).to_be_visible()
    assert_accessible(lead)

    lead.get_by_role("link", name="Programme settings").click()
    lead.get_by_label("Attendance threshold (%)").fill("80")
    lead.get_by_role("button", name="Save settings").click()
    expect(lead.get_by_text("Programme settings saved.")).to_be_visible()
    expect(lead.get_by_test_id("settings-history")).to_contain_text("attendance threshold")
    assert_accessible(lead)
    assert Locality.objects.filter(programme=world.programme, name="Nottinghamshire").exists()
    assert Cohort.objects.filter(programme=world.programme, name="August 2027 intake").exists()
    assert Programme.objects.get(pk=world.programme.pk).attendance_threshold == 80
