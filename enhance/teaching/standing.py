"""Each learner's attendance this training year kept in the database (`Standing`), so the
attendance list, the leads' home pages and the morning alerts sort and filter across every
learner without counting anyone on the way.

Anything the figures count (a register row, approved leave, a pause, the learner's record, a
session, the programme's rules) marks the learners it touches stale in the same transaction,
and once it commits a background task counts them again. Readers count the few stale or
missing ones in their scope before reading (up to `INLINE`; more are left to the task, and the
page says so), and a nightly job counts everyone for the new day, when sessions have passed
and training years turn.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.signals import m2m_changed
from django.utils import timezone

from enhance.core.stale import mark_on_change
from enhance.programmes.models import Membership, Pause, Programme
from enhance.teaching import rates
from enhance.teaching.models import Attendance, LeaveRequest, Session, Standing

CHUNK = 1000
INLINE = 300  # a reader counts at most this many stale learners before it reads
FIELDS = ["year_start", "attended", "expected", "upcoming", "rate", "threshold", "reachable", "rank", "stale"]
FILTER_RANKS = {
    "out_of_reach": Standing.Rank.OUT_OF_REACH,
    "below": Standing.Rank.BELOW,
    "on_track": Standing.Rank.ON_TRACK,
}
RANKS = {"red": Standing.Rank.OUT_OF_REACH, "orange": Standing.Rank.BELOW, "green": Standing.Rank.ON_TRACK}


def store(ids: list[int], now: dt.datetime) -> int:
    """Count and keep the attendance of these memberships (a fixed number of queries)."""
    rows = [
        Standing(
            membership_id=pk,
            year_start=found["window"].start,
            **{name: found[name] for name in rates.FIGURES},
            rank=RANKS[found["tag"]],
            stale=False,
            counted_at=now,
        )
        for pk, found in rates.count(ids, now=now).items()
    ]
    Standing.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["membership"], update_fields=[*FIELDS, "counted_at"]
    )
    return len(rows)


def due(memberships: QuerySet[Membership], now: dt.datetime) -> QuerySet[Membership]:
    """Those with nothing kept, marked stale, or counted before today began."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return memberships.filter(
        Q(standing__isnull=True) | Q(standing__stale=True) | Q(standing__counted_at__lt=today)
    )


def refresh(
    memberships: QuerySet[Membership], now: dt.datetime | None = None, limit: int | None = None
) -> int:
    """Count again those of `memberships` that are due, in chunks (at most `limit` of them).
    Returns how many were counted."""
    now = now or timezone.now()
    waiting = due(memberships, now).order_by("pk").values_list("pk", flat=True)
    done = last = 0
    while limit is None or done < limit:
        size = CHUNK if limit is None else min(CHUNK, limit - done)
        chunk = list(waiting.filter(pk__gt=last)[:size])
        if not chunk:
            break
        done += store(chunk, now)
        last = chunk[-1]
    return done


def refresh_for_reading(memberships: QuerySet[Membership], now: dt.datetime | None = None) -> int:
    """Before a list is read: count the stale in its scope if there are few; otherwise leave
    them to the background task (queued again in case). Returns how many are still waiting."""
    now = now or timezone.now()
    waiting = due(memberships, now)
    if waiting[: INLINE + 1].count() <= INLINE:
        refresh(memberships, now)
        return 0
    _queue_recount()
    return waiting.count()


def refresh_all(now: dt.datetime | None = None) -> int:
    """Every active learner, counted for the new day (the nightly job)."""
    return refresh(Membership.objects.filter(status=Membership.Status.ACTIVE), now)


def refresh_stale() -> int:
    """Those marked stale since they were last counted (the task queued after a change)."""
    return refresh(Membership.objects.filter(standing__stale=True))


# --- Reading ----------------------------------------------------------------------------------


def with_standing(memberships: QuerySet[Membership]) -> QuerySet[Any, Any]:
    """The memberships annotated with their kept figures as att_attended, att_expected,
    att_upcoming, att_rate, att_threshold and att_reachable (None when not yet counted)."""
    return memberships.annotate(**{f"att_{name}": F(f"standing__{name}") for name in rates.FIGURES})


def figures(membership: Any) -> dict[str, Any]:
    """An annotated membership's attendance as the pages show it, with its standing."""
    return figures_of({name: getattr(membership, f"att_{name}") for name in rates.FIGURES})


def figures_of(found: dict[str, Any]) -> dict[str, Any]:
    """The kept figures (by name, see rates.FIGURES) with the standing they give."""
    found["standing"], found["tag"] = rates.standing_of(found)
    return found


def by_standing(rated: QuerySet[Any, Any], standing: str) -> QuerySet[Any, Any]:
    """Only those out of reach, below the threshold (but within reach), or on track."""
    ranks = {
        "out_of_reach": Standing.Rank.OUT_OF_REACH,
        "below": Standing.Rank.BELOW,
        "on_track": Standing.Rank.ON_TRACK,
    }
    if standing in ranks:
        return rated.filter(standing__rank=ranks[standing])
    return rated


def at_risk_first(memberships: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
    """Those who can no longer reach the threshold first, then lowest rate first."""
    return memberships.order_by(
        F("standing__rank").asc(nulls_last=True),
        F("standing__rate").asc(nulls_last=True),
        "person__surname",
        "person__forename",
        "pk",
    )


# --- What makes a learner's standing stale ----------------------------------------------------


def _queue_recount() -> None:
    """Queue the recount once the transaction commits (once, however many changes it holds)."""
    if any(getattr(item[1], "__name__", "") == "_enqueue_recount" for item in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_recount)


def _enqueue_recount() -> None:
    from enhance.teaching.tasks import recount_standings

    recount_standings.enqueue()


def mark_stale(q: Q) -> None:
    if Standing.objects.filter(q).update(stale=True):
        _queue_recount()


STALE_WHEN: dict[type, Any] = {
    Attendance: lambda a: Q(membership_id=a.membership_id),
    LeaveRequest: lambda r: Q(membership_id=r.membership_id),
    Pause: lambda p: Q(membership_id=p.membership_id),
    Membership: lambda m: Q(membership_id=m.pk),
    Session: lambda s: Q(membership__programme_id=s.programme_id),
    Programme: lambda p: Q(membership__programme_id=p.pk),
}


def _on_audience_change(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and isinstance(instance, Session):
        mark_stale(STALE_WHEN[Session](instance))


def connect() -> None:
    mark_on_change("standing", STALE_WHEN, mark_stale)
    for through in (Session.cohorts.through, Session.localities.through):
        m2m_changed.connect(_on_audience_change, sender=through, dispatch_uid=f"standing-{through.__name__}")
