"""A learner records their driving licence and insurance themselves, then claims mileage that
their lead approves. Clicked in Chromium, with axe-core on every page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.steps import menu
from tests.browser.test_expenses_journey import PDF, add_journey

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_learner_records_licence_and_insurance_then_claims_mileage(new_page, world, tmp_path):
    (tmp_path / "certificate.pdf").write_bytes(PDF)
    (tmp_path / "parking.pdf").write_bytes(PDF)
    today = timezone.localdate()
    learner = sign_in(new_page, "learner@example.org", staff=False)
    learner.get_by_role("link", name="My details, licence and insurance").click()
    expect(learner.get_by_role("heading", name="My details")).to_be_visible()
    assert_accessible(learner)
    learner.get_by_label("Business-use car insurance expires on").fill(f"{today.year - 1}-01-01")
    learner.get_by_role("button", name="Save my details").click()
    expect(learner.get_by_text("Enter an expiry date that has not passed.").first).to_be_visible()
    assert_accessible(learner)
    learner.get_by_label("I hold a full driving licence").check()
    learner.get_by_label("Licence last checked").fill(f"{today:%Y-%m-%d}")
    learner.get_by_label("Business-use car insurance expires on").fill(f"{today.year + 1}-12-31")
    learner.get_by_label("Insurance certificate").set_input_files(tmp_path / "certificate.pdf")
    learner.get_by_role("button", name="Save my details").click()
    expect(learner.get_by_text("Your details were saved.")).to_be_visible()
    expect(learner.get_by_role("link", name="download")).to_be_visible()

    menu(learner, "Expenses")
    learner.get_by_label("Month to claim for").select_option(label=f"{today:%B %Y}")
    learner.get_by_role("button", name="Open claim").click()
    add_journey(
        learner,
        f"{today:%Y-%m-%d}",
        "Ilkeston Community Hospital",
        "Own car",
        "9.5",
        "Parking",
        "2.00",
        tmp_path / "parking.pdf",
    )
    learner.get_by_role("button", name="Submit claim").click()
    expect(learner.get_by_test_id("claim-status")).to_have_text("Submitted")

    lead = sign_in(new_page, world["programme_lead"].email)
    menu(lead, "Expenses")
    lead.get_by_role("link", name="Asha Learner").click()
    lead.get_by_role("button", name="Approve claim").click()
    expect(lead.get_by_test_id("claim-status")).to_have_text("Approved")
