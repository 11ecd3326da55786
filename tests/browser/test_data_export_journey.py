"""A learner asks for a copy of their data and opens its PDF summary, clicked in Chromium."""

from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from enhance.portfolio.models import Reflection
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def private_reflection(world):
    """Written before the journey: a private reflection the copy must still include."""
    return Reflection.objects.create(
        person=world.learner_membership.person,
        title="Private thoughts",
        happened="x",
        draft=False,
        visibility="private",
    )


def test_learner_downloads_a_copy_of_their_data_and_reads_the_summary(new_page, world, private_reflection):
    page = sign_in(new_page, world["learner"].email, staff=False)
    page.get_by_role("link", name="A copy of my data").click()
    expect(page.get_by_role("heading", name="A copy of your data")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Request a copy of my data").click()
    expect(page.get_by_text("Your copy is ready.")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the copy (zip)").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download_info.value.path(), "rb").read()))  # noqa: SIM115
    summary = PdfReader(io.BytesIO(archive.read("summary.pdf")))
    text = " ".join(p.extract_text() for p in summary.pages)
    assert "Your data held by enhance: Asha Learner" in text
    assert "Private thoughts" in text
