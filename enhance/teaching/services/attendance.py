"""Apologies, self check-in with rotating codes, and the register."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.bulk import path_for_each
from enhance.notifications.services import Message, To, notify_many
from enhance.programmes.models import Membership
from enhance.programmes.selectors import LEARNER_NAME, leads_of_many
from enhance.programmes.services import notify_leads
from enhance.teaching import standing
from enhance.teaching.access import (
    can_take_register,
    expected_memberships,
    learner_membership_for,
    sessions_for_membership,
)
from enhance.teaching.models import Attendance, OutOfReachAlert, Session
from enhance.teaching.notifications import OUT_OF_REACH, SECOND_ABSENCE
from enhance.teaching.rates import year_from
from enhance.teaching.services.leave import on_approved_leave

# Messages people see when a rule refuses them (tests assert them by name).
SESSION_NOT_ONE_YOURS = "This session is not one of yours."
SESSION_CANCELLED = "This session has been cancelled."
APOLOGIES_SENT_BEFORE_SESSION_STARTS = "Apologies are sent before the session starts."
CHECK_CLOSED_ASK_FACILITATOR_MARK = "Check-in has closed. Ask the facilitator to mark you on the register."
CODE_NOT_VALID_EXPIRED_USE = "That code is not valid or has expired: use the code on the screen now."
REGISTER_LISTS_ONLY_LEARNERS_SESSION = "The register lists only the learners this session is for."
CHECKIN_NOT_OPEN = "Check-in opens at {opens:%H:%M}."
UNKNOWN_STATUS = "Unknown attendance status: {statuses}."
REGISTER_CLOSES_AFTER_SESSION = "The register can be closed once the session is over."
REGISTER_ALREADY_CLOSED = "This register was already closed."
OUT_OF_REACH_TITLE_LEARNER = "Your attendance can no longer reach the threshold this year"
OUT_OF_REACH_TITLE_LEAD = "{person}'s attendance can no longer reach the threshold this year"
OUT_OF_REACH_BODY = (
    "Attendance this training year is {rate}% and the programme asks for {threshold}%: attending "
    "every session still to come would not reach it."
)

CHECKIN_OPENS = dt.timedelta(minutes=15)
CHECKIN_CLOSES = dt.timedelta(minutes=30)
LATE_AFTER = dt.timedelta(minutes=10)
CODE_PERIOD = 30  # seconds: the QR code and typed code change this often


# --- Learners: apologies and check-in --------------------------------------------------------


def _expected(actor: User, session: Session) -> Membership:
    membership = learner_membership_for(actor, session)
    if membership is None:
        raise PermissionDenied(SESSION_NOT_ONE_YOURS)
    if session.cancelled:
        raise ValidationError(SESSION_CANCELLED)
    return membership


@transaction.atomic
def apologies_send(*, actor: User, session: Session, note: str = "") -> Attendance:
    membership = _expected(actor, session)
    if timezone.now() >= session.starts_at:
        raise ValidationError(APOLOGIES_SENT_BEFORE_SESSION_STARTS)
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
        raise ValidationError(CHECKIN_NOT_OPEN.format(opens=timezone.localtime(opens)))
    if now > closes:
        raise ValidationError(CHECK_CLOSED_ASK_FACILITATOR_MARK)
    if not _code_is_valid(session, code):
        raise ValidationError(CODE_NOT_VALID_EXPIRED_USE)
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
def register_save(*, actor: User, session: Session, statuses: dict[int, str], rest: str = "") -> int:
    """Record statuses (membership id -> status) for the expected learners, and `rest` (when
    given) for every other expected learner not yet marked, on any page of the register."""
    if not can_take_register(actor, session):
        raise PermissionDenied
    allowed = set(expected_memberships(session).values_list("pk", flat=True))
    unknown = set(statuses) - allowed
    if unknown:
        raise ValidationError(REGISTER_LISTS_ONLY_LEARNERS_SESSION)
    bad = {s for s in [*statuses.values(), rest] if s and s not in Attendance.Status.values}
    if bad:
        raise ValidationError(UNKNOWN_STATUS.format(statuses=", ".join(sorted(bad))))
    existing = {a.membership_id: a for a in Attendance.objects.select_for_update().filter(session=session)}
    if rest:
        statuses = {**{pk: rest for pk in allowed - set(existing)}, **statuses}
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


@transaction.atomic
def register_close(*, actor: User, session: Session, now: dt.datetime | None = None) -> int:
    """Close a finished session's register: every expected learner with no row is recorded as
    "not recorded" (or excused, when on approved leave that day). Rows stay editable after.
    Returns how many learners were not recorded."""
    if not can_take_register(actor, session):
        raise PermissionDenied
    now = now or timezone.now()
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.ends_at > now:
        raise ValidationError(REGISTER_CLOSES_AFTER_SESSION)
    if session.register_closed_at is not None:
        raise ValidationError(REGISTER_ALREADY_CLOSED)
    marked = Attendance.objects.filter(session=session).values("membership_id")
    missing = list(expected_memberships(session).exclude(pk__in=marked).values_list("pk", flat=True))
    on_leave = on_approved_leave(missing, timezone.localtime(session.starts_at).date())
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            membership_id=mid,
            status=Attendance.Status.EXCUSED if mid in on_leave else Attendance.Status.NOT_RECORDED,
            recorded_by=actor,
        )
        for mid in missing
    )
    # An update, not save(): closing changes nobody's expected sessions, so readiness (which
    # listens to session saves) has nothing to recount.
    Session.objects.filter(pk=session.pk).update(
        register_closed_at=now, register_closed_by=actor, updated_at=now
    )
    return len(missing) - len(on_leave)


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
            notify_leads(
                membership,
                kind=SECOND_ABSENCE.code,
                title=f"{membership.person} missed two sessions in a row",
                body=f"{previous.title} and {session.title}, both without apologies.",
                url=reverse("learner", args=[membership.person_id]),
            )


def out_of_reach_alerts_send(now: dt.datetime | None = None) -> int:
    """Tell each learner whose attendance can no longer reach the threshold this training
    year, and their leads, once a year. Returns how many learners were newly told. Learners are
    taken a chunk at a time, each chunk claimed (its alerts recorded) and told in one go."""
    now = now or timezone.now()
    active = Membership.objects.filter(status=Membership.Status.ACTIVE)
    standing.refresh(active, now)
    waiting = active.filter(standing__reachable=False, standing__stale=False).exclude(
        out_of_reach_alerts__year_start=F("standing__year_start")
    )
    told = after = 0
    while chunk := _claim_out_of_reach(waiting.filter(pk__gt=after), timezone.localtime(now).date()):
        _tell_out_of_reach(chunk)
        told, after = told + len(chunk), chunk[-1].pk
    return told


ALERTS_AT_ONCE = 1000


class _Waiting(NamedTuple):
    """A learner to alert, read as values: thousands at once, without building each model."""

    pk: int
    programme_id: int
    locality_id: int | None
    person_id: int
    name: str
    user_id: int | None
    user_active: bool | None
    rate: int | None
    threshold: int
    year_start_month: int


@transaction.atomic
def _claim_out_of_reach(waiting: QuerySet[Membership], today: dt.date) -> list[_Waiting]:
    claimed = waiting.select_for_update(skip_locked=True, of=("self",)).order_by("pk")
    rows = claimed.values_list(
        "pk",
        "programme_id",
        "locality_id",
        "person_id",
        LEARNER_NAME,
        "person__user_id",
        "person__user__is_active",
        "standing__rate",
        "programme__attendance_threshold",
        "programme__year_start_month",
    )
    chunk = [_Waiting(*row) for row in rows[:ALERTS_AT_ONCE]]
    alerts = [
        OutOfReachAlert(membership_id=w.pk, year_start=year_from(w.year_start_month, today).start)
        for w in chunk
    ]
    OutOfReachAlert.objects.bulk_create(alerts, ignore_conflicts=True)
    return chunk


def _tell_out_of_reach(chunk: list[_Waiting]) -> None:
    learners: list[Message] = []
    leads: list[Message] = []
    lead_lists = leads_of_many(chunk)
    timetable, learner_page = reverse("teaching:timetable"), path_for_each("learner")
    for w in chunk:
        body = OUT_OF_REACH_BODY.format(rate=w.rate, threshold=w.threshold)
        if w.user_id is not None:
            learners.append(
                Message(To(w.user_id, bool(w.user_active)), OUT_OF_REACH_TITLE_LEARNER, body, timetable)
            )
        title = OUT_OF_REACH_TITLE_LEAD.format(person=w.name)
        url = learner_page(w.person_id)
        leads.extend(Message(lead, title, body, url) for lead in lead_lists[w.pk])
    notify_many(kind=OUT_OF_REACH.code, messages=learners)
    notify_many(kind=OUT_OF_REACH.code, messages=leads)


def code_for_display(session: Session) -> tuple[str, str]:
    window = current_window()
    return qr_token(session, window), typed_code(session, window)
