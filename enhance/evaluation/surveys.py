"""Confidence surveys: when each cohort is asked, inviting and reminding its learners, and a
learner's answers (once per survey, while it is open)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from enhance.accounts.models import User
from enhance.evaluation.models import (
    Answer,
    Respondent,
    Response,
    SurveyItem,
    SurveySchedule,
    Wave,
    wave_label,
)
from enhance.notifications.services import Message, notify_many
from enhance.programmes.models import Cohort, Membership, Person, Programme

REMIND_DAYS_BEFORE_CLOSE = 7

NOT_OPEN = "This survey is closed: it was open from {opens:%d %B %Y} to {closes:%d %B %Y}."
NOT_YOURS = "This survey is for another group of learners."
ALREADY_ANSWERED = "You have already answered this survey. Thank you."
ANSWER_EVERY_RATING = "Choose a rating from 1 to 5 for every question."
INVITE_TITLE = "Your {label} survey is open until {closes:%d %B}"
INVITE_BODY = (
    "Tell us how confident you feel in each area of generalist practice. It takes about five "
    "minutes; your programme team sees only totals for groups of five or more, never your answers."
)
REMIND_TITLE = "Reminder: your {label} survey closes on {closes:%d %B}"


def schedule_of(programme: Programme) -> SurveySchedule:
    """The programme's schedule, or the defaults (not saved) when it has none."""
    found = SurveySchedule.objects.filter(programme=programme).first()
    return found or SurveySchedule(programme=programme)


def _anniversary(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class PlannedWave:
    point: str
    year: int
    opens_on: dt.date
    closes_on: dt.date

    @property
    def label(self) -> str:
        return wave_label(self.point, self.year)


def planned_waves(cohort: Cohort, schedule: SurveySchedule, length_years: int) -> list[PlannedWave]:
    """Entry opens on the intake date; the end of year n and exit surveys close the day before
    the n-th anniversary of the intake. Each stays open for the schedule's number of days."""
    days = dt.timedelta(days=schedule.open_days)
    waves = []
    if schedule.at_entry:
        waves.append(PlannedWave(Wave.Point.ENTRY, 0, cohort.intake_date, cohort.intake_date + days))
    for year in range(1, length_years + 1):
        last = year == length_years
        if (last and not schedule.at_exit) or (not last and not schedule.at_year_end):
            continue
        ends = _anniversary(cohort.intake_date, year) - dt.timedelta(days=1)
        point = Wave.Point.EXIT if last else Wave.Point.YEAR_END
        waves.append(PlannedWave(point, year, ends - days, ends))
    return waves


def _learners_of(cohort_id: int) -> QuerySet[Membership]:
    return Membership.objects.filter(cohort_id=cohort_id, status=Membership.Status.ACTIVE)


def _unanswered(wave: Wave) -> QuerySet[Membership]:
    answered = Response.objects.filter(wave=wave, respondent__person_id=OuterRef("person_id"))
    return (
        _learners_of(wave.cohort_id)
        .exclude(person__user__isnull=True)
        .filter(~Exists(answered))
        .select_related("person__user")
    )


def _tell(wave: Wave, title: str, learners: QuerySet[Membership]) -> int:
    messages = [
        Message(recipient=m.person.user, title=title, body=INVITE_BODY, url=wave.get_absolute_url())
        for m in learners
        if m.person.user is not None
    ]
    notify_many(kind="survey", messages=messages)
    return len(messages)


@transaction.atomic
def wave_open(*, cohort: Cohort, planned: PlannedWave) -> Wave | None:
    """Create a due survey and invite the cohort's active learners (None if it exists)."""
    wave, created = Wave.objects.get_or_create(
        cohort=cohort,
        year=planned.year,
        defaults={"point": planned.point, "opens_on": planned.opens_on, "closes_on": planned.closes_on},
    )
    if not created:
        return None
    title = INVITE_TITLE.format(label=wave.label.lower(), closes=wave.closes_on)
    wave.invited_count = _tell(wave, title, _unanswered(wave))
    wave.invited_at = timezone.now()
    wave.save(update_fields=["invited_count", "invited_at"])
    return wave


def waves_open_due(today: dt.date | None = None) -> int:
    """Open every survey whose window includes today and that has not been opened yet."""
    today = today or timezone.localdate()
    cohorts = Cohort.objects.filter(closed_on__isnull=True, intake_date__lte=today).select_related(
        "programme"
    )
    schedules = {s.programme_id: s for s in SurveySchedule.objects.all()}
    existing = set(Wave.objects.filter(cohort__in=cohorts).values_list("cohort_id", "year"))
    opened = 0
    for cohort in cohorts:
        schedule = schedules.get(cohort.programme_id) or SurveySchedule(programme=cohort.programme)
        for planned in planned_waves(cohort, schedule, cohort.programme.length_years):
            due = planned.opens_on <= today <= planned.closes_on
            if (
                due
                and (cohort.pk, planned.year) not in existing
                and wave_open(cohort=cohort, planned=planned)
            ):
                opened += 1
    return opened


def waves_remind(today: dt.date | None = None) -> int:
    """Remind, once, those who have not answered a survey that closes within a week."""
    today = today or timezone.localdate()
    due = Wave.objects.filter(
        reminded_at__isnull=True,
        invited_at__isnull=False,
        opens_on__lte=today,
        closes_on__gte=today,
        closes_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE_CLOSE),
    )
    reminded = 0
    for wave in due.select_related("cohort"):
        title = REMIND_TITLE.format(label=wave.label.lower(), closes=wave.closes_on)
        reminded += _tell(wave, title, _unanswered(wave))
        Wave.objects.filter(pk=wave.pk).update(reminded_at=timezone.now())
    return reminded


