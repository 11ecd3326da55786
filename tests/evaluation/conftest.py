"""Survey data for the evaluation tests: an entry survey and an end-of-year-1 survey of the
world's cohort, answered by learners with ratings the tests can compute by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from enhance.evaluation import surveys
from enhance.evaluation.models import Answer, Respondent, Response, SurveyItem, Wave
from enhance.programmes.models import Membership
from tests.factories import MembershipFactory


@dataclass
class Surveyed:
    entry: Wave
    year_end: Wave
    members: list[Membership]
    item: SurveyItem


def respond(wave: Wave, membership: Membership, score: int, first_item_score: int | None = None) -> Response:
    respondent, _ = Respondent.objects.get_or_create(person=membership.person)
    response = Response.objects.create(wave=wave, respondent=respondent)
    items = SurveyItem.objects.filter(programme__isnull=True, answer=SurveyItem.Answer.SCALE).order_by(
        "order"
    )
    for i, item in enumerate(items):
        value = first_item_score if i == 0 and first_item_score is not None else score
        Answer.objects.create(response=response, item=item, score=value)
    surveys.pair_with_entry(Response.objects.filter(pk=response.pk))
    return response


def answered_by(world, entry_scores: list[int], later_scores: list[int]) -> Surveyed:
    """The world's cohort answered the entry survey (entry_scores, one per learner) and the end
    of year 1 survey (later_scores: the first question's rating; the others stay at 3)."""
    cohort = world.cohort
    entry = Wave.objects.create(
        cohort=cohort,
        point="entry",
        year=0,
        opens_on=dt.date(2026, 8, 5),
        closes_on=dt.date(2026, 9, 2),
        invited_count=6,
    )
    year_end = Wave.objects.create(
        cohort=cohort, point="year_end", year=1, opens_on=dt.date(2027, 7, 7), closes_on=dt.date(2027, 8, 4)
    )
    members = [world.learner_membership, world.second_membership]
    while len(members) < len(entry_scores):
        members.append(MembershipFactory(programme=world.programme, cohort=cohort, locality=world.locality))
    for m, first in zip(members, entry_scores, strict=False):
        respond(entry, m, 3, first)
    for m, first in zip(members, later_scores, strict=False):
        respond(year_end, m, 3, first)
    item = SurveyItem.objects.filter(programme__isnull=True).order_by("order").first()
    assert item is not None
    return Surveyed(entry, year_end, members, item)


@pytest.fixture
def surveyed(world) -> Surveyed:
    # Four learners answer both: first-question changes 1, 2, 3 and 4.
    return answered_by(world, [1, 1, 1, 1], [2, 3, 4, 5])
