"""Sessions, series, apologies, self check-in and the register."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.uploads import JPEG, OFFICE, PDF, PNG, sniff
from enhance.notifications import kinds as notification_kinds
from enhance.notifications.services import notify
from enhance.programmes.access import programmes_run_by, scope_for
from enhance.programmes.models import Membership
from enhance.programmes.selectors import leads_of
from enhance.teaching.leave import on_approved_leave
from enhance.teaching.models import Attendance, Session

CHECKIN_OPENS = dt.timedelta(minutes=15)
CHECKIN_CLOSES = dt.timedelta(minutes=30)
LATE_AFTER = dt.timedelta(minutes=10)
FEEDBACK_OPENS_BEFORE_END = dt.timedelta(minutes=15)
CODE_PERIOD = 30  # seconds: the QR code and typed code change this often

SESSION_CHANGED = notification_kinds.register("session_changed", "Changes to teaching sessions", urgent=True)


# --- Who ---------------------------------------------------------------------------------


def sessions_manageable_by(user: User) -> QuerySet[Session]:
    return Session.objects.filter(programme__in=programmes_run_by(user))


def sessions_for_staff(user: User) -> QuerySet[Session]:
    return Session.objects.filter(Q(programme__in=programmes_run_by(user)) | Q(facilitators=user)).distinct()


def expected_memberships(session: Session) -> QuerySet[Membership]:
    """The learners a session is for: active members of its programme, narrowed to its cohorts
    and localities when it names any."""
    qs = Membership.objects.filter(programme_id=session.programme_id, status=Membership.Status.ACTIVE)
    cohort_ids = [c.pk for c in session.cohorts.all()]
    locality_ids = [loc.pk for loc in session.localities.all()]
    if cohort_ids:
        qs = qs.filter(cohort_id__in=cohort_ids)
    if locality_ids:
        qs = qs.filter(locality_id__in=locality_ids)
    return qs


def _audience_includes(membership: Membership) -> Q:
    """Sessions of the membership's programme meant for its cohort and locality (or for all)."""
    return (
        Q(programme_id=membership.programme_id)
        & (Q(cohorts__isnull=True) | Q(cohorts=membership.cohort_id))
        & (Q(localities__isnull=True) | Q(localities=membership.locality_id))
    )


def sessions_for_membership(membership: Membership) -> QuerySet[Session]:
    return Session.objects.filter(_audience_includes(membership)).distinct()


def sessions_for_learner(user: User) -> QuerySet[Session]:
    scope = scope_for(user)
    memberships = Membership.objects.filter(person_id=scope.person_id or 0, status=Membership.Status.ACTIVE)
    q = Q(pk__in=[])
    for m in memberships:
        q |= _audience_includes(m)
    return Session.objects.filter(q).distinct()


def learner_membership_for(user: User, session: Session) -> Membership | None:
    scope = scope_for(user)
    return expected_memberships(session).filter(person_id=scope.person_id or 0).first()


def can_take_register(user: User, session: Session) -> bool:
    return sessions_for_staff(user).filter(pk=session.pk).exists()


# --- Sessions ------------------------------------------------------------------------------


def _add_months(when: dt.datetime, months: int) -> dt.datetime:
    month = when.month - 1 + months
    year, month = when.year + month // 12, month % 12 + 1
    day = min(when.day, 28)
    return when.replace(year=year, month=month, day=day)


