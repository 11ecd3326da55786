"""Attendance rates, counted from a few value queries however many learners are asked about.

A learner is expected at a session when it is meant for them (their programme, and their
cohort and locality when the session names any), it was not cancelled, and it falls in their
window: from the later of their start and the window's start to the earlier of their end and
the window's end, outside any pause. An expected session is *excused* (left out of the rate)
when they were marked excused, sent apologies and their programme lets apologies excuse, or
had approved study leave that day; attending always counts, leave or not.

`count` reads the learners, their register rows, pauses and approved leave (four queries)
and takes the sessions meant for each of their audiences as kept in the cache
(`teaching.audiences`, read afresh in one more query when a session changed), then makes
one pass over each learner's sessions.
`count_each` counts several windows (this year, the whole programme) from one reading; inside
`read_once()` a later count of the same learners within the spans already read (a page showing
their attendance and then their readiness's attendance rule) reuses that reading. Lists that
sort and filter by these figures read the copy kept per learner (`teaching.standing`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from enhance.core.evidence import Window
from enhance.programmes.models import Membership, Pause, Programme
from enhance.teaching.audiences import Audience, audience_sessions
from enhance.teaching.models import Attendance, LeaveRequest

FIGURES = ("attended", "expected", "upcoming", "rate", "threshold", "reachable")
LEFT = (Membership.Status.COMPLETED, Membership.Status.WITHDRAWN)
ATTENDED = frozenset(Attendance.ATTENDED)


def training_year(programme: Programme, day: dt.date) -> Window:
    """The programme's training year that `day` falls in."""
    return year_from(programme.year_start_month, day)


def year_from(month: int, day: dt.date) -> Window:
    """The training year starting on the first of `month` that `day` falls in."""
    start = dt.date(day.year, month, 1)
    if day < start:
        start = dt.date(day.year - 1, month, 1)
    return Window(start, dt.date(start.year + 1, start.month, 1))


def since_start(memberships: list[Membership]) -> dict[int, Window]:
    """Windows covering each membership's whole programme, from its start (its end, if any,
    is applied by `count` as always)."""
    return {m.pk: Window(m.starts_on, dt.date.max) for m in memberships}


def rate_of(attended: int, expected: int) -> int | None:
    """Percent attended, rounded half up (None before any expected session)."""
    return (attended * 200 + expected) // (expected * 2) if expected else None


def standing_of(found: dict[str, Any]) -> tuple[str, str]:
    """Where the figures stand against the threshold: a label and the colour of its tag."""
    if found["reachable"] is None:
        return "Not yet counted", "grey"
    if not found["reachable"]:
        return "Out of reach", "red"
    if found["rate"] is not None and found["rate"] < found["threshold"]:
        return f"Below {found['threshold']}%", "orange"
    return "On track", "green"


@dataclass
class _Learner:
    pk: int
    window: Window
    programme_id: int
    cohort_id: int
    locality_id: int | None
    first: dt.date  # first and last day expected, inclusive
    last: dt.date
    threshold: int
    apologies_excused: bool


@dataclass
class Sessions:
    """Sessions meant for one audience, in order of day, as kept (`teaching.audiences`): their
    ids, local days (as ordinals) and ends (POSIX seconds), side by side."""

    ids: Sequence[int]
    days: Sequence[int]
    ends: Sequence[float]


def _learners(
    ids: list[int], window_sets: list[dict[int, Window] | None], today: dt.date
) -> list[list[_Learner]]:
    """The learners once for each set of windows (the training year where a set is None)."""
    rows = list(Membership.objects.filter(pk__in=ids).values(
        "pk", "programme_id", "cohort_id", "locality_id", "starts_on", "ends_on", "status", "status_since",
        "programme__year_start_month", "programme__attendance_threshold", "programme__apologies_excused",
    ))  # fmt: skip
    found: list[list[_Learner]] = []
    for windows in window_sets:
        learners = []
        for r in rows:
            window = (windows or {}).get(r["pk"])
            if window is None:
                window = year_from(r["programme__year_start_month"], today)
            end = r["status_since"] if r["status"] in LEFT else r["ends_on"]
            last = window.end - dt.timedelta(days=1)
            learners.append(
                _Learner(
                    pk=r["pk"],
                    window=window,
                    programme_id=r["programme_id"],
                    cohort_id=r["cohort_id"],
                    locality_id=r["locality_id"],
                    first=max(r["starts_on"], window.start),
                    last=min(end or last, last),
                    threshold=r["programme__attendance_threshold"],
                    apologies_excused=r["programme__apologies_excused"],
                )
            )
        found.append(learners)
    return found


def _moment(day: dt.date, days: int) -> dt.datetime:
    day = min(day, dt.date(9000, 1, 1)) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _sessions(learners: list[_Learner]) -> dict[Audience, Sessions]:
    """The sessions meant for each audience (programme, cohort, locality) of these learners, as
    kept in the cache (see `teaching.audiences`); each learner's window is found by bisection."""
    audiences = {(x.programme_id, x.cohort_id, x.locality_id) for x in learners}
    return {key: Sessions(*kept) for key, kept in audience_sessions(audiences).items()}


def _spans(model: Any, ids: list[int], **filters: Any) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Each membership's date ranges (pauses, approved leave), inclusive; open-ended to the end."""
    found: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    rows = model.objects.filter(membership_id__in=ids, **filters)
    for membership_id, starts_on, ends_on in rows.values_list("membership_id", "starts_on", "ends_on"):
        found[membership_id].append((starts_on, ends_on or dt.date.max))
    return found


