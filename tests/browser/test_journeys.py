"""Main journeys clicked through in Chromium, with axe-core on every page visited."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from enhance.programmes.models import Membership
from tests.browser.conftest import assert_accessible, goto
from tests.browser.steps import menu
from tests.factories import PASSWORD, TOTP_SECRET, fresh_totp_code
from tests.programmes.test_imports import GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, email: str) -> None:
    goto(page, "/")
    expect(page.get_by_role("heading", name="Sign in to enhance")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_learner_resets_their_password_then_signs_in_and_walks_their_pages(page: Page, world):
    goto(page, "/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    assert_accessible(page)
    page.get_by_label("Email").fill("learner@example.org")
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_text("We have sent you an email")).to_be_visible()
    assert_accessible(page)
    assert len(mail.outbox) == 1

    sign_in(page, "learner@example.org")
    expect(page.get_by_role("heading", name="My programme")).to_be_visible()
    expect(page.get_by_role("link", name="Midlands IMT")).to_be_visible()
    expect(page.get_by_role("link", name="Derbyshire")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", name="Asha Learner", level=1)).to_be_visible()
    expect(page.get_by_text("Edit membership")).to_have_count(0)
    assert_accessible(page)

    menu(page, "Home")
    page.get_by_role("link", name="Midlands IMT").click()
    expect(page.get_by_role("heading", name="Localities")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_text("You have no notifications.")).to_be_visible()
    assert_accessible(page)

    # A learner has no learner list.
    response = goto(page, "/learners/")
    assert response is not None and response.status == 403


def test_programme_lead_signs_in_with_two_factors_finds_a_learner_and_imports_trainees(
    page: Page, world, tmp_path
):
    sign_in(page, world["programme_lead"].email)
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Authenticator code").fill(fresh_totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", name="Programmes in my scope")).to_be_visible()
    assert_accessible(page)

    menu(page, "Learners")
    expect(page.get_by_role("heading", name="Learners", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Search by name, email or registration number").fill("ben")
    page.get_by_role("button", name="Apply filters").click()
    table = page.get_by_test_id("learner-table")
    expect(table.get_by_role("link")).to_have_count(1)
    table.get_by_role("link", name="Second, Ben").click()
    expect(page.get_by_role("heading", name="Ben Second", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Edit membership").click()
    page.get_by_label("Whole-time equivalent").fill("5")
    page.get_by_role("button", name="Save membership").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Whole-time equivalent").fill("0.8")
    page.get_by_role("button", name="Save membership").click()
    expect(page.get_by_text("Programme membership saved.")).to_be_visible()
    expect(page.get_by_text("Membership changed: whole-time equivalent")).to_be_visible()

    menu(page, "Learners")
    page.get_by_role("link", name="Import trainees").click()
    expect(page.get_by_role("heading", name="Import recruited trainees")).to_be_visible()
    assert_accessible(page)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(GOOD_ROWS[0].replace("05/08/2026", "not a date")))
    page.get_by_label("Spreadsheet of recruited trainees").set_input_files(bad)
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_text("Nothing was imported: 1 row needs fixing")).to_be_visible()
    expect(page.get_by_test_id("import-errors")).to_contain_text("is not a date")
    assert_accessible(page)

    page.get_by_role("link", name="upload it again").click()
    good = tmp_path / "recruits.csv"
    good.write_bytes(csv_bytes(*GOOD_ROWS))
    page.get_by_label("Spreadsheet of recruited trainees").set_input_files(good)
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_test_id("import-preview")).to_contain_text("Dana Okafor")
    assert_accessible(page)
    assert not Membership.objects.filter(person__email="dana.okafor@example.org").exists()
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("Import started.")).to_be_visible()
    expect(page.get_by_test_id("import-status")).to_contain_text("2 added, 0 updated, 0 already up to date")
    expect(page.get_by_test_id("unread-count")).to_have_text("1 unread")
    assert Membership.objects.filter(person__email="dana.okafor@example.org").exists()

    menu(page, "Learners")
    page.get_by_label("Search by name, email or registration number").fill("7123456")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("learner-table")).to_contain_text("Okafor, Dana")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to enhance")).to_be_visible()