@transaction.atomic
def session_series_create(
    *, actor: User, session: Session, m2m: dict[str, Any], repeat: str = "none", count: int = 1
) -> list[Session]:
    """Create one session, or a weekly or monthly series of `count` sessions sharing a key."""
    if not programmes_run_by(actor).filter(pk=session.programme_id).exists():
        raise PermissionDenied("You cannot add sessions to this programme.")
    if repeat not in ("none", "weekly", "monthly") or not 1 <= count <= 52:
        raise ValidationError({"count": "Repeat between 1 and 52 times."})
    if repeat == "none":
        count = 1
    key = secrets.token_hex(8) if count > 1 else ""
    local_start = timezone.localtime(session.starts_at)
    length = session.ends_at - session.starts_at
    created = []
    for n in range(count):
        start = local_start
        if repeat == "weekly":
            start = local_start + dt.timedelta(weeks=n)
        elif repeat == "monthly":
            start = _add_months(local_start, n)
        # Keep the wall-clock time across clock changes (Europe/London).
        start = timezone.make_aware(start.replace(tzinfo=None))
        copy = Session(
            programme=session.programme,
            series_key=key,
            title=session.title,
            topic=session.topic,
            mode=session.mode,
            venue=session.venue,
            online_link=session.online_link,
            starts_at=start,
            ends_at=start + length,
            materials=session.materials,
        )
        copy.full_clean()
        copy.save()
        for name, values in m2m.items():
            getattr(copy, name).set(values)
        created.append(copy)
    return created


@transaction.atomic
def session_update(
    *, actor: User, session: Session, fields: dict[str, Any], m2m: dict[str, Any], whole_series: bool = False
) -> list[Session]:
    """Change one session, or it and the later sessions of its series. Attendees are told when
    the time, place or link changes."""
    if not sessions_manageable_by(actor).filter(pk=session.pk).exists():
        raise PermissionDenied
    targets = [session]
    if whole_series and session.series_key:
        targets = list(
            Session.objects.filter(series_key=session.series_key, starts_at__gte=session.starts_at).order_by(
                "starts_at"
            )
        )
    shift = fields.get("starts_at", session.starts_at) - session.starts_at
    length = fields.get("ends_at", session.ends_at) - fields.get("starts_at", session.starts_at)
    for target in targets:
        before = (target.starts_at, target.venue_id, target.online_link, target.mode)
        for name, value in fields.items():
            if name in ("starts_at", "ends_at"):
                continue
            setattr(target, name, value)
        target.starts_at = target.starts_at + shift
        target.ends_at = target.starts_at + length
        target.full_clean()
        target.save()
        for name, values in m2m.items():
            getattr(target, name).set(values)
        if before != (target.starts_at, target.venue_id, target.online_link, target.mode):
            _tell_attendees(target, f"Changed: {target.title}", f"Now {_when(target)}.")
    return targets


def _when(session: Session) -> str:
    return f"{timezone.localtime(session.starts_at):%A %d %B %Y, %H:%M}"


def _tell_attendees(session: Session, title: str, body: str) -> None:
    memberships = expected_memberships(session).select_related("person__user")
    for m in memberships:
        if m.person.user is not None:
            notify(
                recipient=m.person.user,
                kind=SESSION_CHANGED.code,
                title=title,
                body=body,
                url=f"/teaching/sessions/{session.pk}/",
            )


@transaction.atomic
def session_cancel(*, actor: User, session: Session) -> Session:
    if not sessions_manageable_by(actor).filter(pk=session.pk).exists():
        raise PermissionDenied
    session.cancelled = True
    session.save(update_fields=["cancelled", "updated_at"])
    _tell_attendees(session, f"Cancelled: {session.title}", f"The session on {_when(session)} will not run.")
    return session


# --- Learners: apologies and check-in --------------------------------------------------------


def _expected(actor: User, session: Session) -> Membership:
    membership = learner_membership_for(actor, session)
    if membership is None:
        raise PermissionDenied("This session is not one of yours.")
    if session.cancelled:
        raise ValidationError("This session has been cancelled.")
    return membership


@transaction.atomic
def apologies_send(*, actor: User, session: Session, note: str = "") -> Attendance:
    membership = _expected(actor, session)
    if timezone.now() >= session.starts_at:
        raise ValidationError("Apologies are sent before the session starts.")
    attendance, _ = Attendance.objects.update_or_create(
        session=session,
        membership=membership,
        defaults={"status": Attendance.Status.APOLOGIES, "note": note.strip()[:200], "recorded_by": actor},
    )
    return attendance


