"""Teaching sessions: one at a time or as a series, changes, cancellation, materials."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.dates import add_months
from enhance.core.uploads import JPEG, OFFICE, PDF, PNG, sniff
from enhance.notifications.services import notify
from enhance.teaching.access import (
    can_take_register,
    expected_memberships,
    may_add_session,
    sessions_manageable_by,
)
from enhance.teaching.models import Session
from enhance.teaching.notifications import SESSION_CHANGED

# Messages people see when a rule refuses them (tests assert them by name).
YOU_CANNOT_ADD_SESSIONS_PROGRAMME = "You cannot add sessions to this programme."
REPEAT_BETWEEN_TIMES = "Repeat between 1 and 52 times."
GIVE_FILE_TITLE_LEARNERS_WILL = "Give the file a title learners will recognise."
MATERIAL_TOO_BIG = "Files must be smaller than 20 MB."
MATERIAL_WRONG_TYPE = "Upload a PDF, an Office document (Word, PowerPoint, Excel) or an image."

# --- Sessions ------------------------------------------------------------------------------


@transaction.atomic
def session_series_create(
    *, actor: User, session: Session, m2m: dict[str, Any], repeat: str = "none", count: int = 1
) -> list[Session]:
    """Create one session, or a weekly or monthly series of `count` sessions sharing a key."""
    if not may_add_session(actor, session.programme_id, list(m2m.get("localities") or [])):
        raise PermissionDenied(YOU_CANNOT_ADD_SESSIONS_PROGRAMME)
    if repeat not in ("none", "weekly", "monthly") or not 1 <= count <= 52:
        raise ValidationError({"count": REPEAT_BETWEEN_TIMES})
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
            start = add_months(local_start, n)
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
    if "localities" in m2m and not may_add_session(actor, session.programme_id, list(m2m["localities"])):
        raise PermissionDenied(YOU_CANNOT_ADD_SESSIONS_PROGRAMME)
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
                url=reverse("teaching:session_detail", args=[session.pk]),
            )


@transaction.atomic
def session_cancel(*, actor: User, session: Session) -> Session:
    if not sessions_manageable_by(actor).filter(pk=session.pk).exists():
        raise PermissionDenied
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.cancelled:  # a second click, here or on another server: learners were told once
        return session
    session.cancelled = True
    session.save(update_fields=["cancelled", "updated_at"])
    _tell_attendees(session, f"Cancelled: {session.title}", f"The session on {_when(session)} will not run.")
    return session


# --- Materials -----------------------------------------------------------------------------

MATERIAL_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def material_add(*, actor: User, session: Session, title: str, upload: Any) -> Any:
    """Attach a file to a session, checked by its content (PDF, Office document or image)."""
    from enhance.teaching.models import Material

    if not can_take_register(actor, session):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": GIVE_FILE_TITLE_LEARNERS_WILL})
    try:
        kind = sniff(
            upload,
            [PDF, OFFICE, PNG, JPEG],
            max_bytes=MATERIAL_MAX_BYTES,
            too_big=MATERIAL_TOO_BIG,
            wrong_type=MATERIAL_WRONG_TYPE,
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    return Material.objects.create(
        session=session, title=title.strip(), file=upload, content_type=kind, uploaded_by=actor
    )
