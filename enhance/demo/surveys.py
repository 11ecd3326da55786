"""Two or more waves of confidence-survey answers, so the evaluation dashboards show real
figures: every cohort's entry survey, and the end-of-year surveys already past (Midlands).
The demo learners' own cohort has its entry survey still open for them."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from enhance.evaluation.models import Answer, Respondent, Response, SurveyItem, Wave
from enhance.evaluation.surveys import pair_with_entry, planned_waves, schedule_of
from enhance.programmes.models import Cohort, Membership, Programme


def _score(rng: random.Random, base: int, growth: int) -> int:
    return max(1, min(5, base + growth + rng.choice([-1, 0, 0, 0, 1])))


def load_surveys(today: dt.date, demo_people: set[int], rng: random.Random) -> int:
    items = list(SurveyItem.objects.filter(programme__isnull=True, active=True))
    scale = [i for i in items if i.is_scale]
    base: dict[tuple[int, int], int] = {}  # (person, item) -> entry rating
    respondents: dict[int, Respondent] = {}
    answered = 0
    for cohort in Cohort.objects.select_related("programme").order_by("intake_date", "id"):
        members = list(Membership.objects.filter(cohort=cohort).values_list("person_id", flat=True))
        plans = planned_waves(cohort, schedule_of(cohort.programme), cohort.programme.length_years)
        for plan in plans:
            if plan.opens_on > today:
                continue
            closes = plan.closes_on
            if (
                plan.year == 0
                and cohort.programme.pathway == Programme.Pathway.IMT
                and closes < today
                and members
                and demo_people & set(members)
            ):
                closes = today + dt.timedelta(days=14)  # kept open for the demo learners
            wave = Wave.objects.create(
                cohort=cohort,
                point=plan.point,
                year=plan.year,
                opens_on=plan.opens_on,
                closes_on=closes,
                invited_count=len(members),
                invited_at=timezone.now(),
            )
            responses = []
            for person_id in members:
                if person_id in demo_people or rng.random() < 0.15:
                    continue
                respondent = respondents.get(person_id) or Respondent.objects.create(person_id=person_id)
                respondents[person_id] = respondent
                responses.append(Response(wave=wave, respondent=respondent))
            created = Response.objects.bulk_create(responses)
            answers = []
            for response in created:
                person_id = response.respondent.person_id
                for item in scale:
                    start = base.setdefault((person_id, item.pk), rng.choice([1, 2, 2, 3, 3, 3, 4]))
                    growth = 0 if plan.year == 0 else min(plan.year, 2)
                    answers.append(Answer(response=response, item=item, score=_score(rng, start, growth)))
            Answer.objects.bulk_create(answers)
            answered += len(created)
    pair_with_entry(Response.objects.all())
    return answered
