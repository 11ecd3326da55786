"""What a learner sees of their own surveys, and the survey schedule a lead sees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from enhance.evaluation.models import Answer, Response, Wave, Workbook
from enhance.evaluation.surveys import PlannedWave, planned_waves, schedule_of
from enhance.evaluation.tables import shown_count
from enhance.programmes.models import Cohort, Membership, Programme


def waves_of(person_id: int) -> QuerySet[Wave]:
    """The surveys of the person's cohorts, newest first, each marked answered or not."""
    mine = Response.objects.filter(wave=OuterRef("pk"), respondent__person_id=person_id)
    cohorts = Membership.objects.filter(person_id=person_id).values("cohort_id")
    return (
        Wave.objects.filter(cohort__in=cohorts)
        .annotate(answered=Exists(mine))
        .select_related("cohort__programme")
        .order_by("-opens_on", "-id")
    )


def open_waves_of(person_id: int) -> QuerySet[Wave]:
    today = timezone.localdate()
    return waves_of(person_id).filter(opens_on__lte=today, closes_on__gte=today, answered=False)  # type: ignore[misc]


@dataclass(frozen=True)
class OwnAnswers:
    waves: list[str]
    rows: list[tuple[str, list[str]]]


def own_answers(person_id: int) -> OwnAnswers:
    """The person's own answers over time: one row per question, one column per survey."""
    answers = (
        Answer.objects.filter(response__respondent__person_id=person_id)
        .values_list("item_id", "item__text", "response__wave_id", "score", "text")
        .order_by("item__programme_id", "item__order", "item_id")
    )
    waves = list(Wave.objects.filter(responses__respondent__person_id=person_id).order_by("opens_on", "id"))
    column = {w.pk: i for i, w in enumerate(waves)}
    rows: dict[int, tuple[str, list[str]]] = {}
    for item_id, text, wave_id, score, free in answers:
        cells = rows.setdefault(item_id, (text, [""] * len(waves)))[1]
        cells[column[wave_id]] = str(score) if score is not None else free
    return OwnAnswers([f"{w.label} ({w.opens_on:%b %Y})" for w in waves], list(rows.values()))


@dataclass(frozen=True)
class ScheduledWave:
    cohort: Cohort
    planned: PlannedWave
    wave: Wave | None

    @property
    def answered(self) -> Any:
        """How many answered, under the small-number rule (it is one cohort's figure)."""
        return shown_count(self.wave.responded) if self.wave is not None else None  # type: ignore[attr-defined]


def schedule_rows(programme: Programme) -> list[ScheduledWave]:
    """Every survey of the programme's open cohorts, planned or opened, with its responses."""
    schedule = schedule_of(programme)
    cohorts = list(programme.cohorts.filter(closed_on__isnull=True).order_by("intake_date"))
    opened = {
        (w.cohort_id, w.year): w
        for w in Wave.objects.filter(cohort__in=cohorts).annotate(responded=Count("responses"))
    }
    return [
        ScheduledWave(cohort, planned, opened.get((cohort.pk, planned.year)))
        for cohort in cohorts
        for planned in planned_waves(cohort, schedule, programme.length_years)
    ]


def workbooks_of(user_id: int) -> QuerySet[Workbook]:
    return Workbook.objects.filter(requested_by_id=user_id)[:10]  # type: ignore[return-value]
