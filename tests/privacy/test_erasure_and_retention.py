"""Erasing a person who has left (identity gone, figures kept, refused while anything is
open) and the retention rules the daily job applies."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from enhance.accounts.models import User
from enhance.expenses.models import Claim
from enhance.notifications.models import Notification
from enhance.notifications.services import notify
from enhance.portfolio.models import Assessment, AssessmentType, Reflection
from enhance.privacy import erasure
from enhance.privacy.models import Erasure, RetentionRule
from enhance.programmes.models import ImportBatch, Membership, Person
from enhance.teaching.models import Attendance, LeaveRequest, Session, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def departed(world):
    m = world.learner_membership
    m.status = Membership.Status.COMPLETED
    m.assignment_number = "123456-01"
    m.save()
    session = Session.objects.create(
        programme=world.programme,
        title="Human factors",
        topic=Topic.objects.get(name="Human factors"),
        mode="virtual",
        online_link="https://meet.example/x",
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=timezone.now() - dt.timedelta(days=30, hours=-2),
    )
    Attendance.objects.create(session=session, membership=m, status="present")
    Reflection.objects.create(person=m.person, title="About my patient", happened="Details", draft=False)
    notify(recipient=world["learner"], kind="general", title="Hello Asha")
    return m.person


def test_erasure_removes_identity_and_keeps_what_they_took_part_in(world, departed):
    memberships, attendance = Membership.objects.count(), Attendance.objects.count()
    erasure.person_erase(actor=world["national_admin"], person=departed, reason="Left in July 2026")
    person = Person.objects.get(pk=departed.pk)
    assert (person.forename, person.email) == ("Erased", f"erased-{departed.pk}@erased.invalid")
    assert "Asha" not in str(list(person.history.values()))
    assert Membership.objects.get(person=person).assignment_number == ""
    assert Reflection.objects.get(person=person).title == "Erased"
    user = User.objects.get(pk=world["learner"].pk)
    assert not user.is_active and not user.has_usable_password() and user.email.endswith("@erased.invalid")
    assert not Notification.objects.filter(recipient=user).exists()
    assert (Membership.objects.count(), Attendance.objects.count()) == (memberships, attendance)
    assert Erasure.objects.get(person=person).erased_by == world["national_admin"]
    with pytest.raises(ValidationError, match=re.escape(erasure.ALREADY_ERASED)):
        erasure.person_erase(actor=world["national_admin"], person=person, reason="again")


def test_erasure_is_refused_with_the_reason_while_anything_is_open(world):
    person = world.learner_membership.person
    with pytest.raises(ValidationError, match=re.escape(erasure.STILL_IN_PROGRAMME)):
        erasure.person_erase(actor=world["national_admin"], person=person, reason="Left")
    Membership.objects.filter(person=person).update(status=Membership.Status.WITHDRAWN)
    Claim.objects.create(membership=world.learner_membership, month=dt.date(2026, 9, 1), status="exported")
    LeaveRequest.objects.create(
        membership=world.learner_membership,
        starts_on=dt.date(2030, 1, 1),
        ends_on=dt.date(2030, 1, 1),
        reason="x",
        days=1,
    )
    Assessment.objects.create(
        person=person,
        type=AssessmentType.objects.get(code="OPCAT"),
        setting="community",
        date=dt.date(2026, 9, 1),
        encounter="x",
        assessor_email="a@b.example",
    )
    assert erasure.erasure_blockers(person) == [
        "A travel claim is waiting for approval or payment.",
        "A study-leave request is waiting for a decision.",
        "An assessment is waiting for its assessor.",
    ]
    with pytest.raises(ValidationError):
        erasure.person_erase(actor=world["national_admin"], person=person, reason="Left")
    assert Person.objects.get(pk=person.pk).forename == "Asha"


def test_only_national_admins_erase_and_a_reason_is_needed(world, departed):
    for persona in ("regional_lead", "programme_lead", "learner"):
        with pytest.raises(PermissionDenied):
            erasure.person_erase(actor=world[persona], person=departed, reason="Left")
    with pytest.raises(ValidationError) as missing:
        erasure.person_erase(actor=world["national_admin"], person=departed, reason="  ")
    assert missing.value.message_dict == {"reason": [erasure.REASON_NEEDED]}


def test_retention_rules_are_reference_data_applied_by_the_daily_job(world):
    from enhance.core.scheduling import registered_daily_jobs

    assert "privacy_retention" in registered_daily_jobs()
    assert RetentionRule.objects.get(code="read-notifications").days == 180
    now = timezone.now()
    old = notify(recipient=world["learner"], kind="general", title="Old")
    Notification.objects.filter(pk=old.pk).update(read_at=now - dt.timedelta(days=200))
    recent = notify(recipient=world["learner"], kind="general", title="Recent")
    Notification.objects.filter(pk=recent.pk).update(read_at=now - dt.timedelta(days=10))
    paid = Claim.objects.create(
        membership=world.learner_membership,
        month=dt.date(2017, 1, 1),
        status="paid",
        paid_on=dt.date(2017, 2, 1),
    )
    kept = Claim.objects.create(
        membership=world.learner_membership,
        month=dt.date(2025, 1, 1),
        status="paid",
        paid_on=dt.date(2025, 2, 1),
    )
    ImportBatch.objects.create(created_by=world["programme_lead"], filename="old.csv", sha256="x")
    ImportBatch.objects.filter(filename="old.csv").update(created_at=now - dt.timedelta(days=31))
    done = erasure.retention_apply(now)
    assert done["read-notifications"] == 1 and done["import-files"] == 1
    assert (
        not Notification.objects.filter(pk=old.pk).exists()
        and Notification.objects.filter(pk=recent.pk).exists()
    )
    assert not Claim.objects.filter(pk=paid.pk).exists() and Claim.objects.filter(pk=kept.pk).exists()
    RetentionRule.objects.filter(code="read-notifications").update(days=5)
    assert erasure.retention_apply(now)["read-notifications"] == 1
