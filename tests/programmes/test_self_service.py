"""Learners keep their own details, licence and insurance; every field is checked first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enhance.programmes import self_service
from enhance.programmes.models import Membership

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 certificate"


def post(client, **data):
    url = reverse("programmes:my_details")
    base = {"preferred_name": "", "pronouns": "", "phone": "", "adjustments": ""}
    return client.post(url, {**base, **data})


def test_a_learner_records_licence_insurance_and_certificate(client, world):
    client.force_login(world["learner"])
    response = post(
        client,
        pronouns="she/her",
        adjustments="Dyslexia: slides before sessions, please.",
        holds_driving_licence="on",
        licence_checked_on="2026-11-01",
        business_insurance_expires_on="2027-10-31",
        insurance_certificate=SimpleUploadedFile("cert.pdf", PDF),
    )
    assert response.status_code == 302
    m = Membership.objects.get(pk=world.learner_membership.pk)
    assert (m.holds_driving_licence, m.business_insurance_expires_on) == (True, dt.date(2027, 10, 31))
    assert m.insurance_certificate_type == "application/pdf"
    assert m.person.pronouns == "she/her"
    assert m.history.first().business_insurance_expires_on == dt.date(2027, 10, 31)  # history kept
    client.force_login(world["programme_lead"])
    page = client.get(reverse("learner", args=[m.person_id])).content.decode()
    assert "Dyslexia: slides before sessions" in page
    assert client.get(reverse("programmes:insurance_certificate", args=[m.pk])).status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"business_insurance_expires_on": "2020-01-01", "holds_driving_licence": "on"},
            "business_insurance_expires_on",
            self_service.INSURANCE_EXPIRED,
        ),
        (
            {"business_insurance_expires_on": "2030-01-01"},
            "holds_driving_licence",
            self_service.INSURANCE_NEEDS_LICENCE,
        ),
        (
            {"licence_checked_on": "2099-01-01", "holds_driving_licence": "on"},
            "licence_checked_on",
            self_service.LICENCE_CHECK_IN_FUTURE,
        ),
    ],
)
def test_bad_details_are_refused_field_by_field_and_change_nothing(client, world, data, field, message):
    client.force_login(world["learner"])
    response = post(client, pronouns="they/them", **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    m = Membership.objects.get(pk=world.learner_membership.pk)
    assert m.person.pronouns == "" and m.licence_checked_on is None


def test_a_certificate_that_is_not_a_pdf_or_image_is_refused(client, world):
    client.force_login(world["learner"])
    response = post(
        client,
        holds_driving_licence="on",
        insurance_certificate=SimpleUploadedFile("cert.pdf", b"MZ not a pdf"),
    )
    assert response.status_code == 400
    assert self_service.CERTIFICATE_WRONG_TYPE in response.content.decode()
    assert not Membership.objects.get(pk=world.learner_membership.pk).holds_driving_licence


def test_only_the_learner_and_their_leads_open_the_certificate(client, world):
    m = world.learner_membership
    self_service.my_details_update(
        actor=world["learner"],
        membership=m,
        certificate=SimpleUploadedFile("cert.pdf", PDF),
        holds_driving_licence=True,
    )
    url = reverse("programmes:insurance_certificate", args=[m.pk])
    for persona, status in (
        ("learner", 200),
        ("locality_lead", 200),
        ("second_learner", 403),
        ("faculty", 403),
    ):
        client.force_login(world[persona])
        assert client.get(url).status_code == status, persona
    with pytest.raises(Exception, match=self_service.ONLY_YOUR_OWN_DETAILS):
        self_service.my_details_update(actor=world["programme_lead"], membership=m, pronouns="x")


def test_people_without_a_membership_cannot_open_my_details(client, world):
    client.force_login(world["faculty"])
    assert client.get(reverse("programmes:my_details")).status_code == 403
