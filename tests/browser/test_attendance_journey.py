"""A locality lead finds the learners at risk in their locality and downloads the list.
Clicked in Chromium."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.teaching.test_sessions import START

pytestmark = pytest.mark.django_db(transaction=True)


def test_locality_lead_filters_attendance_to_the_learners_at_risk_and_downloads_them(new_page, world, marked):
    with time_machine.travel(START + dt.timedelta(days=30), tick=True):
        page = sign_in(new_page, world["locality_lead"].email)
        goto(page, "/teaching/")
        page.get_by_role("link", name="Attendance by learner").click()
        expect(page.get_by_role("heading", name="Attendance at enhance sessions")).to_be_visible()
        table = page.get_by_test_id("attendance")
        expect(table.get_by_role("row").nth(1)).to_contain_text("Asha Learner")  # at risk first, of 31
        expect(table.get_by_role("row").nth(1)).to_contain_text("Out of reach")
        page.get_by_label("Standing").select_option(label="Out of reach")
        page.get_by_role("button", name="Apply filters").click()
        expect(page.get_by_text("Download this list (1 learner)")).to_be_visible()
        assert_accessible(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="CSV").click()
        lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and lines[1].startswith("Asha Learner,") and lines[1].endswith(",Out of reach")
