"""The lead sets requirements and sees a learner turn from red to green; the learner
downloads an evidence pack whose PDF renders."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible, goto, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_requirements_turn_green_and_the_evidence_pack_renders(new_page, world):
    lead = sign_in(new_page, world["programme_lead"].email)
    goto(lead, "/portfolio/requirements/")
    assert_accessible(lead)
    lead.get_by_label("Programme").select_option(label="Midlands IMT")
    lead.get_by_label("Training year").fill("1")
    lead.get_by_label("Name").fill("IMY1 enhance requirements")
    lead.get_by_role("button", name="Add requirement set").click()
    lead.get_by_label("Rule", exact=True).select_option(label="Finished reflections")
    lead.get_by_label("Target").fill("1")
    lead.get_by_role("button", name="Add rule").click()
    expect(lead.get_by_test_id("rules")).to_contain_text("Finished reflections: 1")
    assert_accessible(lead)
    lead.get_by_role("link", name="Who is behind").click()
    rag = lead.get_by_test_id(f"rag-{world.learner_membership.pk}")
    expect(rag).to_have_text("Red")
    assert_accessible(lead)

    learner = sign_in(new_page, "learner@example.org", staff=False)
    goto(learner, "/portfolio/reflections/new/")
    learner.get_by_label("Title").fill("Leading across professions")
    learner.get_by_label("What happened").fill("I chaired the frailty huddle with the community matron.")
    learner.get_by_label("Leadership").check()
    learner.get_by_label("Shared with my supervisor and programme team").check()
    learner.get_by_role("button", name="Save and finish").click()
    expect(learner.get_by_text("Reflection saved.")).to_be_visible()

    lead.reload()
    expect(lead.get_by_test_id(f"rag-{world.learner_membership.pk}")).to_have_text("Green")

    goto(learner, "/portfolio/evidence/")
    assert_accessible(learner)
    today = dt.date.today()
    learner.get_by_label("From").fill((today - dt.timedelta(days=30)).isoformat())
    learner.get_by_label("To").fill(today.isoformat())
    learner.get_by_role("button", name="Make evidence pack").click()
    expect(learner.get_by_role("link", name="Download the evidence pack (zip)")).to_be_visible()
    assert_accessible(learner)
    with learner.expect_download() as download:
        learner.get_by_role("link", name="Download the evidence pack (zip)").click()
    with open(download.value.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    pdf = PdfReader(io.BytesIO(archive.read("evidence.pdf")))
    assert len(pdf.pages) >= 1
    first_page = pdf.pages[0].extract_text()
    assert "enhance evidence pack" in first_page and "Asha Learner" in first_page
    assert "Leading across professions" in " ".join(p.extract_text() for p in pdf.pages)
