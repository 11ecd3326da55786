"""The sessions meant for one audience (a programme's learners of one cohort and locality),
kept in the cache: a learner's pages count their attendance from these, and thousands of
learners share each audience.

What is kept is every session of the audience that was not cancelled: its id, local day and
end, in order of day. Any session added, changed, cancelled, removed or aimed at other cohorts
or localities gives every kept list a new version (`sessions_changed`, connected to the
sessions' signals), so a list is never read from an older version. The version and the lists
live in the shared cache (the database's, in the settings: a change and its new version are
committed together); a cache kept per process would leave other processes on the old lists.
"""

from __future__ import annotations

import uuid
from array import array
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.db.models.signals import m2m_changed, post_delete, post_save

from enhance.teaching.models import Session

VERSION_KEY = "teaching:audience-sessions-version"
KEPT_FOR = 6 * 60 * 60  # seconds; a new version replaces a list sooner

Kept = tuple[array, array, array]  # ids, local days (ordinals), ends (POSIX seconds)


def meant_for(cohort_id: int, locality_id: int | None) -> Q:
    """Sessions meant for one audience: naming no cohort or theirs, and no locality or theirs."""
    cohorts = Session.cohorts.through.objects.filter(session_id=OuterRef("pk"))
    places = Session.localities.through.objects.filter(session_id=OuterRef("pk"))
    theirs = Q(locality_id=locality_id) if locality_id else Q(pk__in=[])  # a learner with none
    return (Q(~Exists(cohorts)) | Q(Exists(cohorts.filter(cohort_id=cohort_id)))) & (
        Q(~Exists(places)) | Q(Exists(places.filter(theirs)))
    )


def sessions_changed(**kwargs: Any) -> None:
    """Every kept list is out of date (a signal receiver, also called after bulk inserts)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def connect() -> None:
    post_save.connect(sessions_changed, sender=Session, dispatch_uid="audiences-session-save")
    post_delete.connect(sessions_changed, sender=Session, dispatch_uid="audiences-session-delete")
    for through in (Session.cohorts.through, Session.localities.through):
        # A cohort or locality deleted takes its links with it: listening makes those signal too.
        m2m_changed.connect(sessions_changed, sender=through, dispatch_uid=f"audiences-{through.__name__}")
        post_delete.connect(
            sessions_changed, sender=through, dispatch_uid=f"audiences-gone-{through.__name__}"
        )


def audience_sessions(programme_id: int, cohort_id: int, locality_id: int | None) -> Kept:
    """The audience's sessions as kept, read afresh (one query) when the version moved on."""
    key = f"teaching:audience-sessions:{programme_id}:{cohort_id}:{locality_id}"
    found = cache.get_many([VERSION_KEY, key])  # the version is read before the sessions
    version = found.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, None):
            version = None  # someone else started a version just now: keep nothing this time
    kept = found.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]  # type: ignore[no-any-return]
    rows = (
        Session.objects.filter(meant_for(cohort_id, locality_id), programme_id=programme_id, cancelled=False)
        .annotate(day=TruncDate("starts_at"))
        .values_list("pk", "day", "ends_at")
        .order_by("day", "pk")
    )
    ids, days, ends = array("q"), array("l"), array("d")
    for pk, day, ends_at in rows:
        ids.append(pk)
        days.append(day.toordinal())
        ends.append(ends_at.timestamp())
    if version is not None:
        cache.set(key, (version, (ids, days, ends)), KEPT_FOR)
    return ids, days, ends
