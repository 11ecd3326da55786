"""A copy of everything the service holds about a person: asked for by the person or a
national admin, built in the background, complete (private reflections and receipts too)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from enhance.expenses.models import Claim, Cost, Journey
from enhance.portfolio.models import Reflection
from enhance.privacy import services
from enhance.privacy.models import DataExport

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def records(world):
    person = world.learner_membership.person
    Reflection.objects.create(
        person=person, title="Only for me", happened="x", draft=False, visibility="private"
    )
    claim = Claim.objects.create(membership=world.learner_membership, month=dt.date(2026, 10, 1))
    journey = Journey.objects.create(
        claim=claim,
        date=dt.date(2026, 10, 2),
        origin="Derby",
        destination="Ilkeston",
        purpose="session",
        mode="public",
        miles=0,
    )
    Cost.objects.create(
        journey=journey,
        kind="fare",
        pence=450,
        receipt=SimpleUploadedFile("bus.pdf", b"%PDF-1.4 bus"),
        receipt_type="application/pdf",
    )
    return person


def unzip(export: DataExport) -> zipfile.ZipFile:
    export.refresh_from_db()
    assert export.status == "ready", export.error
    return zipfile.ZipFile(io.BytesIO(export.file.read()))


def test_a_learners_copy_holds_everything_with_a_readable_summary(world, records):
    from tests.evaluation.conftest import answered_by

    answered_by(world, [2], [4])  # their own survey answers are theirs to have
    export = services.data_export_request(actor=world["learner"], person=records)
    archive = unzip(export)
    names = archive.namelist()
    assert "summary.pdf" in names and "data.json" in names
    assert any(n.startswith("receipts/") and n.endswith("bus.pdf") for n in names)
    data = json.loads(archive.read("data.json"))
    assert data["person"][0]["email"] == "learner@example.org"
    assert [r["title"] for r in data["reflections"]] == ["Only for me"]
    assert data["costs"][0]["pence"] == 450
    assert data["memberships"][0]["programme_id"] == world.programme.pk
    scores = [
        (a["response__wave__year"], a["score"])
        for a in data["survey_answers"]
        if "person-centred" in a["item__text"]
    ]
    assert sorted(scores) == [(0, 2), (1, 4)]
    summary = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(archive.read("summary.pdf"))).pages
    )
    assert "Asha Learner" in summary and "Only for me" in summary


def test_only_the_person_or_a_national_admin_can_ask_and_each_request_is_recorded(world, records):
    for persona in ("programme_lead", "supervisor", "second_learner"):
        with pytest.raises(PermissionDenied):
            services.data_export_request(actor=world[persona], person=records)
    export = services.data_export_request(actor=world["national_admin"], person=records)
    assert export.requested_by == world["national_admin"]
    assert export.person == records


def test_one_copy_is_built_at_a_time_per_person(world, records):
    waiting = DataExport.objects.create(person=records, requested_by=world["learner"])
    assert services.data_export_request(actor=world["learner"], person=records) == waiting
    assert DataExport.objects.count() == 1


def test_pages_download_and_refusals(client, world, records):
    client.force_login(world["learner"])
    assert "Request a copy of my data" in client.get(reverse("privacy:my_data")).content.decode()
    response = client.post(reverse("privacy:export_request", args=[records.pk]))
    export = DataExport.objects.get()
    assert response["Location"] == export.get_absolute_url()
    download = client.get(export.get_absolute_url(), {"download": "1"})
    assert download["Content-Type"] == "application/zip"
    client.force_login(world["second_learner"])
    assert client.get(export.get_absolute_url()).status_code == 403
    assert client.post(reverse("privacy:export_request", args=[records.pk])).status_code == 403
    assert DataExport.objects.count() == 1
