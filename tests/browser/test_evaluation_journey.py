"""Evaluation, clicked in Chromium: a learner answers the entry survey and, a year later, the
end-of-year survey; the national admin filters the dashboards to one trailblazer, reads the
change in confidence with its table and downloads the workbook; a programme lead sees only
their programme, and a cohort of four respondents shows "fewer than 5"."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from enhance.evaluation import surveys
from enhance.programmes.models import Region
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.steps import menu
from tests.evaluation.conftest import answered_by, respond
from tests.factories import CohortFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _answer_survey(page: Page, label: str, rating: str) -> None:
    menu(page, "Surveys")
    page.get_by_role("link", name=f"{label} survey").click()
    expect(page.get_by_role("heading", name=f"{label} survey")).to_be_visible()
    assert_accessible(page)
    for group in page.get_by_role("group").all():
        group.get_by_label(rating, exact=True).check()
    page.get_by_label("Is there anything else", exact=False).fill(f"{label}: more community clinics")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you: your answers are saved.")).to_be_visible()


def test_a_learner_answers_the_entry_survey_and_a_year_later_the_end_of_year_survey(new_page, world):
    with time_machine.travel(dt.datetime(2026, 8, 10, 9, 0), tick=True):
        surveys.waves_open_due()  # the 07:00 daily job opens the cohort's entry survey
        learner = sign_in(new_page, world["learner"].email, staff=False)
        _answer_survey(learner, "Entry", "2")
        expect(learner.get_by_text("No survey is waiting for you.")).to_be_visible()
    with time_machine.travel(dt.datetime(2027, 7, 12, 9, 0), tick=True):
        surveys.waves_open_due()  # a year on, the end of year 1 survey opens
        learner = sign_in(new_page, world["learner"].email, staff=False)
        _answer_survey(learner, "End of year 1", "4")
        table = learner.get_by_test_id("my-answers")
        expect(table.get_by_role("columnheader")).to_have_text(
            ["Question", "Entry (Aug 2026)", "End of year 1 (Jul 2027)"]
        )
        row = table.get_by_role("row", name="How confident do you feel in person-centred practice?")
        expect(row.get_by_role("cell")).to_have_text(["2", "4"])
        assert_accessible(learner)


@pytest.fixture
def evaluated(world):
    """Before the journeys: six learners of the world's cohort answered at entry and at the end
    of year 1 (first question: changes 1, 2, 3, 4, 1, 2); four of a second cohort at entry."""
    answered_by(world, [1, 1, 1, 1, 1, 1], [2, 3, 4, 5, 2, 3])
    small = CohortFactory(
        programme=world.programme, name="August 2025 intake", intake_date=dt.date(2025, 8, 6)
    )
    from enhance.evaluation.models import Wave

    wave = Wave.objects.create(
        cohort=small, point="entry", year=0, opens_on=dt.date(2025, 8, 6), closes_on=dt.date(2025, 9, 3)
    )
    for _ in range(4):
        respond(wave, MembershipFactory(programme=world.programme, cohort=small), 3)
    return small


def test_the_national_admin_filters_to_a_trailblazer_reads_the_change_and_downloads_the_workbook(
    new_page, world, evaluated
):
    admin = sign_in(new_page, world["national_admin"].email)
    menu(admin, "Evaluation")
    expect(admin.get_by_role("heading", name="Evaluation", exact=True)).to_be_visible()
    admin.get_by_label("Trailblazer").select_option(label=str(Region.objects.get(code="midlands")))
    admin.get_by_role("button", name="Apply filters").click()
    admin.get_by_role("link", name="Confidence").first.click()
    expect(admin.get_by_role("heading", name="Change in confidence from entry")).to_be_visible()
    expect(admin.locator("canvas[data-drawn='true']").first).to_be_attached()  # charts drawn under the CSP
    row = admin.get_by_test_id("change").get_by_role(
        "row", name="person-centred practice?: entry to end of year 1"
    )
    expect(row.get_by_role("cell").first).to_have_text("6")
    expect(row.get_by_role("cell").nth(1)).to_have_text("2.17")
    with admin.expect_download() as csv_download:
        admin.get_by_role("link", name="CSV of change in confidence from entry").click()
    assert "Learners with both answers" in open(csv_download.value.path()).read()  # noqa: SIM115
    admin.get_by_role("link", name="Overview").click()
    admin.get_by_role("button", name="Build the workbook").click()
    expect(admin.get_by_text("The workbook is ready.")).to_be_visible()
    assert_accessible(admin)
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Download the workbook (Excel)").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    filters = {r[0]: r[1] for r in book["Filters"].iter_rows(values_only=True)}
    assert filters["Trailblazer"] == "Midlands" and "Data dictionary" in book.sheetnames


def test_a_programme_lead_sees_only_their_programme_and_a_cohort_of_four_shows_fewer_than_5(
    new_page, world, evaluated
):
    lead = sign_in(new_page, world["programme_lead"].email)
    menu(lead, "Evaluation")
    lead.get_by_role("link", name="Reach").first.click()
    programmes = lead.get_by_label("Programme (optional)", exact=True).locator("option")
    expect(programmes).to_have_text(["All", f"{world.programme.name}"])
    expect(lead.get_by_test_id("by-programme").get_by_role("rowheader")).to_have_text(
        [f"{world.programme.name} (Midlands)"]
    )
    lead.get_by_role("link", name="Confidence").first.click()
    lead.get_by_label("Cohort (intake)").select_option(label=f"{evaluated.name}")
    lead.get_by_role("button", name="Apply filters").click()
    means = lead.get_by_test_id("means")
    expect(means.get_by_role("row").nth(1).get_by_role("cell").first).to_have_text("fewer than 5")
    assert_accessible(lead)
    menu(lead, "Programmes")
    lead.get_by_role("link", name=world.programme.name).click()
    lead.get_by_role("link", name="Survey schedule").click()
    lead.get_by_label("Days each survey stays open").fill("21")
    lead.get_by_role("button", name="Save the schedule").click()
    expect(lead.get_by_text("The survey schedule is saved.")).to_be_visible()
    waves = lead.get_by_test_id("waves")
    expect(waves.get_by_role("row", name="August 2025 intake Entry")).to_contain_text("fewer than 5")
    assert_accessible(lead)


def test_figures_counted_in_the_background_appear_by_themselves(new_page, world, evaluated, settings):
    from enhance.evaluation.counting import measure_count

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker yet
    admin = sign_in(new_page, world["national_admin"].email)
    menu(admin, "Evaluation")
    admin.get_by_role("link", name="Reach").first.click()
    expect(admin.get_by_text("Counting these figures.")).to_be_visible()
    assert_accessible(admin)
    measure_count(world["national_admin"].pk, "reach", {})  # the background worker counts them
    expect(admin.get_by_test_id("by-programme")).to_be_visible()  # the page updated itself
    expect(admin.locator("canvas[data-drawn='true']").first).to_be_attached()
    expect(admin.get_by_text("Counting these figures.")).to_have_count(0)
    assert_accessible(admin)
