"""Evidence packs: PDF, CSV and JSON of a date range, built in the background."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from enhance.portfolio import evidence, services
from enhance.portfolio.evidence import END_DATE_AFTER_START_DATE
from enhance.portfolio.models import Assessment, AssessmentType, EvidencePack, Reflection

pytestmark = pytest.mark.django_db(transaction=True)


def test_pack_holds_shared_evidence_in_range_only(client, world):
    person = world.learner_membership.person
    today = dt.date.today()
    Assessment.objects.create(
        person=person,
        type=AssessmentType.objects.get(code="OPCAT"),
        setting="community",
        date=today,
        encounter="x",
        assessor_email="a@b.example",
        status="completed",
        assessor_name="Dr Reed",
        assessor_role="Consultant",
        judgement="meets",
        feedback="Well done",
    )
    Assessment.objects.create(
        person=person,
        type=AssessmentType.objects.get(code="CbD"),
        setting="hospital",
        date=today - dt.timedelta(days=400),
        encounter="old",
        assessor_email="a@b.example",
        status="completed",
    )
    services.reflection_save(
        actor=world["learner"],
        reflection=Reflection(title="Shared one", happened="Seen", visibility="supervisor"),
        domains=[],
        themes=[],
        publish=True,
    )
    services.reflection_save(
        actor=world["learner"],
        reflection=Reflection(title="Private one", happened="Mine", visibility="private"),
        domains=[],
        themes=[],
        publish=True,
    )

    client.force_login(world["learner"])
    response = client.post(
        reverse("portfolio:evidence_packs"),
        {"starts_on": (today - dt.timedelta(days=30)).isoformat(), "ends_on": today.isoformat()},
    )
    pack = EvidencePack.objects.get()
    assert response["Location"] == reverse("portfolio:evidence_pack", args=[pack.pk])
    assert pack.status == "ready"
    download = client.get(reverse("portfolio:evidence_pack", args=[pack.pk]), {"download": "1"})
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert sorted(archive.namelist()) == ["evidence.csv", "evidence.json", "evidence.pdf"]
    data = json.loads(archive.read("evidence.json"))
    assert [a["type"] for a in data["assessments"]] == ["OPCAT"]
    assert [r["title"] for r in data["reflections"]] == ["Shared one"]
    assert "Assessment," in archive.read("evidence.csv").decode()
    pdf = PdfReader(io.BytesIO(archive.read("evidence.pdf")))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "enhance evidence pack" in text and "Shared one" in text and "Private one" not in text
    client.force_login(world["second_learner"])
    assert client.get(reverse("portfolio:evidence_pack", args=[pack.pk])).status_code == 403


def test_bad_ranges_are_refused(world):
    with pytest.raises(Exception, match=re.escape(END_DATE_AFTER_START_DATE)):
        evidence.pack_request(actor=world["learner"], start=dt.date(2026, 5, 1), end=dt.date(2026, 4, 1))
    assert not EvidencePack.objects.exists()


def test_a_learner_has_one_pack_being_built_at_a_time(world):
    start, end = dt.date(2026, 8, 1), dt.date(2026, 9, 1)
    waiting = EvidencePack.objects.create(
        person=world.learner_membership.person, starts_on=start, ends_on=end
    )
    for _ in range(5):
        assert evidence.pack_request(actor=world["learner"], start=start, end=end) == waiting
    assert EvidencePack.objects.count() == 1
    waiting.status = EvidencePack.Status.READY
    waiting.save()
    fresh = evidence.pack_request(actor=world["learner"], start=start, end=end)
    assert fresh != waiting