def items_for(programme_id: int) -> QuerySet[SurveyItem]:
    """The ratings (national questions, then the programme's own, each in order), then the free text."""
    mine = Q(programme__isnull=True) | Q(programme_id=programme_id)
    return SurveyItem.objects.filter(mine, active=True).order_by(
        "answer", F("programme_id").asc(nulls_first=True), "order", "id"
    )


def _membership_for(user: User, wave: Wave) -> Membership:
    membership = Membership.objects.filter(person__user=user, cohort_id=wave.cohort_id).first()
    if membership is None:
        raise PermissionDenied(NOT_YOURS)
    return membership


def respondent_for(person: Person) -> Respondent:
    respondent, _ = Respondent.objects.get_or_create(person=person)
    return respondent


def response_submit(*, actor: User, wave: Wave, answers: dict[int, Any]) -> Response:
    """Record a learner's answers to a survey: open today, their cohort's, once. `answers` maps
    each item's id to a rating (scale items, all required) or text (free-text items)."""
    membership = _membership_for(actor, wave)
    today = timezone.localdate()
    if not wave.is_open_on(today):
        raise ValidationError(NOT_OPEN.format(opens=wave.opens_on, closes=wave.closes_on))
    items = list(items_for(membership.programme_id))
    if any(item.is_scale and answers.get(item.pk) in (None, "") for item in items):
        raise ValidationError(ANSWER_EVERY_RATING)
    try:
        with transaction.atomic():
            response = Response.objects.create(wave=wave, respondent=respondent_for(membership.person))
            Answer.objects.bulk_create(
                Answer(
                    response=response,
                    item=item,
                    score=int(answers[item.pk]) if item.is_scale else None,
                    text="" if item.is_scale else str(answers.get(item.pk) or "").strip(),
                )
                for item in items
            )
    except IntegrityError:
        raise ValidationError(ALREADY_ANSWERED) from None
    pair_with_entry(Response.objects.filter(pk=response.pk))
    return response


def pair_with_entry(responses: QuerySet[Response]) -> int:
    """Keep on each later answer the same respondent's entry rating of the question, so the
    change from entry is counted without joining every answer to its entry (one statement)."""
    respondent = Response.objects.filter(pk=OuterRef(OuterRef("response_id"))).values("respondent_id")[:1]
    entry = Answer.objects.filter(
        item=OuterRef("item_id"),
        response__respondent=Subquery(respondent),
        response__wave__point=Wave.Point.ENTRY,
    ).values("score")[:1]
    later = Answer.objects.filter(response__in=responses.exclude(wave__point=Wave.Point.ENTRY).values("pk"))
    return later.filter(score__isnull=False).update(entry_score=Subquery(entry))


def schedule_save(*, actor: User, schedule: SurveySchedule) -> SurveySchedule:
    """Save a programme's schedule. Surveys already opened
    keep their dates; the next ones follow the new schedule. History records who changed it."""
    schedule.save()
    return schedule