def _mac(session: Session, label: str, window: int) -> bytes:
    message = f"{session.pk}:{label}:{window}".encode()
    return hmac.new(session.checkin_secret.encode(), message, hashlib.sha256).digest()


def current_window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // CODE_PERIOD)


def qr_token(session: Session, window: int) -> str:
    return _mac(session, "qr", window).hex()[:20]


def typed_code(session: Session, window: int) -> str:
    """Six letters and digits, without look-alikes, for typing from the screen."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    number = int.from_bytes(_mac(session, "typed", window)[:8], "big")
    return "".join(alphabet[(number >> (5 * i)) % len(alphabet)] for i in range(6))


def _code_is_valid(session: Session, code: str) -> bool:
    code = code.strip().upper().replace(" ", "")
    now = current_window()
    for window in (now, now - 1):  # the code just replaced stays good for one more period
        if hmac.compare_digest(code, qr_token(session, window).upper()) or hmac.compare_digest(
            code, typed_code(session, window)
        ):
            return True
    return False


def checkin_window(session: Session) -> tuple[dt.datetime, dt.datetime]:
    return session.starts_at - CHECKIN_OPENS, session.starts_at + CHECKIN_CLOSES


@transaction.atomic
def check_in(*, actor: User, session: Session, code: str) -> Attendance:
    """Self check-in with the code on the venue screen. Repeating it changes nothing."""
    membership = _expected(actor, session)
    opens, closes = checkin_window(session)
    now = timezone.now()
    if now < opens:
        raise ValidationError(f"Check-in opens at {timezone.localtime(opens):%H:%M}.")
    if now > closes:
        raise ValidationError("Check-in has closed. Ask the facilitator to mark you on the register.")
    if not _code_is_valid(session, code):
        raise ValidationError("That code is not valid or has expired: use the code on the screen now.")
    existing = Attendance.objects.select_for_update().filter(session=session, membership=membership).first()
    if existing and existing.checked_in_at:
        return existing
    status = Attendance.Status.LATE if now > session.starts_at + LATE_AFTER else Attendance.Status.PRESENT
    attendance, _ = Attendance.objects.update_or_create(
        session=session,
        membership=membership,
        defaults={"status": status, "checked_in_at": now, "recorded_by": actor},
    )
    return attendance


# --- The register --------------------------------------------------------------------------


@transaction.atomic
def register_save(*, actor: User, session: Session, statuses: dict[int, str]) -> int:
    """Record statuses (membership id -> status) for the expected learners."""
    if not can_take_register(actor, session):
        raise PermissionDenied
    allowed = set(expected_memberships(session).values_list("pk", flat=True))
    unknown = set(statuses) - allowed
    if unknown:
        raise ValidationError("The register lists only the learners this session is for.")
    bad = {s for s in statuses.values() if s not in Attendance.Status.values}
    if bad:
        raise ValidationError(f"Unknown attendance status: {', '.join(sorted(bad))}.")
    existing = {a.membership_id: a for a in Attendance.objects.select_for_update().filter(session=session)}
    on_leave = on_approved_leave(list(statuses), timezone.localtime(session.starts_at).date())
    changed = 0
    absent_now = []
    for membership_id, status in statuses.items():
        if status == Attendance.Status.ABSENT and membership_id in on_leave:
            status = Attendance.Status.EXCUSED  # approved study leave excuses an absence
        if (
            status == Attendance.Status.ABSENT
            and getattr(existing.get(membership_id), "status", "") != status
        ):
            absent_now.append(membership_id)
        current = existing.get(membership_id)
        if current is None:
            Attendance.objects.create(
                session=session, membership_id=membership_id, status=status, recorded_by=actor
            )
            changed += 1
        elif current.status != status:
            current.status = status
            current.recorded_by = actor
            current.save()
            changed += 1
    _warn_on_repeated_absence(session, absent_now)
    return changed


SECOND_ABSENCE = notification_kinds.register("second_absence", "Learners absent twice in a row", urgent=True)


def _warn_on_repeated_absence(session: Session, membership_ids: list[int]) -> None:
    """Tell the leads when a learner's absence follows an unexcused absence at their previous
    expected session."""
    if not membership_ids:
        return
    for membership in Membership.objects.filter(pk__in=membership_ids).select_related("person"):
        previous = (
            sessions_for_membership(membership)
            .filter(starts_at__lt=session.starts_at, cancelled=False)
            .order_by("-starts_at")
            .first()
        )
        if previous is None:
            continue
        before = (
            Attendance.objects.filter(session=previous, membership=membership)
            .values_list("status", flat=True)
            .first()
        )
        if before == Attendance.Status.ABSENT:
            for lead in leads_of(membership):
                notify(
                    recipient=lead,
                    kind=SECOND_ABSENCE.code,
                    title=f"{membership.person} missed two sessions in a row",
                    body=f"{previous.title} and {session.title}, both without apologies.",
                    url=f"/learners/{membership.person_id}/",
                )


def code_for_display(session: Session) -> tuple[str, str]:
    window = current_window()
    return qr_token(session, window), typed_code(session, window)


# --- Feedback ------------------------------------------------------------------------------

FEEDBACK_REQUEST = notification_kinds.register(
    "session_feedback", "Requests for feedback on sessions you attended"
)


@transaction.atomic
def feedback_give(*, actor: User, session: Session, rating: int, worked: str = "", change: str = "") -> Any:
    from enhance.teaching.models import Feedback

    membership = learner_membership_for(actor, session)
    attended = Attendance.objects.filter(
        session=session, membership=membership, status__in=Attendance.ATTENDED
    )
    if membership is None or not attended.exists():
        raise PermissionDenied("Only learners who attended can give feedback.")
    if timezone.now() < session.ends_at - FEEDBACK_OPENS_BEFORE_END:
        raise ValidationError("Feedback opens near the end of the session.")
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": "Choose a rating from 1 to 5."})
    if Feedback.objects.filter(session=session, membership=membership).exists():
        raise ValidationError("You have already given feedback on this session. Thank you.")
    return Feedback.objects.create(
        session=session, membership=membership, rating=rating, worked=worked.strip(), change=change.strip()
    )


def feedback_requests_send(day: dt.date) -> int:
    """Ask everyone who attended a session that ended on `day` for feedback."""
    sessions = Session.objects.filter(ends_at__date=day, cancelled=False)
    attendance = Attendance.objects.filter(
        session__in=sessions, status__in=Attendance.ATTENDED
    ).select_related("session", "membership__person__user")
    sent = 0
    for a in attendance:
        user = a.membership.person.user
        if user is not None:
            notify(
                recipient=user,
                kind=FEEDBACK_REQUEST.code,
                title=f"How was {a.session.title}?",
                body="Two minutes of feedback helps the faculty improve the next session.",
                url=f"/teaching/sessions/{a.session_id}/",
            )
            sent += 1
    return sent


# --- Attendance rate ------------------------------------------------------------------------


def attendance_summaries(
    memberships: list[Membership], now: dt.datetime | None = None
) -> dict[int, dict[str, Any]]:
    """For each membership: sessions attended, expected so far (excused ones left out), still
    to come, the rate, and whether the programme's threshold can still be reached. A fixed
    number of queries for any number of learners."""
    now = now or timezone.now()
    programme_ids = {m.programme_id for m in memberships}
    sessions = list(
        Session.objects.filter(programme_id__in=programme_ids, cancelled=False).prefetch_related(
            "cohorts", "localities"
        )
    )
    audience = {
        s.pk: ({c.pk for c in s.cohorts.all()}, {loc.pk for loc in s.localities.all()}) for s in sessions
    }
    statuses = {
        (a.membership_id, a.session_id): a.status
        for a in Attendance.objects.filter(membership__in=[m.pk for m in memberships])
    }
    out = {}
    for m in memberships:
        mine = [
            s
            for s in sessions
            if s.programme_id == m.programme_id
            and (not audience[s.pk][0] or m.cohort_id in audience[s.pk][0])
            and (not audience[s.pk][1] or m.locality_id in audience[s.pk][1])
        ]
        past = [s for s in mine if s.ends_at < now]
        upcoming = len(mine) - len(past)
        excused = sum(1 for s in past if statuses.get((m.pk, s.pk)) == Attendance.Status.EXCUSED)
        attended = sum(1 for s in past if statuses.get((m.pk, s.pk)) in Attendance.ATTENDED)
        expected = len(past) - excused
        threshold = m.programme.attendance_threshold
        best = (attended + upcoming) / (expected + upcoming) * 100 if expected + upcoming else 100
        out[m.pk] = {
            "attended": attended,
            "expected": expected,
            "upcoming": upcoming,
            "rate": round(attended / expected * 100) if expected else None,
            "threshold": threshold,
            "reachable": best >= threshold,
        }
    return out


# --- Booking places when capacity is limited --------------------------------------------------


@transaction.atomic
def place_book(*, actor: User, session: Session) -> Any:
    """Book a place, or join the waiting list when full. The session row is locked while
    counting, so simultaneous bookings can never exceed the capacity."""
    from enhance.teaching.models import Booking

    membership = _expected(actor, session)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.capacity is None:
        raise ValidationError("This session has no limit on places: just come along.")
    if timezone.now() >= session.starts_at:
        raise ValidationError("Booking has closed: the session has started.")
    existing = Booking.objects.filter(session=session, membership=membership).first()
    if existing:
        return existing
    taken = Booking.objects.filter(session=session, waitlisted=False).count()
    return Booking.objects.create(
        session=session, membership=membership, waitlisted=taken >= session.capacity
    )


PLACE_OFFERED = notification_kinds.register("place_offered", "Places freed up at sessions", urgent=True)


@transaction.atomic
def place_cancel(*, actor: User, session: Session) -> None:
    """Give up a place (or leave the waiting list); the first learner waiting gets the place."""
    from enhance.teaching.models import Booking

    membership = learner_membership_for(actor, session)
    session = Session.objects.select_for_update().get(pk=session.pk)
    booking = Booking.objects.filter(session=session, membership=membership).first()
    if booking is None:
        raise ValidationError("You have no place at this session.")
    freed = not booking.waitlisted
    booking.delete()
    if freed:
        nxt = (
            Booking.objects.filter(session=session, waitlisted=True)
            .select_related("membership__person__user")
            .first()
        )
        if nxt is not None:
            nxt.waitlisted = False
            nxt.save(update_fields=["waitlisted"])
            if nxt.membership.person.user is not None:
                notify(
                    recipient=nxt.membership.person.user,
                    kind=PLACE_OFFERED.code,
                    title=f"You have a place at {session.title}",
                    body=f"On {_when(session)}.",
                    url=f"/teaching/sessions/{session.pk}/",
                )


# --- Materials -----------------------------------------------------------------------------

MATERIAL_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def material_add(*, actor: User, session: Session, title: str, upload: Any) -> Any:
    """Attach a file to a session, checked by its content (PDF, Office document or image)."""
    from enhance.teaching.models import Material

    if not can_take_register(actor, session):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": "Give the file a title learners will recognise."})
    try:
        kind = sniff(
            upload,
            [PDF, OFFICE, PNG, JPEG],
            max_bytes=MATERIAL_MAX_BYTES,
            empty="The file is empty.",
            too_big="Files must be smaller than 20 MB.",
            wrong_type="Upload a PDF, an Office document (Word, PowerPoint, Excel) or an image.",
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    return Material.objects.create(
        session=session, title=title.strip(), file=upload, content_type=kind, uploaded_by=actor
    )
