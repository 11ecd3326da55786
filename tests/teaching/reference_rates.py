"""The attendance computation as it was before rates were counted from value queries: one SQL
query of correlated subqueries, costly per learner. Kept only as the reference that
`rates.count` is compared with on random data (test_rates_unchanged.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, NullIf, Round, TruncDate
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from enhance.core.evidence import Window
from enhance.programmes.models import Membership, Pause, Programme
from enhance.teaching.models import Attendance, LeaveRequest, Session
from enhance.teaching.rates import training_year


class SubqueryCount(Subquery):
    """The number of rows a correlated subquery returns (0 when none)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def _window_bounds(
    memberships: QuerySet[Membership], windows: dict[int, Window] | None, today: dt.date
) -> Any:
    """Each membership's window as two annotations, from the given windows or else the
    current training year of its programme."""
    if windows:
        cases = [(Q(pk=pk), w) for pk, w in windows.items()]
    else:
        ids = memberships.values("programme_id")
        cases = [
            (Q(programme_id=p.pk), training_year(p, today))
            for p in Programme.objects.filter(pk__in=ids).only("pk", "year_start_month")
        ]
    if not cases:
        return Value(today), Value(today), _moment(today), _moment(today)
    start = Case(*[When(q, then=Value(w.start)) for q, w in cases], default=Value(today))
    last = Case(*[When(q, then=Value(w.end - dt.timedelta(days=1))) for q, w in cases], default=Value(today))
    # The same window as moments a day wider on each side: a range on the sessions' start time
    # that an index can serve, before the exact test on the local day.
    low = Case(*[When(q, then=_moment(w.start, -1)) for q, w in cases], default=_moment(today, -1))
    high = Case(*[When(q, then=_moment(w.end, 1)) for q, w in cases], default=_moment(today, 1))
    return start, last, low, high


def _moment(day: dt.date, days: int = 0) -> Value:
    day = min(day, dt.date(9000, 1, 1)) + dt.timedelta(days=days)
    return Value(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC), output_field=DateTimeField())


def _sessions_expected() -> QuerySet[Any, Any]:
    """Sessions meant for the outer membership within its annotated window, outside pauses."""
    cohorts = Session.cohorts.through.objects.filter(session_id=OuterRef("pk"))
    localities = Session.localities.through.objects.filter(session_id=OuterRef("pk"))
    paused = Pause.objects.filter(
        membership_id=OuterRef(OuterRef("pk")), starts_on__lte=OuterRef("day")
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("day")))
    return (
        Session.objects.annotate(day=TruncDate("starts_at"))
        .filter(
            programme_id=OuterRef("programme_id"),
            cancelled=False,
            starts_at__gte=OuterRef("att_low"),
            starts_at__lt=OuterRef("att_high"),
            day__gte=OuterRef("att_from"),
            day__lte=OuterRef("att_to"),
        )
        .filter(~Exists(cohorts) | Exists(cohorts.filter(cohort_id=OuterRef(OuterRef("cohort_id")))))
        .filter(
            ~Exists(localities) | Exists(localities.filter(locality_id=OuterRef(OuterRef("locality_id"))))
        )
        .exclude(Exists(paused))
        .values("pk")
    )


def with_attendance(
    memberships: QuerySet[Membership],
    *,
    now: dt.datetime | None = None,
    windows: dict[int, Window] | None = None,
) -> QuerySet[Any, Any]:
    """The memberships annotated with att_attended, att_expected, att_upcoming, att_rate
    (percent, None before any expected session) and att_reachable (whether the programme's
    threshold can still be met in the window). One query, whatever the number of learners."""
    now = now or timezone.now()
    start, last, low, high = _window_bounds(memberships, windows, timezone.localtime(now).date())
    left_early = Q(status__in=[Membership.Status.COMPLETED, Membership.Status.WITHDRAWN])
    end = Case(When(left_early, then=F("status_since")), default=F("ends_on"))
    rows = Attendance.objects.filter(session_id=OuterRef("pk"), membership_id=OuterRef(OuterRef("pk")))
    attended = Exists(rows.filter(status__in=Attendance.ATTENDED))
    excused_row = rows.filter(
        Q(status=Attendance.Status.EXCUSED)
        | Q(status=Attendance.Status.APOLOGIES, membership__programme__apologies_excused=True)
    )
    on_leave = LeaveRequest.objects.filter(
        membership_id=OuterRef(OuterRef("pk")),
        status=LeaveRequest.Status.APPROVED,
        starts_on__lte=OuterRef("day"),
        ends_on__gte=OuterRef("day"),
    )
    past = _sessions_expected().filter(ends_at__lt=now)
    excused = Exists(excused_row) | Exists(on_leave)
    # Each counting subquery is written out again wherever a figure uses it, so the figures
    # are built from as few uses as possible: the rate divides by NULLIF(expected, 0), and
    # reachability needs no special case (with nothing expected and nothing to come, 0 >= 0).
    return memberships.annotate(
        att_from=Greatest(F("starts_on"), start),
        att_to=Least(Coalesce(end, last), last),
        att_low=low,
        att_high=high,
        att_attended=SubqueryCount(past.filter(attended)),
        att_expected=SubqueryCount(past) - SubqueryCount(past.filter(~attended & excused)),
        att_upcoming=SubqueryCount(_sessions_expected().filter(ends_at__gte=now)),
        att_threshold=F("programme__attendance_threshold"),
        att_rate=Cast(Round(F("att_attended") * 100.0 / NullIf(F("att_expected"), Value(0))), IntegerField()),
        att_reachable=GreaterThanOrEqual(
            Cast(F("att_attended") + F("att_upcoming"), FloatField()) * 100,
            F("att_threshold") * (F("att_expected") + F("att_upcoming")),
        ),
    )
