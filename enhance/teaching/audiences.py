"""The sessions meant for one audience (a programme's learners of one cohort and locality),
kept in the cache: attendance is counted from these (`teaching.rates`), and thousands of
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
from collections import defaultdict
from collections.abc import Collection
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.core.cache import cache
from django.db.models.functions import TruncDate
from django.db.models.signals import m2m_changed, post_delete, post_save

from enhance.teaching.models import Session

VERSION_KEY = "teaching:audience-sessions-version"
KEPT_FOR = 6 * 60 * 60  # seconds; a new version replaces a list sooner

Kept = tuple[array, array, array]  # ids, local days (ordinals), ends (POSIX seconds)


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


Audience = tuple[int, int, int | None]  # programme, cohort, locality


def audience_sessions(audiences: Collection[Audience]) -> dict[Audience, Kept]:
    """Each audience's sessions as kept; those whose list is missing or from an older version
    are read afresh together (one query however many)."""
    keys = {a: f"teaching:audience-sessions:{a[0]}:{a[1]}:{a[2]}" for a in audiences}
    found = cache.get_many([VERSION_KEY, *keys.values()])  # the version is read with the lists
    version = found.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, None):
            version = None  # someone else started a version just now: keep nothing this time
    out: dict[Audience, Kept] = {}
    for audience, key in keys.items():
        kept = found.get(key)
        if kept is not None and kept[0] == version:
            out[audience] = kept[1]
    missing = [a for a in keys if a not in out]
    if missing:
        read = _read(missing)
        out.update(read)
        if version is not None:
            cache.set_many({keys[a]: (version, kept) for a, kept in read.items()}, KEPT_FOR)
    return out


def _read(audiences: list[Audience]) -> dict[Audience, Kept]:
    """The audiences' sessions from the database (one query): their programmes' sessions not
    cancelled, in order of day, each kept for the audiences it is meant for (a session naming
    no cohort is for every cohort, and likewise for localities)."""
    held = Session.objects.filter(programme_id__in={a[0] for a in audiences}, cancelled=False)
    # One row per session and named cohort and locality (None when it names none).
    rows = held.annotate(day=TruncDate("starts_at")).values_list(
        "pk", "programme_id", "day", "ends_at", "cohorts", "localities"
    )
    out = {a: (array("q"), array("l"), array("d")) for a in audiences}
    by_programme: dict[int, list[Audience]] = defaultdict(list)
    for a in audiences:
        by_programme[a[0]].append(a)
    for (pk, programme_id, day, ends_at), named in groupby(
        rows.order_by("day", "pk"), key=itemgetter(0, 1, 2, 3)
    ):
        links = list(named)
        cohorts = {r[4] for r in links} - {None}
        localities = {r[5] for r in links} - {None}
        for audience in by_programme[programme_id]:
            _, cohort_id, locality_id = audience
            if (not cohorts or cohort_id in cohorts) and (not localities or locality_id in localities):
                ids, days, ends = out[audience]
                ids.append(pk)
                days.append(day.toordinal())
                ends.append(ends_at.timestamp())
    return out
