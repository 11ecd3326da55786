"""Study leave: allowances by study-leave year (from the August changeover), pro rata to
whole-time equivalent, requests with their rules, and decisions by a lead in scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.dates import changeover_year_start as leave_year_start
from enhance.core.dates import working_days
from enhance.notifications.services import notify
from enhance.programmes.access import memberships_manageable_by
from enhance.programmes.models import GradePeriod, Membership
from enhance.programmes.services import notify_leads
from enhance.teaching.models import Attendance, LeaveRequest, Session
from enhance.teaching.notifications import LEAVE_DECIDED, LEAVE_REQUESTED

# Messages people see when a rule refuses them (tests assert them by name).
ONLY_LEARNER_CAN_REQUEST_THEIR = "Only the learner can request their own study leave."
LAST_DAY_AFTER_FIRST_DAY = "The last day must be on or after the first day."
STUDY_LEAVE_CANNOT_REQUESTED_DAYS = "Study leave cannot be requested for days that have passed."
HALF_DAY_SINGLE_DATE = "A half day is a single date."
SPLIT_LEAVE_ACROSS_AUGUST_CHANGEOVER = "Split leave across the August changeover into two requests."
THOSE_DATES_NO_WORKING_DAYS = "Those dates have no working days."
DATES_INCLUDE_SESSION_S_DATE = "The dates must include the session's date."
YOU_ALREADY_STUDY_LEAVE_SOME = "You already have study leave on some of these days."
REQUEST_ALREADY_DECIDED = "This request has already been decided."
GIVE_REASON_WHEN_YOU_REFUSE = "Give a reason when you refuse leave."
LEAVE_STARTED_ASK_LEAD = "This leave has started: ask your programme lead to change it."
LEAVE_NOT_OPEN = "This request is {status}: there is nothing to withdraw."
LEAVE_WITHDRAWN_TITLE = "{person} withdrew study leave from {day:%-d %B} ({was})"
TOO_LITTLE_NOTICE = "Apply at least {weeks} weeks ahead: the earliest start now is {earliest:%d %B %Y}."
TOO_FEW_DAYS_LEFT = "This needs {days:g} days but you have {left:g} {kind} study leave days left this year."

F1_SHARE = Decimal("0.5")  # foundation year 1 doctors have half the standard allowance


def _half_days(value: Decimal) -> Decimal:
    return (value * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2


@dataclass(frozen=True)
class Balance:
    year_start: dt.date
    standard: Decimal
    standard_used: Decimal
    enhance: Decimal
    enhance_used: Decimal

    @property
    def standard_left(self) -> Decimal:
        return self.standard - self.standard_used

    @property
    def enhance_left(self) -> Decimal:
        return self.enhance - self.enhance_used


def balance(membership: Membership, on: dt.date) -> Balance:
    """Allowance and use in the study-leave year containing `on`. Requests waiting for a
    decision count as used, so nobody can overdraw by asking twice."""
    start = leave_year_start(on)
    grade = (
        GradePeriod.objects.filter(membership=membership, starts_on__lte=on)
        .order_by("-starts_on")
        .values_list("grade__code", flat=True)
        .first()
    )
    programme = membership.programme
    standard = programme.study_leave_days * membership.wte * (F1_SHARE if grade == "F1" else 1)
    enhance = programme.enhance_leave_days * membership.wte
    used = LeaveRequest.objects.filter(
        membership=membership,
        status__in=[LeaveRequest.Status.SUBMITTED, LeaveRequest.Status.APPROVED],
        starts_on__gte=start,
        starts_on__lt=dt.date(start.year + 1, 8, 1),
    ).aggregate(
        standard=Sum("days", filter=Q(session__isnull=True)),
        enhance=Sum("days", filter=Q(session__isnull=False)),
    )
    return Balance(
        year_start=start,
        standard=_half_days(standard),
        standard_used=used["standard"] or Decimal(0),
        enhance=_half_days(enhance),
        enhance_used=used["enhance"] or Decimal(0),
    )


@transaction.atomic
def leave_request_submit(
    *,
    actor: User,
    membership: Membership,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str,
    part: str = LeaveRequest.Part.FULL,
    session: Session | None = None,
    external_course: str = "",
    estimated_cost_pence: int = 0,
) -> LeaveRequest:
    # Lock the learner's membership so two requests at once cannot both fit the same balance.
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("programme", "person")
        .get(pk=membership.pk)
    )
    if membership.person.user_id != actor.pk:
        raise PermissionDenied(ONLY_LEARNER_CAN_REQUEST_THEIR)
    today = timezone.localdate()
    if ends_on < starts_on:
        raise ValidationError({"ends_on": LAST_DAY_AFTER_FIRST_DAY})
    if starts_on < today:
        raise ValidationError({"starts_on": STUDY_LEAVE_CANNOT_REQUESTED_DAYS})
    notice = membership.programme.leave_notice_days
    if starts_on < today + dt.timedelta(days=notice):
        raise ValidationError(
            {
                "starts_on": TOO_LITTLE_NOTICE.format(
                    weeks=notice // 7, earliest=today + dt.timedelta(days=notice)
                )
            }
        )
    if part != LeaveRequest.Part.FULL and starts_on != ends_on:
        raise ValidationError({"part": HALF_DAY_SINGLE_DATE})
    if leave_year_start(starts_on) != leave_year_start(ends_on):
        raise ValidationError({"ends_on": SPLIT_LEAVE_ACROSS_AUGUST_CHANGEOVER})
    days = Decimal(working_days(starts_on, ends_on))
    if part != LeaveRequest.Part.FULL:
        days = days / 2
    if days == 0:
        raise ValidationError({"starts_on": THOSE_DATES_NO_WORKING_DAYS})
    if session is not None and not starts_on <= timezone.localtime(session.starts_at).date() <= ends_on:
        raise ValidationError({"session": DATES_INCLUDE_SESSION_S_DATE})
    clash = LeaveRequest.objects.filter(
        membership=membership,
        status__in=[LeaveRequest.Status.SUBMITTED, LeaveRequest.Status.APPROVED],
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    )
    if clash.exists():
        raise ValidationError({"starts_on": YOU_ALREADY_STUDY_LEAVE_SOME})
    now = balance(membership, starts_on)
    left = now.enhance_left if session is not None else now.standard_left
    if days > left:
        kind = "enhance" if session is not None else "standard"
        raise ValidationError({"ends_on": TOO_FEW_DAYS_LEFT.format(days=days, left=left, kind=kind)})
    request = LeaveRequest.objects.create(
        membership=membership,
        starts_on=starts_on,
        ends_on=ends_on,
        part=part,
        days=days,
        reason=reason.strip(),
        session=session,
        external_course=external_course.strip(),
        estimated_cost_pence=estimated_cost_pence,
    )
    notify_leads(
        membership,
        kind=LEAVE_REQUESTED.code,
        title=f"Study leave request from {membership.person}",
        url=reverse("teaching:leave"),
    )
    return request


@transaction.atomic
def leave_decide(*, actor: User, request: LeaveRequest, approve: bool, comment: str = "") -> LeaveRequest:
    request = (
        LeaveRequest.objects.select_for_update(of=("self",))
        .select_related("membership__person__user")
        .get(pk=request.pk)
    )
    if not memberships_manageable_by(actor).filter(pk=request.membership_id).exists():
        raise PermissionDenied
    if request.status != LeaveRequest.Status.SUBMITTED:
        raise ValidationError(REQUEST_ALREADY_DECIDED)
    if not approve and not comment.strip():
        raise ValidationError({"comment": GIVE_REASON_WHEN_YOU_REFUSE})
    request.status = LeaveRequest.Status.APPROVED if approve else LeaveRequest.Status.REFUSED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.comment = comment.strip()
    request.save()
    if approve:
        excuse_absences(request)
    user = request.membership.person.user
    if user is not None:
        notify(
            recipient=user,
            kind=LEAVE_DECIDED.code,
            title=f"Study leave from {request.starts_on:%d %B} {request.get_status_display().lower()}",
            body=request.comment,
            url=reverse("teaching:leave"),
        )
    return request


@transaction.atomic
def leave_withdraw(*, actor: User, request: LeaveRequest) -> LeaveRequest:
    """The learner withdraws a request waiting for a decision, or cancels approved leave that
    has not started; the days return to their balance and their leads are told."""
    request = (
        LeaveRequest.objects.select_for_update(of=("self",))
        .select_related("membership__person", "membership__programme")
        .get(pk=request.pk)
    )
    if request.membership.person.user_id != actor.pk:
        raise PermissionDenied
    started = request.starts_on <= timezone.localdate()
    if request.status == LeaveRequest.Status.APPROVED and started:
        raise ValidationError(LEAVE_STARTED_ASK_LEAD)
    if request.status not in (LeaveRequest.Status.SUBMITTED, LeaveRequest.Status.APPROVED):
        raise ValidationError(LEAVE_NOT_OPEN.format(status=request.get_status_display().lower()))
    was = request.get_status_display().lower()
    request.status = LeaveRequest.Status.WITHDRAWN
    request.save()
    title = LEAVE_WITHDRAWN_TITLE.format(
        person=request.membership.person.full_name, day=request.starts_on, was=was
    )
    notify_leads(request.membership, kind=LEAVE_REQUESTED.code, title=title, url=reverse("teaching:leave"))
    return request


def excuse_absences(request: LeaveRequest) -> int:
    """Absences already recorded during approved leave become excused."""
    return Attendance.objects.filter(
        membership=request.membership,
        status=Attendance.Status.ABSENT,
        session__starts_at__date__gte=request.starts_on,
        session__starts_at__date__lte=request.ends_on,
    ).update(status=Attendance.Status.EXCUSED)


def on_approved_leave(membership_ids: list[int], day: dt.date) -> set[int]:
    return set(
        LeaveRequest.objects.filter(
            membership_id__in=membership_ids,
            status=LeaveRequest.Status.APPROVED,
            starts_on__lte=day,
            ends_on__gte=day,
        ).values_list("membership_id", flat=True)
    )
