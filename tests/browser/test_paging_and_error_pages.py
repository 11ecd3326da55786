"""A lead pages through a long learner list; error pages lead back home. Clicked in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def long_list(world):
    """Before the journey: 55 more learners, so the list runs to three pages."""
    for _ in range(55):
        MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)


def test_programme_lead_pages_forward_and_back_through_the_learner_list(new_page, world, long_list):
    page = sign_in(new_page, world["programme_lead"].email)

    goto(page, "/learners/")
    expect(page.get_by_text("Showing 1 to 25 of 57.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Showing 26 to 50 of 57.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Showing 51 to 57 of 57.")).to_be_visible()
    expect(page.get_by_role("link", name="Next")).to_have_count(0)

    page.get_by_role("link", name="Previous").click()
    expect(page.get_by_text("Showing 26 to 50 of 57.")).to_be_visible()


def test_error_pages_are_accessible_nhs_pages_with_a_way_home(new_page, world):
    page = sign_in(new_page, world["learner"].email, staff=False)
    for url, heading, status in (
        ("/no-such-page/", "Page not found", 404),
        ("/learners/", "You cannot open this page", 403),
    ):
        response = page.goto(url)
        assert response is not None and response.status == status
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Go to your home page").click()
        expect(page.get_by_role("heading", name="Welcome", exact=False)).to_be_visible()


def test_the_import_page_fits_a_320_pixel_screen(new_page, world):
    page = sign_in(new_page, world["programme_lead"].email)
    page.set_viewport_size({"width": 320, "height": 640})
    goto(page, "/imports/")
    bad_row = "7123456,Dana,Okafor,not-an-email,Midlands IMT,Derbyshire,Trust,05/08/2026,IMY1,1.0"
    header = (
        "GMC Number,Forename,Surname,Email,Programme,Locality,Employing Organisation,Start Date,Grade,WTE"
    )
    page.get_by_label("Spreadsheet of recruited trainees").set_input_files(
        {
            "name": "recruitment-round-two-midlands-imt-" + "x" * 60 + ".csv",
            "mimeType": "text/csv",
            "buffer": f"{header}\r\n{bad_row}\r\n".encode(),
        }
    )
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_text("Nothing was imported")).to_be_visible()
    for _ in range(2):
        wider = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wider <= 0, f"{page.url} scrolls sideways by {wider} px"
        goto(page, "/imports/")


def test_a_lead_uploads_a_large_file_sees_it_checked_pages_through_it_and_imports_it(
    new_page, world, settings, tmp_path
):
    from enhance.programmes.import_jobs import import_check, import_run
    from enhance.programmes.models import ImportBatch
    from tests.programmes.test_imports import csv_bytes, many_rows

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker yet
    page = sign_in(new_page, world["programme_lead"].email)
    goto(page, "/imports/")
    (tmp_path / "intake.csv").write_bytes(csv_bytes(*many_rows(130)))
    page.get_by_label("Spreadsheet of recruited trainees").set_input_files(tmp_path / "intake.csv")
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("Checking 130 rows")
    assert_accessible(page)
    import_check(ImportBatch.objects.get().pk)  # the background worker checks it
    expect(page.get_by_text("Every row passed the checks")).to_be_visible()  # the page updates itself
    expect(page.get_by_text("Showing 1 to 100 of 130.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Showing 101 to 130 of 130.")).to_be_visible()
    expect(page.get_by_test_id("import-preview")).to_contain_text("Many Learner129")
    page.get_by_role("button", name="Import 130 rows").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("Importing 130 rows")
    import_run(ImportBatch.objects.get().pk)  # the background worker imports it
    page.get_by_role("link", name="Check now").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("130 added, 0 updated")
    assert_accessible(page)


def test_a_lead_asks_for_a_long_workbook_and_gets_it_once_it_is_made(
    new_page, world, long_list, settings, monkeypatch
):
    from enhance.core import downloads
    from enhance.core.models import Download

    monkeypatch.setattr(downloads, "IN_BACKGROUND_FROM", 20)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker yet
    page = sign_in(new_page, world["programme_lead"].email)
    goto(page, "/teaching/attendance/")
    page.get_by_role("link", name="Excel").click()
    expect(page.get_by_test_id("download-status")).to_contain_text("Making a file of 57 rows")
    assert_accessible(page)
    downloads.download_make(Download.objects.get().pk)  # the background worker makes it
    expect(page.get_by_test_id("download-status")).to_contain_text("The file is ready: 57 rows")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download attendance.xlsx").click()
    assert download.value.suggested_filename == "attendance.xlsx"
