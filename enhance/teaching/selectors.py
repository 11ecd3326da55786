"""Reads for the teaching pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Avg, Count, FilteredRelation, Prefetch, Q, QuerySet
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.evidence import Window
from enhance.programmes.access import memberships_manageable_by, scope_for
from enhance.programmes.models import Membership
from enhance.programmes.selectors import LEARNER_COLUMNS, learner_rows, memberships_filtered
from enhance.teaching import rates, standing
from enhance.teaching.access import (
    can_take_register,
    expected_memberships,
    learner_membership_for,
    sessions_for_learner,
    sessions_for_membership,
    sessions_for_staff,
    sessions_manageable_by,
)
from enhance.teaching.models import Attendance, Booking, Feedback, LeaveRequest, Session
from enhance.teaching.services.attendance import checkin_window
from enhance.teaching.services.feedback import FEEDBACK_OPENS_BEFORE_END
from enhance.teaching.services.leave import balance

# --- Attendance rate ------------------------------------------------------------------------


def attendance_summaries(
    memberships: list[Membership], now: dt.datetime | None = None, windows: dict[int, Window] | None = None
) -> dict[int, dict[str, Any]]:
    """For each membership: sessions attended, expected so far (excused ones left out), still
    to come, the rate, and whether the programme's threshold can still be reached, in the
    current training year (or the given windows). A fixed number of queries for any number of
    learners (see `rates.count`)."""
    return rates.count(memberships, now=now, windows=windows)


# --- Pages ------------------------------------------------------------------------------------


def timetable_sessions(user: User, *, past: bool, now: dt.datetime) -> QuerySet[Session]:
    """Learners: the sessions meant for them, with their own register row. Staff: the sessions
    they run or facilitate. Upcoming soonest first, or past newest first."""
    scope = scope_for(user)
    sessions: QuerySet[Any]
    if scope.is_learner:
        mine = Attendance.objects.filter(membership__person_id=scope.person_id or 0)
        sessions = (
            sessions_for_learner(user)
            .select_related("topic", "venue")
            .prefetch_related(Prefetch("attendance", queryset=mine, to_attr="mine"))
        )
    else:
        sessions = sessions_for_staff(user).select_related("topic", "venue", "programme")
    if past:
        return sessions.filter(ends_at__lt=now).order_by("-starts_at")
    return sessions.filter(ends_at__gte=now)


def attendance_of_learner(
    user: User, now: dt.datetime
) -> list[tuple[Membership, dict[str, Any], dict[str, Any]]]:
    """The signed-in learner's attendance per active membership: this training year, and the
    whole programme so far."""
    scope = scope_for(user)
    memberships = list(
        Membership.objects.filter(
            person_id=scope.person_id or 0, status=Membership.Status.ACTIVE
        ).select_related("programme")
    )
    return attendance_both(memberships, now)


def attendance_both(
    memberships: list[Membership], now: dt.datetime
) -> list[tuple[Membership, dict[str, Any], dict[str, Any]]]:
    year, whole = rates.count_each(memberships, [None, rates.since_start(memberships)], now=now)
    return [(m, year[m.pk], whole[m.pk]) for m in memberships]


def feedback_results(session: Session) -> dict[str, Any]:
    """Anonymous feedback on one session: count, mean, spread and comments."""
    feedback = list(Feedback.objects.filter(session=session).order_by("created_at"))
    ratings = [f.rating for f in feedback]
    return {
        "count": len(ratings),
        "average": round(sum(ratings) / len(ratings), 1) if ratings else None,
        "spread": [(n, ratings.count(n)) for n in range(5, 0, -1)],
        "worked": [f.worked for f in feedback if f.worked],
        "change": [f.change for f in feedback if f.change],
    }


def session_page(user: User, session: Session, now: dt.datetime) -> dict[str, Any]:
    """What the session page shows this person: their own status, booking and feedback as a
    learner; the register links and feedback results as staff."""
    membership = learner_membership_for(user, session)
    mine = Attendance.objects.filter(session=session, membership=membership).first() if membership else None
    opens, closes = checkin_window(session)
    staff = can_take_register(user, session)
    gave_feedback = Feedback.objects.filter(session=session, membership=membership).exists()
    return {
        "session": session,
        "membership": membership,
        "mine": mine,
        "staff": staff,
        "manager": sessions_manageable_by(user).filter(pk=session.pk).exists(),
        "checkin_open": opens <= now <= closes and not session.cancelled,
        "before_start": now < session.starts_at,
        "facilitators": session.facilitators.all(),
        "domains": session.domains.all(),
        "can_give_feedback": bool(
            membership
            and mine
            and mine.attended
            and now >= session.ends_at - FEEDBACK_OPENS_BEFORE_END
            and not gave_feedback
        ),
        "results": feedback_results(session) if staff else None,
        "booking": _booking(session, membership),
        "places_taken": Booking.objects.filter(session=session, waitlisted=False).count(),
        "files": session.files.all(),
    }


def _booking(session: Session, membership: Membership | None) -> Booking | None:
    return Booking.objects.filter(session=session, membership=membership).first() if membership else None


def feedback_by_session(user: User) -> QuerySet[Any, Any]:
    return (
        sessions_for_staff(user)
        .filter(feedback__isnull=False)
        .annotate(average=Avg("feedback__rating"), responses=Count("feedback"))
        .order_by("-starts_at")
    )


def feedback_by_facilitator(user: User) -> QuerySet[Any]:
    return (
        Feedback.objects.filter(session__in=sessions_for_staff(user))
        .values("session__facilitators__full_name", "session__facilitators__email")
        .annotate(average=Avg("rating"), responses=Count("id"), sessions=Count("session", distinct=True))
        .order_by("session__facilitators__full_name")
    )


def register_learners(session: Session, q: str = "") -> QuerySet[Membership]:
    """The learners the session is for, by surname (those whose name has `q`, when given)."""
    expected = expected_memberships(session).select_related("person")
    if q:
        expected = expected.filter(
            Q(person__surname__icontains=q)
            | Q(person__forename__icontains=q)
            | Q(person__preferred_name__icontains=q)
        )
    return expected.order_by("person__surname", "person__forename", "pk")


def register_rows(
    session: Session, learners: Iterable[Membership] | None = None
) -> list[tuple[Membership, Attendance | None]]:
    """The learners (every expected one, unless given a page of them) with their register row."""
    chosen = list(register_learners(session) if learners is None else learners)
    rows = Attendance.objects.filter(session=session, membership__in=[m.pk for m in chosen])
    current = {a.membership_id: a for a in rows}
    return [(m, current.get(m.pk)) for m in chosen]


REGISTER_HEADER = ["Session", "Date", "Learner", "Email", "Status", "Checked in at"]


def register_export_rows(session: Session) -> Iterator[list[str]]:
    """The register as a spreadsheet, every expected learner, read as plain values a chunk at
    a time."""
    when = f"{timezone.localtime(session.starts_at):%d/%m/%Y %H:%M}"
    labels = dict(Attendance.Status.choices)
    row = FilteredRelation("attendance", condition=Q(attendance__session=session))
    learners = register_learners(session).annotate(row=row)
    yield REGISTER_HEADER
    for cells, found in learner_rows(learners, "row__status", "row__checked_in_at"):
        at = found["row__checked_in_at"]
        checked_in = f"{timezone.localtime(at):%H:%M}" if at else ""
        status = labels.get(found["row__status"], "Not recorded")
        yield [session.title, when, *cells[:2], status, checked_in]


def upcoming_sessions_for(user: User) -> QuerySet[Session]:
    return sessions_for_learner(user).filter(starts_at__gte=timezone.now(), cancelled=False)


def leave_requests_of(membership: Membership, limit: int = 20) -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.filter(membership=membership).select_related("session")[:limit]


def leave_requests_waiting_for(user: User) -> QuerySet[LeaveRequest]:
    return (
        LeaveRequest.objects.filter(
            membership__in=memberships_manageable_by(user), status=LeaveRequest.Status.SUBMITTED
        )
        .select_related("membership__person", "session")
        .order_by("starts_on", "pk")
    )


def attendance_waiting(user: User) -> int:
    """Bring the kept attendance of the active learners the user leads up to date before a list
    is read; returns how many are still being counted in the background."""
    return standing.refresh_for_reading(
        memberships_manageable_by(user).filter(status=Membership.Status.ACTIVE)
    )


def learners_for_attendance(user: User, filters: dict[str, Any] | None = None) -> QuerySet[Any, Any]:
    """Active learners the user leads, with this year's attendance as kept, filtered, those
    who can no longer reach the threshold first, then lowest rate first, across all of them."""
    filters = filters or {}
    learners = memberships_filtered(
        memberships_manageable_by(user).filter(status=Membership.Status.ACTIVE), filters
    ).select_related("person", "programme", "cohort", "locality")
    return standing.at_risk_first(
        standing.by_standing(standing.with_standing(learners), filters.get("standing") or "")
    )


def attendance_export_rows(learners: QuerySet[Membership]) -> Iterator[list[Any]]:
    """The filtered attendance list as a spreadsheet: one row a learner, every learner, read a
    chunk at a time."""
    yield [*LEARNER_COLUMNS, "Attended", "Expected", "Rate (%)", "Standing"]
    for cells, row in learner_rows(learners, *(f"att_{name}" for name in rates.FIGURES)):
        a = standing.figures_of({name: row[f"att_{name}"] for name in rates.FIGURES})
        rate = "" if a["rate"] is None else a["rate"]
        yield [*cells, a["attended"], a["expected"], rate, a["standing"]]


def attended(session: Session, membership: Membership | None) -> Attendance | None:
    """The learner's register row at the session, if they attended it."""
    if membership is None:
        return None
    return Attendance.objects.filter(
        session=session, membership=membership, status__in=Attendance.ATTENDED
    ).first()


