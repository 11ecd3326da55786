"""The dashboards: who reaches which figures, the small-number rule at every level, the
downloads holding exactly the table, bad filters, and a fixed number of queries."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from django.urls import reverse

from enhance.evaluation.measures import MEASURES
from enhance.evaluation.tables import FEWER_THAN_5, HIDDEN, PEOPLE, Col, Table, apply_rule
from enhance.programmes.models import Region
from tests.evaluation.conftest import answered_by
from tests.factories import MembershipFactory

MANAGERS = ["national_admin", "regional_lead", "programme_lead", "locality_lead"]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def _change_row(rows: list[list[str]]) -> list[str]:
    return next(r for r in rows if r[0].endswith("entry to end of year 1") and "person-centred" in r[0])


@pytest.mark.parametrize("persona", MANAGERS)
def test_every_measure_opens_for_those_who_manage_learners(client, world, scene, persona):
    client.force_login(world[persona])
    assert client.get(reverse("evaluation:dashboard")).status_code == 200
    for slug in MEASURES:
        assert client.get(reverse("evaluation:measure", args=[slug])).status_code == 200, slug


@pytest.mark.parametrize("persona", ["faculty", "community_lead", "partner_contact", "supervisor", "learner"])
def test_others_are_refused_the_dashboards_and_their_downloads(client, world, persona):
    client.force_login(world[persona])
    assert client.get(reverse("evaluation:dashboard")).status_code == 403
    assert client.get(reverse("evaluation:measure", args=["confidence"])).status_code == 403
    assert client.get(reverse("evaluation:download", args=["confidence", "change", "csv"])).status_code == 403


def test_the_national_view_shows_the_paired_change_worked_out_by_hand(client, world, surveyed):
    client.force_login(world["national_admin"])
    rows = _csv(client.get(reverse("evaluation:download", args=["confidence", "change", "csv"])))
    assert rows[0] == [
        "Question and surveys",
        "Learners with both answers",
        "Mean change",
        "95% CI, lower",
        "95% CI, upper",
        "p-value (signed-rank)",
    ]
    row = _change_row(rows)
    assert row[1:] == ["4", "2.5", "0.45", "4.55", "0.125"]


def test_a_cohort_of_four_respondents_shows_fewer_than_5_and_hides_its_figures(client, world, surveyed):
    client.force_login(world["national_admin"])
    query = {"cohort": world.cohort.pk}
    page = client.get(reverse("evaluation:measure", args=["confidence"]), query).content.decode()
    assert FEWER_THAN_5 in page and "2.50" not in page
    rows = _csv(client.get(reverse("evaluation:download", args=["confidence", "change", "csv"]), query))
    assert _change_row(rows)[1:] == [FEWER_THAN_5, HIDDEN, HIDDEN, HIDDEN, HIDDEN]


@pytest.mark.parametrize("persona", ["regional_lead", "programme_lead", "locality_lead"])
def test_below_national_level_the_rule_applies_to_leads_without_any_filter(client, world, surveyed, persona):
    client.force_login(world[persona])
    rows = _csv(client.get(reverse("evaluation:download", args=["confidence", "change", "csv"])))
    assert _change_row(rows)[1] == FEWER_THAN_5
    xlsx = client.get(reverse("evaluation:download", args=["confidence", "means", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_five_respondents_show_their_figures_to_the_programme_lead(client, world):
    answered_by(world, [1, 1, 1, 1, 1], [2, 3, 4, 5, 2])
    client.force_login(world["programme_lead"])
    row = _change_row(_csv(client.get(reverse("evaluation:download", args=["confidence", "change", "csv"]))))
    assert row[1:3] == ["5", "2.2"]


def test_a_lead_sees_only_their_programme_and_cannot_filter_into_another(client, world, surveyed):
    client.force_login(world["programme_lead"])
    reach = client.get(reverse("evaluation:measure", args=["reach"])).content.decode()
    assert world.programme.name in reach and world.other_programme.name not in reach
    other = client.get(reverse("evaluation:measure", args=["reach"]), {"programme": world.other_programme.pk})
    assert other.status_code == 200
    assert (
        "Select a valid choice" in other.content.decode()
        and world.other_programme.name + " (" not in other.content.decode()
    )
    bad = client.get(
        reverse("evaluation:download", args=["reach", "by-programme", "csv"]),
        {"programme": world.other_programme.pk},
    )
    assert bad.status_code == 404


def test_the_national_admin_filters_to_one_trailblazer(client, world, surveyed):
    client.force_login(world["national_admin"])
    london = Region.objects.get(code="london")
    rows = _csv(
        client.get(
            reverse("evaluation:download", args=["reach", "by-programme", "csv"]), {"region": london.pk}
        )
    )
    assert [r[0] for r in rows[1:]] == [f"{world.other_programme.name} (London)"]
    assert rows[1][1] == FEWER_THAN_5  # one learner in London: below national level, the rule applies


@pytest.mark.parametrize(
    "query", [{"region": "abc"}, {"year": "1999"}, {"cohort": "999999"}, {"grade": "<script>"}]
)
def test_bad_filters_get_a_clear_error_never_a_500(client, world, query):
    client.force_login(world["national_admin"])
    page = client.get(reverse("evaluation:measure", args=["reach"]), query)
    assert page.status_code == 200 and "nhsuk-error-message" in page.content.decode()
    assert client.get(reverse("evaluation:measure", args=["nope"])).status_code == 404
    assert client.get(reverse("evaluation:download", args=["reach", "nope", "csv"])).status_code == 404


def test_downloads_neutralise_cells_that_would_start_a_formula(client, world):
    world.programme.name = "=HYPERLINK(1)"
    world.programme.save()
    client.force_login(world["national_admin"])
    rows = _csv(client.get(reverse("evaluation:download", args=["reach", "by-programme", "csv"])))
    assert any(r[0].startswith("'=HYPERLINK") for r in rows[1:])


def test_the_rule_counts_people_and_exempts_only_national_whole_tables():
    table = Table(
        "t",
        "T",
        "",
        [Col("label", "L", "label"), Col("n", "N", PEOPLE), Col("m", "M", "mean", base="n")],
        [
            {"label": "a", "n": 4, "m": 2.0},
            {"label": "b", "n": 0, "m": None},
            {"label": "c", "n": 5, "m": 3.0},
        ],
    )
    assert apply_rule(table, national=True).cells == [
        ["a", FEWER_THAN_5, HIDDEN],
        ["b", 0, ""],
        ["c", 5, 3.0],
    ]
    table.whole = True
    assert apply_rule(table, national=True).cells[0] == ["a", 4, 2.0]
    assert apply_rule(table, national=False).cells[0] == ["a", FEWER_THAN_5, HIDDEN]


@pytest.mark.parametrize("slug", list(MEASURES))
def test_each_measure_costs_the_same_number_of_queries_at_two_sizes(query_count, world, slug):
    answered_by(world, [2, 2], [3, 3])
    url = reverse("evaluation:measure", args=[slug])
    small = query_count(world["national_admin"], url)
    for _ in range(6):
        MembershipFactory(programme=world.other_programme)
    answered_by_more(world)
    assert query_count(world["national_admin"], url) == small


def answered_by_more(world):
    from enhance.evaluation.models import Wave
    from tests.evaluation.conftest import respond

    wave = Wave.objects.get(cohort=world.cohort, year=0)
    for _ in range(5):
        respond(wave, MembershipFactory(programme=world.programme, cohort=world.cohort), 4)


def test_a_measure_s_figures_are_kept_for_an_hour_then_counted_again(client, world):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from enhance.evaluation import tables

    def figures():
        page = client.get(reverse("evaluation:measure", args=["reach"])).content.decode()
        return page[page.index("<table") : page.rindex("</table>")]

    client.force_login(world["national_admin"])
    now = timezone.now()
    with time_machine.travel(now):
        before = figures()
    for _ in range(6):  # enough to pass the small-number rule
        MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
    with time_machine.travel(now + dt.timedelta(seconds=tables.KEPT_FOR - 60)):
        assert figures() == before
    with time_machine.travel(now + dt.timedelta(seconds=tables.KEPT_FOR + 60)):
        assert figures() != before


def test_figures_not_yet_counted_are_counted_in_the_background_while_the_page_waits(client, world, settings):
    from django_tasks import default_task_backend

    from enhance.evaluation.counting import measure_count

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queue, do not run
    client.force_login(world["national_admin"])
    url = reverse("evaluation:measure", args=["reach"])
    waiting = client.get(url, {"programme": world.programme.pk}).content.decode()
    assert "Counting these figures" in waiting and 'hx-trigger="every 2s"' in waiting
    assert "<table" not in waiting
    client.get(url, {"programme": world.programme.pk})  # asked again while counting: no second count
    (queued,) = default_task_backend.results
    assert queued.kwargs == {
        "user_id": world["national_admin"].pk,
        "slug": "reach",
        "filters": {"programme": world.programme.pk},
    }

    measure_count(**queued.kwargs)  # what the worker does
    ready = client.get(url, {"programme": world.programme.pk}).content.decode()
    assert "Counting these figures" not in ready and 'data-testid="by-programme"' in ready
    assert len(default_task_backend.results) == 1


def test_figures_that_could_not_be_counted_say_so_instead_of_waiting(client, world, settings, monkeypatch):
    from enhance.evaluation import counting

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(world["national_admin"])
    url = reverse("evaluation:measure", args=["reach"])
    assert "Counting these figures" in client.get(url).content.decode()
    monkeypatch.setitem(
        MEASURES, "reach", dataclasses.replace(MEASURES["reach"], build=lambda user, filters: 1 / 0)
    )
    with pytest.raises(ZeroDivisionError):
        counting.measure_count(world["national_admin"].pk, "reach", {})
    page = client.get(url).content.decode()
    assert "could not be counted" in page and "every 2s" not in page
