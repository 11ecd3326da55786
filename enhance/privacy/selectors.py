"""Everything the service holds about one person, gathered for a copy of their data.

Each section is a list of plain values (what the tables hold), so the JSON is complete and
machine-readable; the PDF summary shows the same sections for people to read."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from enhance.evaluation.models import Answer
from enhance.expenses.models import Claim, Cost, Journey
from enhance.notifications.models import Notification
from enhance.placements.models import ClinicEntry, Placement, PreferenceSet
from enhance.portfolio.models import Assessment, EvidencePack, Reflection
from enhance.privacy.models import DataExport
from enhance.programmes.models import GradePeriod, Membership, Person, RecordView, RoleAssignment
from enhance.projects.models import ImmersiveDay, Interest, Meeting, Milestone, Output, PartnerChoice, Project
from enhance.teaching.models import Attendance, Booking, Feedback, LeaveRequest

# Columns never given out: link secrets that would let someone act as an assessor.
SECRET_FIELDS = {"link_nonce", "checkin_secret", "password"}


def _rows(queryset: Any, *fields: str) -> list[dict[str, Any]]:
    rows = list(queryset.values(*fields))
    return [{k: v for k, v in row.items() if k not in SECRET_FIELDS} for row in rows]


def personal_data(person: Person) -> dict[str, Any]:
    user = person.user
    memberships = Membership.objects.filter(person=person)
    projects = Project.objects.filter(Q(lead__person=person) | Q(co_learners__person=person)).distinct()
    claims = Claim.objects.filter(membership__person=person)
    return {
        "person": _rows(Person.objects.filter(pk=person.pk)),
        "account": _rows(
            type(user).objects.filter(pk=user.pk), "email", "full_name", "date_joined", "last_login"
        )
        if user
        else [],
        "memberships": _rows(memberships),
        "grades": _rows(
            GradePeriod.objects.filter(membership__person=person), "membership_id", "grade__code", "starts_on"
        ),
        "roles": _rows(RoleAssignment.objects.filter(user=user)) if user else [],
        "attendance": _rows(
            Attendance.objects.filter(membership__person=person),
            "session__title",
            "session__starts_at",
            "status",
            "checked_in_at",
            "note",
        ),
        "bookings": _rows(
            Booking.objects.filter(membership__person=person), "session__title", "waitlisted", "created_at"
        ),
        "session_feedback": _rows(
            Feedback.objects.filter(membership__person=person), "session__title", "rating", "worked", "change"
        ),
        "study_leave": _rows(LeaveRequest.objects.filter(membership__person=person)),
        "placement_preferences": _rows(
            PreferenceSet.objects.filter(membership__person=person),
            "block__name",
            "interests",
            "learning_needs",
            "choices__rank",
            "choices__opportunity__title",
        ),
        "placements": _rows(
            Placement.objects.filter(membership__person=person),
            "block__name",
            "opportunity__title",
            "rank",
            "starts_on",
            "ends_on",
        ),
        "clinics": _rows(ClinicEntry.objects.filter(placement__membership__person=person)),
        "reflections": _rows(Reflection.objects.filter(person=person)),
        "assessments": _rows(Assessment.objects.filter(person=person)),
        "evidence_packs": _rows(
            EvidencePack.objects.filter(person=person), "starts_on", "ends_on", "status", "created_at"
        ),
        "partner_choices": _rows(
            PartnerChoice.objects.filter(membership__person=person),
            "round__name",
            "partner__organisation__name",
            "rank",
        ),
        "partner_interests": _rows(Interest.objects.filter(membership__person=person), "round__name", "text"),
        "immersive_days": _rows(
            ImmersiveDay.objects.filter(pairing__membership__person=person),
            "pairing__partner__organisation__name",
            "date",
            "observations",
            "confirmed_at",
        ),
        "projects": _rows(projects),
        "milestones": _rows(Milestone.objects.filter(project__in=projects)),
        "meetings": _rows(Meeting.objects.filter(project__in=projects), "project__title", "date", "notes"),
        "outputs": _rows(Output.objects.filter(project__in=projects)),
        "survey_answers": _rows(
            Answer.objects.filter(response__respondent__person=person),
            "response__wave__point",
            "response__wave__year",
            "response__submitted_at",
            "item__text",
            "score",
            "text",
        ),
        "claims": _rows(claims),
        "journeys": _rows(Journey.objects.filter(claim__in=claims)),
        "costs": _rows(Cost.objects.filter(journey__claim__in=claims)),
        "notifications": _rows(
            Notification.objects.filter(recipient=user), "kind", "title", "body", "created_at", "read_at"
        )
        if user
        else [],
        "changes_to_your_records": _rows(
            Person.history.filter(id=person.pk), "history_date", "history_type", "history_user__email"
        )
        + _rows(
            Membership.history.filter(person_id=person.pk),
            "history_date",
            "history_type",
            "history_user__email",
        ),
        "who_viewed_your_records": _rows(
            RecordView.objects.filter(person=person), "viewer__email", "what", "viewed_at"
        ),
    }


def exports_of(person_id: int, limit: int = 10) -> QuerySet[DataExport]:
    return DataExport.objects.filter(person_id=person_id).select_related("requested_by")[:limit]


def receipts_of(person: Person) -> list[Cost]:
    """The receipts uploaded with the person's claims, to include as files."""
    return list(Cost.objects.filter(journey__claim__membership__person=person).exclude(receipt=""))
