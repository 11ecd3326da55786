"""The expenses journey in Chromium: claim, return, fix, approve, export, pay."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from enhance.expenses.models import Claim
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.steps import menu

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def open_expenses(new_page, email: str, staff: bool = True) -> Page:  # type: ignore[no-untyped-def]
    page = sign_in(new_page, email, staff)
    menu(page, "Expenses")
    return page


def add_journey(page: Page, day: str, to: str, mode: str, miles: str, cost: str, amount: str, file) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Date").fill(day)
    page.get_by_label("From", exact=True).fill("Royal Derby Hospital")
    page.get_by_label("To", exact=True).fill(to)
    page.get_by_label("Purpose").select_option(label="Teaching session")
    page.get_by_label("Mode").select_option(label=mode)
    page.get_by_label("Miles").fill(miles)
    page.get_by_label("Cost to claim").select_option(label=cost)
    page.get_by_label("Cost in pounds").fill(amount)
    page.get_by_label("Receipt").set_input_files(file)
    page.get_by_role("button", name="Add journey").click()
    expect(page.get_by_text("Journey added.")).to_be_visible()


def test_claim_is_returned_fixed_approved_exported_and_paid(new_page, world, tmp_path):
    m = world.learner_membership
    m.holds_driving_licence = True
    m.business_insurance_expires_on = dt.date(2027, 12, 31)
    m.assignment_number = "123456-01"
    m.save()
    (tmp_path / "parking.pdf").write_bytes(PDF)
    (tmp_path / "ticket.png").write_bytes(PNG)
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC), tick=True):
        learner = open_expenses(new_page, "learner@example.org", staff=False)
        expect(learner.get_by_role("heading", name="My expense claims")).to_be_visible()
        assert_accessible(learner)
        learner.get_by_label("Month to claim for").select_option(label="November 2026")
        learner.get_by_role("button", name="Open claim").click()
        expect(learner.get_by_role("heading", name="Expenses for November 2026")).to_be_visible()
        assert_accessible(learner)
        add_journey(
            learner,
            "2026-11-10",
            "Derby teaching centre",
            "Own car",
            "120",
            "Parking",
            "3.50",
            tmp_path / "parking.pdf",
        )
        add_journey(
            learner,
            "2026-11-12",
            "Nottingham venue",
            "Public transport (fares below)",
            "0",
            "Fare",
            "4.20",
            tmp_path / "ticket.png",
        )
        expect(learner.get_by_test_id("journeys").get_by_role("row")).to_have_count(3)
        assert_accessible(learner)
        learner.get_by_role("button", name="Submit claim").click()
        expect(learner.get_by_test_id("claim-status")).to_have_text("Submitted")

        lead = open_expenses(new_page, world["programme_lead"].email)
        lead.get_by_role("link", name="Asha Learner").click()
        assert_accessible(lead)
        lead.get_by_label("What needs changing").fill(
            "120 miles to Derby looks wrong: the return trip is 12."
        )
        lead.get_by_role("button", name="Return to the learner").click()
        expect(lead.get_by_text("Claim returned to the learner.")).to_be_visible()

        learner.reload()
        expect(learner.get_by_test_id("return-reason")).to_contain_text("the return trip is 12")
        row = learner.get_by_test_id("journeys").get_by_role("row").filter(has_text="Derby teaching centre")
        row.get_by_role("button", name="Remove").click()
        add_journey(
            learner,
            "2026-11-10",
            "Derby teaching centre",
            "Own car",
            "12",
            "Parking",
            "3.50",
            tmp_path / "parking.pdf",
        )
        learner.get_by_role("button", name="Submit claim").click()
        expect(learner.get_by_test_id("claim-status")).to_have_text("Submitted")

        lead.reload()
        lead.get_by_role("button", name="Approve claim").click()
        expect(lead.get_by_test_id("claim-status")).to_have_text("Approved")
        # 12 miles at 56p = £6.72, parking £3.50, fare £4.20.
        expect(lead.get_by_test_id("claim-totals")).to_contain_text("£14.42")

        finance = open_expenses(new_page, world["finance_officer"].email)
        expect(finance.get_by_test_id("waiting")).to_contain_text("1 claim, £14.42")
        assert_accessible(finance)
        finance.get_by_role("button", name="Create export batch").click()
        with finance.expect_download() as download:
            finance.get_by_role("link", name="(Excel)", exact=False).first.click()
        with open(download.value.path(), "rb") as handle:
            rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
        claim = Claim.objects.get()
        assert rows[0][0] == "Claim reference"
        lines = rows[1:-1]
        assert [(r[0], r[1], r[2], r[8]) for r in lines] == [
            (claim.reference, "Asha Learner", "123456-01", 6.72),
            (claim.reference, "Asha Learner", "123456-01", 3.5),
            (claim.reference, "Asha Learner", "123456-01", 4.2),
        ]
        assert rows[-1][0] == "Total" and rows[-1][8] == 14.42
        assert_accessible(finance)
        finance.get_by_test_id("unpaid").get_by_role("button", name="Mark paid").click()
        expect(finance.get_by_text(f"{claim.reference} marked paid.")).to_be_visible()
        claim.refresh_from_db()
        assert claim.status == "paid"
