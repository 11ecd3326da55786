"""Assessments with one-time assessor links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from enhance.notifications.models import Notification
from enhance.portfolio import assessments
from enhance.portfolio.models import Assessment, AssessmentType

pytestmark = pytest.mark.django_db(transaction=True)

ANSWERS = {
    "judgement": "meets",
    "feedback": "Clear plans, good safety-netting.",
    "assessor_name": "Dr Ola Reed",
    "assessor_role": "Consultant geriatrician",
    "assessor_registration": "7000123",
}


def request_opcat(world, email="assessor@trust.example"):
    return assessments.assessment_request(
        actor=world["learner"],
        assessment=Assessment(
            type=AssessmentType.objects.get(code="OPCAT"),
            setting="community",
            date=dt.date.today(),
            encounter="Frailty clinic, six patients",
            assessor_email=email,
            details={"clinic": "Frailty", "patients": "6", "format": "Observed"},
        ),
    )


def link_from_email(message) -> str:
    found = re.search(r"http://[^/]+(/assess/[^/\s]+/)", message.body)
    assert found is not None, "the email carries the link"
    return found.group(1)


def test_the_assessor_completes_through_the_emailed_link_without_an_account(client, world):
    a = request_opcat(world)
    url = link_from_email(mail.outbox[-1])
    assert mail.outbox[-1].to == ["assessor@trust.example"]
    page = client.get(url)
    assert page.status_code == 200 and "Frailty clinic, six patients" in page.content.decode()
    done = client.post(url, ANSWERS)
    assert "the assessment is complete and now locked" in done.content.decode()
    a.refresh_from_db()
    assert (a.status, a.assessor_name, a.judgement) == ("completed", "Dr Ola Reed", "meets")
    assert Notification.objects.filter(recipient=world["learner"], kind="assessment_completed").exists()
    again = client.get(url)
    assert again.status_code == 410 and "already been completed" in again.content.decode()
    assert client.post(url, ANSWERS).status_code == 410


def test_expired_replaced_withdrawn_and_forged_links_say_so_plainly(client, world):
    a = request_opcat(world)
    first = link_from_email(mail.outbox[-1])
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=15)):
        assert "has expired" in client.get(first).content.decode()
    assessments.assessment_resend(actor=world["learner"], assessment=a)
    second = link_from_email(mail.outbox[-1])
    assert "replaced by a newer one" in client.get(first).content.decode()
    assert client.get(second).status_code == 200
    assessments.assessment_withdraw(actor=world["learner"], assessment=a)
    assert "withdrew this request" in client.get(second).content.decode()
    assert "not valid" in client.get("/assess/forged-token/").content.decode()


def test_missing_answers_are_named_and_nothing_is_saved(client, world):
    a = request_opcat(world)
    url = link_from_email(mail.outbox[-1])
    page = client.post(url, {**ANSWERS, "feedback": "", "judgement": "brilliant"}).content.decode()
    assert "This field is required." in page and "Select a valid choice" in page
    a.refresh_from_db()
    assert a.status == "requested"


def test_only_the_learner_resends_or_withdraws_and_assessors_with_accounts_see_their_log(client, world):
    a = request_opcat(world, email=world["supervisor"].email)
    with pytest.raises(PermissionDenied):
        assessments.assessment_withdraw(actor=world["second_learner"], assessment=a)
    assessments.assessment_complete(token=assessments.link_token(a), answers=ANSWERS)
    with pytest.raises(
        ValidationError, match=re.escape(assessments.ASSESSMENT_IS.format(status="completed"))
    ):
        assessments.assessment_resend(actor=world["learner"], assessment=a)
    client.force_login(world["supervisor"])
    assert "OPCAT for Asha Learner" in client.get(reverse("portfolio:assessment_list")).content.decode()
    client.force_login(world["second_learner"])
    assert client.get(reverse("portfolio:assessment_detail", args=[a.pk])).status_code == 403


def test_the_request_form_shows_the_types_own_fields(client, world):
    client.force_login(world["learner"])
    page = client.get(reverse("portfolio:assessment_request"), {"type": "OPCAT"}).content.decode()
    assert "Number of patients" in page and "Observed, or discussed after the clinic" in page
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("portfolio:assessment_request") + "?type=OPCAT",
        {
            "setting": "community",
            "date": future,
            "encounter": "x",
            "assessor_email": "a@b.example",
            "extra_clinic": "Frailty",
            "extra_patients": "6",
            "extra_format": "Observed",
        },
    )
    assert "cannot be in the future" in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("email", ["learner@example.org", "LEARNER2@example.org", "far@example.org"])
def test_a_learner_cannot_send_an_assessment_to_themselves_or_another_learner(world, email):
    with pytest.raises(ValidationError) as refused:
        request_opcat(world, email=email)
    assert refused.value.message_dict == {"assessor_email": [assessments.ASSESSOR_IS_A_LEARNER]}
    assert not Assessment.objects.exists()
    assert not mail.outbox


def test_an_assessors_answers_are_held_to_a_readable_length(client, world):
    request_opcat(world)
    url = link_from_email(mail.outbox[-1])
    page = client.post(url, {**ANSWERS, "feedback": "x" * 100_000}).content.decode()
    assert "Ensure this value has at most 5000 characters" in page
    assert Assessment.objects.get().status == "requested"


def test_an_assessor_outside_the_programmes_domains_waits_for_the_supervisor(client, world):
    programme = world.programme
    programme.assessor_email_domains = "nhs.net\nderbyshire.nhs.uk"
    programme.save()
    within = request_opcat(world, email="dr.reed@nhs.net")
    assert within.status == "requested" and mail.outbox[-1].to == ["dr.reed@nhs.net"]
    outside = request_opcat(world, email="locum@gmail.com")
    assert outside.status == "awaiting_approval"
    assert not [m for m in mail.outbox if "locum@gmail.com" in m.to]  # no link until approved
    assert Notification.objects.filter(recipient=world["supervisor"], kind="assessor_approval").exists()
    with pytest.raises(PermissionDenied):
        assessments.assessment_assessor_approve(actor=world["programme_lead"], assessment=outside)
    with pytest.raises(PermissionDenied):
        assessments.assessment_assessor_approve(actor=world["learner"], assessment=outside)

    client.force_login(world["supervisor"])
    page = client.get(reverse("portfolio:assessment_detail", args=[outside.pk])).content.decode()
    assert "Approve the assessor and send the link" in page
    client.post(reverse("portfolio:assessment_approve", args=[outside.pk]))
    outside.refresh_from_db()
    assert outside.status == "requested"
    assert mail.outbox[-1].to == ["locum@gmail.com"]
    with pytest.raises(
        ValidationError, match=re.escape(assessments.ASSESSMENT_IS.format(status="waiting for the assessor"))
    ):
        assessments.assessment_assessor_approve(actor=world["supervisor"], assessment=outside)


def test_subdomains_of_an_allowed_domain_are_allowed(world):
    world.programme.assessor_email_domains = "nhs.uk"
    assert world.programme.assessor_domain_allowed("a@derbyshire.nhs.uk")
    assert world.programme.assessor_domain_allowed("a@NHS.UK")
    assert not world.programme.assessor_domain_allowed("a@nhs.uk.example.com")
    world.programme.assessor_email_domains = ""
    assert world.programme.assessor_domain_allowed("anyone@example.com")