def leave_page(user: User, membership: Membership | None, manages: bool) -> dict[str, Any]:
    """Study leave: the learner's balance and requests; for leads, the requests waiting."""
    context: dict[str, Any] = {}
    if membership is not None:
        today = timezone.localdate()
        context["balance"] = balance(membership, today)
        context["requests"] = requests = list(leave_requests_of(membership))
        context["withdrawable"] = {
            r.pk
            for r in requests
            if r.status == LeaveRequest.Status.SUBMITTED
            or (r.status == LeaveRequest.Status.APPROVED and r.starts_on > today)
        }
    if manages:
        context["pending"] = leave_requests_waiting_for(user)
    return context


def certificate(user: User, session: Session) -> dict[str, Any] | None:
    """What the certificate of attendance says; None unless this learner attended."""
    membership = learner_membership_for(user, session)
    row = attended(session, membership)
    if membership is None or row is None:
        return None
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return {
        "session": session,
        "membership": membership,
        "attendance": row,
        "hours": f"{minutes / 60:g}",
        "domains": [d.name for d in session.domains.all()],
        "reference": f"ENH-S{session.pk}-M{membership.pk}",
        "issued": timezone.localdate(),
    }


# --- What is waiting (home pages) -------------------------------------------------------------

REGISTER_PROMPT_AFTER = dt.timedelta(days=2)