def _within(day: dt.date, spans: list[tuple[dt.date, dt.date]]) -> bool:
    return any(start <= day <= end for start, end in spans)


@dataclass
class _Reading:
    """What the figures are counted from: the sessions meant for each audience, each learner's
    register rows, pauses and approved leave, and the days each learner's reading covers."""

    sessions: dict[Audience, Sessions]
    marked: dict[int, dict[int, str]]
    paused: dict[int, list[tuple[dt.date, dt.date]]]
    leave: dict[int, list[tuple[dt.date, dt.date]]]
    covers: dict[int, tuple[dt.date, dt.date]]

    def holds(self, learners: list[_Learner]) -> bool:
        return all(
            x.pk in self.covers and self.covers[x.pk][0] <= x.first and x.last <= self.covers[x.pk][1]
            for x in learners
        )


_kept: ContextVar[list[_Reading] | None] = ContextVar("attendance_readings", default=None)


@contextmanager
def read_once() -> Iterator[None]:
    """Within this block, counting learners already counted over a wider span reuses the first
    reading (for a page that only reads; a page that changes registers must not use it)."""
    token = _kept.set([])
    try:
        yield
    finally:
        _kept.reset(token)


def _reading(ids: list[int], learners: list[_Learner], now: dt.datetime) -> _Reading:
    kept = _kept.get()
    for reading in kept or ():
        if reading.holds(learners):
            return reading
    low = min((x.first for x in learners), default=now.date())
    rows = Attendance.objects.filter(membership_id__in=ids, session__starts_at__gte=_moment(low, -1))
    marked: dict[int, dict[int, str]] = defaultdict(dict)
    for membership_id, session_id, status in rows.values_list("membership_id", "session_id", "status"):
        marked[membership_id][session_id] = status
    covers: dict[int, tuple[dt.date, dt.date]] = {}
    for x in learners:
        first, last = covers.get(x.pk, (x.first, x.last))
        covers[x.pk] = (min(first, x.first), max(last, x.last))
    reading = _Reading(
        _sessions(learners),
        marked,
        _spans(Pause, ids),
        _spans(LeaveRequest, ids, status=LeaveRequest.Status.APPROVED),
        covers,
    )
    if kept is not None:
        kept.append(reading)
    return reading


def count(
    memberships: Iterable[Membership | int],
    *,
    now: dt.datetime | None = None,
    windows: dict[int, Window] | None = None,
) -> dict[int, dict[str, Any]]:
    """For each membership: sessions attended, expected so far (excused ones left out), still
    to come, the rate (percent, None before any expected session), the programme's threshold,
    whether it can still be reached in the window, the standing with its tag colour, and the
    window. In the current training year, or the given windows (by membership id)."""
    return count_each(memberships, [windows], now=now)[0]


def count_each(
    memberships: Iterable[Membership | int],
    window_sets: list[dict[int, Window] | None],
    *,
    now: dt.datetime | None = None,
) -> list[dict[int, dict[str, Any]]]:
    """`count` for several sets of windows at once (this year and the whole programme, say),
    reading the sessions and registers once for the widest."""
    now = now or timezone.now()
    ids = [m if isinstance(m, int) else m.pk for m in memberships]
    variants = _learners(ids, window_sets, timezone.localtime(now).date())
    everyone = [x for learners in variants for x in learners]
    reading = _reading(ids, everyone, now)
    return [{x.pk: _figures(x, reading, now) for x in learners} for learners in variants]


def _figures(x: _Learner, reading: _Reading, now: dt.datetime) -> dict[str, Any]:
    mine = reading.sessions[(x.programme_id, x.cohort_id, x.locality_id)]
    marked, paused, leave = reading.marked[x.pk], reading.paused[x.pk], reading.leave[x.pk]
    attended = expected = upcoming = 0
    days, ids, ends = mine.days, mine.ids, mine.ends
    low = bisect.bisect_left(days, x.first.toordinal())
    high = max(low, bisect.bisect_right(days, x.last.toordinal()))  # none if they left before
    if not paused:  # sessions on a later day than today are all still to come
        today = timezone.localtime(now).date().toordinal()
        after_today = max(low, min(high, bisect.bisect_right(days, today)))
        upcoming, high = high - after_today, after_today
    moment = now.timestamp()
    for i in range(low, high):
        if paused and _within(dt.date.fromordinal(days[i]), paused):
            continue
        if ends[i] >= moment:  # not over yet
            upcoming += 1
            continue
        status = marked.get(ids[i])
        if status in ATTENDED:
            attended += 1
            expected += 1
        elif not (
            status == Attendance.Status.EXCUSED
            or (status == Attendance.Status.APOLOGIES and x.apologies_excused)
            or (leave and _within(dt.date.fromordinal(days[i]), leave))
        ):
            expected += 1
    found: dict[str, Any] = {
        "attended": attended,
        "expected": expected,
        "upcoming": upcoming,
        "rate": rate_of(attended, expected),
        "threshold": x.threshold,
        "reachable": (attended + upcoming) * 100 >= x.threshold * (expected + upcoming),
        "window": x.window,
    }
    found["standing"], found["tag"] = standing_of(found)
    return found