def next_sessions_for(user: User, now: dt.datetime, limit: int = 5) -> list[tuple[Session, bool]]:
    """A learner's next sessions, soonest first, each with whether check-in is open now."""
    sessions = (
        sessions_for_learner(user)
        .filter(ends_at__gte=now, cancelled=False)
        .select_related("topic", "venue")
        .order_by("starts_at", "pk")[:limit]
    )
    found = []
    for session in sessions:
        opens, closes = checkin_window(session)
        found.append((session, opens <= now <= closes))
    return found


def own_leave_waiting(person_id: int) -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.filter(
        membership__person_id=person_id, status=LeaveRequest.Status.SUBMITTED
    ).order_by("starts_on", "pk")


def sessions_this_week(user: User, now: dt.datetime) -> QuerySet[Session]:
    return (
        sessions_manageable_by(user)
        .filter(starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=7), cancelled=False)
        .select_related("topic", "programme")
        .order_by("starts_at", "pk")
    )


def registers_to_close(user: User, now: dt.datetime) -> QuerySet[Session]:
    """Sessions over for two days or more whose register nobody has closed, oldest first."""
    return (
        sessions_manageable_by(user)
        .filter(ends_at__lte=now - REGISTER_PROMPT_AFTER, cancelled=False, register_closed_at__isnull=True)
        .select_related("topic", "programme")
        .order_by("starts_at", "pk")
    )


# --- One learner, for the learner page -----------------------------------------------------------


def attendance_record(
    memberships: list[Membership], now: dt.datetime, recent: int = 10
) -> list[dict[str, Any]]:
    """Per membership: this year's and the whole programme's figures, and its latest expected
    sessions with the learner's register status ("Not recorded" when nobody marked it)."""
    out = []
    for m, year, whole in attendance_both(memberships, now):
        rows = Attendance.objects.filter(membership=m)
        sessions = (
            sessions_for_membership(m)
            .filter(ends_at__lt=now, cancelled=False, starts_at__date__gte=m.starts_on)
            .prefetch_related(Prefetch("attendance", queryset=rows, to_attr="mine"))
            .order_by("-starts_at", "pk")[:recent]
        )
        out.append({"membership": m, "year": year, "whole": whole, "sessions": sessions})
    return out


def leave_of_person(memberships: list[Membership], limit: int = 10) -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.filter(membership__in=memberships).order_by("-starts_on", "pk")[:limit]
