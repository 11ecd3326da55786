"""Placements in the app: permissions, preferences, runs, publication, explanations, clinics."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from enhance.notifications.models import Notification
from enhance.placements import allocation, services
from enhance.placements.models import AllocationRun, ClinicEntry, Constraint, Placement, PreferenceSet
from enhance.placements.services import DEADLINE_PASSED, NOT_OFFERED, REPEATED
from tests.conftest import BLOCK_START, PERSONAS

pytestmark = pytest.mark.django_db(transaction=True)

MANAGERS = {"national_admin", "regional_lead", "programme_lead"}


def start_run(world, block, mode="balanced"):
    run = services.allocation_run_start(actor=world["programme_lead"], block=block, mode=mode)
    run.refresh_from_db()
    return run


# --- Permissions --------------------------------------------------------------------------

PAGES = [
    ("blocks", lambda w, b: reverse("placements:block_list"), set(PERSONAS)),
    ("block", lambda w, b: reverse("placements:block_detail", args=[b.pk]), MANAGERS | {"locality_lead"}),
    (
        "preferences",
        lambda w, b: reverse("placements:preferences", args=[b.pk]),
        {"learner", "second_learner"},
    ),
    ("new block", lambda w, b: reverse("placements:block_create"), MANAGERS),
    ("opportunities", lambda w, b: reverse("placements:opportunity_list"), MANAGERS | {"community_lead"}),
    (
        "new opportunity",
        lambda w, b: reverse("placements:opportunity_create"),
        {"national_admin", "community_lead"},
    ),
    ("incoming", lambda w, b: reverse("placements:incoming"), {"national_admin", "community_lead"}),
    ("my placements", lambda w, b: reverse("placements:my_placements"), set(PERSONAS)),
]


@pytest.mark.parametrize(("page", "persona"), [(p[0], who) for p in PAGES for who in PERSONAS])
def test_placement_pages_per_persona(client, world, block, page, persona):
    _, url_for, allowed = next(p for p in PAGES if p[0] == page)
    client.force_login(world[persona])
    response = client.get(url_for(world, block))
    if page == "block" and persona in ("learner", "second_learner"):
        # Learners of the cohort are sent on to their ranking page.
        assert response["Location"] == reverse("placements:preferences", args=[block.pk])
        return
    assert response.status_code == (200 if persona in allowed else 403), persona


def test_run_pages_are_for_block_managers_only(client, world, ranked_block):
    run = start_run(world, ranked_block)
    for persona in PERSONAS:
        client.force_login(world[persona])
        expected = 200 if persona in MANAGERS else 403
        assert client.get(reverse("placements:run_detail", args=[run.pk])).status_code == expected, persona
        assert client.get(reverse("placements:run_input", args=[run.pk])).status_code == expected
    assert client.get(reverse("placements:run_detail", args=[99999])).status_code == 404


def test_community_lead_edits_only_their_own_organisations_opportunities(client, world, opportunities):
    from tests.factories import OrganisationFactory

    other = OrganisationFactory(name="Elsewhere Community Trust", kind="community_provider")
    opportunities[0].organisation = other
    opportunities[0].save()
    client.force_login(world["community_lead"])
    assert client.get(reverse("placements:opportunity_edit", args=[opportunities[0].pk])).status_code == 403
    assert client.get(reverse("placements:opportunity_edit", args=[opportunities[1].pk])).status_code == 200
    response = client.post(
        reverse("placements:opportunity_create"),
        {
            "organisation": other.pk,
            "type": opportunities[1].type_id,
            "title": "Sneaky",
            "capacity": 1,
            "active": "on",
        },
    )
    assert "Select a valid choice" in response.content.decode()


def test_opportunity_form_checks_capacity_and_saves_domains(client, world, opportunities):
    from enhance.curriculum.models import Domain

    client.force_login(world["community_lead"])
    url = reverse("placements:opportunity_create")
    data = {
        "organisation": world.community_org.pk,
        "type": opportunities[0].type_id,
        "title": "New clinic",
        "capacity": "-1",
        "active": "on",
    }
    assert "Ensure this value is greater than or equal to 0." in client.post(url, data).content.decode()
    data.update(capacity="2", domains=[d.pk for d in Domain.objects.all()[:2]])
    assert client.post(url, data).status_code == 302
    assert world.community_org.opportunities.get(title="New clinic").domains.count() == 2


# --- Preferences --------------------------------------------------------------------------


def rank(client, block, action):
    return client.post(reverse("placements:preferences", args=[block.pk]), {"action": action}, follow=True)


def test_learner_ranks_moves_and_removes_without_javascript(client, world, block, opportunities):
    client.force_login(world["learner"])
    for o in opportunities[:5]:
        rank(client, block, f"add:{o.pk}")
    rank(client, block, f"up:{opportunities[2].pk}")
    rank(client, block, f"remove:{opportunities[0].pk}")
    page = rank(client, block, f"add:{opportunities[5].pk}").content.decode()
    assert "Your preferences were saved." in page
    choices = PreferenceSet.objects.get(block=block, membership=world.learner_membership).choices
    assert [c.opportunity_id for c in choices.order_by("rank")] == [
        opportunities[2].pk,
        opportunities[1].pk,
        opportunities[3].pk,
        opportunities[4].pk,
        opportunities[5].pk,
    ]


def test_learner_without_licence_is_warned_about_driving_opportunities(client, world, block, opportunities):
    client.force_login(world["learner"])
    page = rank(client, block, f"add:{opportunities[2].pk}").content.decode()
    assert "needs a driver and your record shows no driving licence" in page


def test_preference_rules_each_give_a_clear_message(world, block, opportunities):
    ids = [o.pk for o in opportunities]
    m = world.learner_membership
    with pytest.raises(ValidationError, match=re.escape(services.TOO_MANY.format(n=5))):
        services.preferences_set(actor=world["learner"], block=block, membership=m, opportunity_ids=ids)
    with pytest.raises(ValidationError, match=re.escape(REPEATED)):
        services.preferences_set(
            actor=world["learner"], block=block, membership=m, opportunity_ids=[ids[0], ids[0]]
        )
    block.opportunities.remove(opportunities[5])
    with pytest.raises(ValidationError, match=re.escape(NOT_OFFERED)):
        services.preferences_set(actor=world["learner"], block=block, membership=m, opportunity_ids=[ids[5]])
    with pytest.raises(PermissionDenied):
        services.preferences_set(
            actor=world["second_learner"], block=block, membership=m, opportunity_ids=[ids[0]]
        )
    block.preferences_close_at = timezone.now() - dt.timedelta(minutes=1)
    block.save()
    with pytest.raises(ValidationError, match=re.escape(DEADLINE_PASSED.split("{")[0])):
        services.preferences_set(actor=world["learner"], block=block, membership=m, opportunity_ids=[ids[0]])
    assert not PreferenceSet.objects.filter(block=block, choices__isnull=False).exists()


# --- Runs, pins, compare, publish ---------------------------------------------------------


def test_a_run_solves_the_block_and_keeps_its_exact_input(client, world, ranked_block):
    run = start_run(world, ranked_block)
    assert run.status == AllocationRun.Status.DONE
    assert len(run.result["assignments"]) == 5
    client.force_login(world["programme_lead"])
    exported = json.loads(client.get(reverse("placements:run_input", args=[run.pk])).content)
    assert exported == run.instance
    again = start_run(world, ranked_block)
    assert again.instance == run.instance, "same data, same input: runs are reproducible"
    assert again.result == run.result
    assert (
        Notification.objects.filter(recipient=world["programme_lead"], kind="allocation_finished").count()
        == 2
    )


def test_pinning_and_forbidding_change_the_next_run(client, world, ranked_block, opportunities):
    client.force_login(world["programme_lead"])
    learner_m = world.learner_membership
    url = reverse("placements:constraint", args=[ranked_block.pk])
    client.post(url, {"membership": learner_m.pk, "opportunity": opportunities[4].pk, "kind": "pin"})
    client.post(
        url, {"membership": world.second_membership.pk, "opportunity": opportunities[0].pk, "kind": "forbid"}
    )
    run = start_run(world, ranked_block, "fair")
    got = {a["learner"]: a["opportunity"] for a in run.result["assignments"]}
    assert got[learner_m.pk] == opportunities[4].pk
    assert got.get(world.second_membership.pk) != opportunities[0].pk
    assert Constraint.objects.filter(block=ranked_block).count() == 2


def test_bad_constraint_posts_are_refused_and_change_nothing(client, world, ranked_block, opportunities):
    client.force_login(world["programme_lead"])
    url = reverse("placements:constraint", args=[ranked_block.pk])
    assert (
        client.post(url, {"membership": "x", "opportunity": opportunities[0].pk, "kind": "pin"}).status_code
        == 400
    )
    assert (
        client.post(
            url, {"membership": world.far_membership.pk, "opportunity": opportunities[0].pk, "kind": "pin"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            url,
            {"membership": world.learner_membership.pk, "opportunity": opportunities[0].pk, "kind": "smash"},
        ).status_code
        == 400
    )
    assert not Constraint.objects.exists()


def test_no_more_runs_once_a_block_is_published(world, ranked_block):
    run = start_run(world, ranked_block)
    services.allocation_run_publish(actor=world["programme_lead"], run=run)
    with pytest.raises(ValidationError, match=re.escape(services.BLOCK_S_PLACEMENTS_ALREADY_PUBLISHED)):
        services.allocation_run_start(actor=world["programme_lead"], block=ranked_block, mode="fair")


def test_compare_shows_two_runs_side_by_side(client, world, ranked_block):
    a = start_run(world, ranked_block, "balanced")
    b = start_run(world, ranked_block, "stable")
    client.force_login(world["programme_lead"])
    page = client.get(reverse("placements:run_compare"), {"a": a.pk, "b": b.pk}).content.decode()
    assert "Run 1 (balanced) against run 2 (stable)" in page
    assert client.get(reverse("placements:run_compare"), {"a": a.pk, "b": "x"}).status_code == 400


def test_publishing_creates_placements_tells_people_and_happens_once(client, world, ranked_block):
    run = start_run(world, ranked_block)
    placements = services.allocation_run_publish(actor=world["programme_lead"], run=run)
    assert len(placements) == Placement.objects.filter(block=ranked_block).count() == 5
    assert Notification.objects.filter(recipient=world["learner"], kind="placement_published").exists()
    assert Notification.objects.filter(recipient=world["community_lead"], kind="placement_incoming").exists()
    with pytest.raises(ValidationError, match=re.escape(services.BLOCK_S_PLACEMENTS_ALREADY_PUBLISHED)):
        services.allocation_run_publish(actor=world["programme_lead"], run=run)
    with pytest.raises(PermissionDenied):
        services.allocation_run_publish(actor=world["locality_lead"], run=run)


def test_publishing_from_the_run_page_happens_in_the_background_and_shows_its_progress(
    client, world, ranked_block, settings
):
    run = start_run(world, ranked_block)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker yet
    client.force_login(world["programme_lead"])
    url = reverse("placements:run_publish", args=[run.pk])
    page = client.post(url, follow=True).content.decode()
    assert (
        "Publishing this run" in page and 'hx-trigger="every 2s"' in page and "Publish this run<" not in page
    )
    assert not Placement.objects.filter(block=ranked_block).exists()
    again = client.post(url, follow=True).content.decode()  # a second click while it runs
    assert services.ALREADY_PUBLISHING.replace("'", "&#x27;") in again

    assert services.allocation_run_publish_requested(run.pk) == "5 placements"  # what the worker does
    page = client.get(reverse("placements:run_detail", args=[run.pk])).content.decode()
    assert "Published 5 placements on" in page and "every 2s" not in page
    assert Notification.objects.filter(recipient=world["learner"], kind="placement_published").exists()


def test_a_publication_that_cannot_go_ahead_says_why_on_the_run_page(client, world, ranked_block, settings):
    first, second = start_run(world, ranked_block), start_run(world, ranked_block, "fair")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    services.allocation_run_publish_request(actor=world["programme_lead"], run=second)
    services.allocation_run_publish(actor=world["programme_lead"], run=first)  # published meanwhile
    assert (
        services.allocation_run_publish_requested(second.pk) == services.BLOCK_S_PLACEMENTS_ALREADY_PUBLISHED
    )
    client.force_login(world["programme_lead"])
    page = client.get(reverse("placements:run_detail", args=[second.pk])).content.decode()
    assert "This run was not published" in page and "already published" in page
    assert Placement.objects.filter(block=ranked_block, run=first).count() == 5
    assert not Placement.objects.filter(run=second).exists()


def test_a_publication_that_breaks_keeps_nothing_and_can_be_asked_for_again(
    world, ranked_block, settings, monkeypatch
):
    run = start_run(world, ranked_block)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    services.allocation_run_publish_request(actor=world["programme_lead"], run=run)
    monkeypatch.setattr(services, "_tell_community_leads", lambda *a: 1 / 0)  # fails after the placements
    with pytest.raises(ZeroDivisionError):
        services.allocation_run_publish_requested(run.pk)
    run.refresh_from_db()
    assert run.publish_error == services.PUBLISH_FAILED and not run.publishing and run.published_at is None
    assert not Placement.objects.filter(block=ranked_block).exists()
    monkeypatch.undo()
    services.allocation_run_publish_request(actor=world["programme_lead"], run=run)
    assert services.allocation_run_publish_requested(run.pk) == "5 placements"


def test_learner_sees_their_placement_and_why_not_a_higher_choice(client, world, ranked_block, opportunities):
    # Everyone wants the diabetes clinic (one place); pin it to someone else.
    other = world.second_membership
    services.constraint_set(
        actor=world["programme_lead"],
        block=ranked_block,
        membership=other,
        opportunity=opportunities[0],
        kind="pin",
    )
    run = start_run(world, ranked_block)
    services.allocation_run_publish(actor=world["programme_lead"], run=run)
    client.force_login(world["learner"])
    page = client.get(reverse("placements:my_placements")).content.decode()
    mine = Placement.objects.get(membership=world.learner_membership)
    assert mine.opportunity.title in page
    assert mine.rank > 1
    assert "Choice 1, Diabetes clinic:" in page
    assert "went to learners who chose it" in page


def test_explanations_name_driving_and_forbidden_reasons(world, ranked_block, opportunities):
    m = world.learner_membership
    services.constraint_set(
        actor=world["programme_lead"],
        block=ranked_block,
        membership=m,
        opportunity=opportunities[0],
        kind="forbid",
    )
    run = start_run(world, ranked_block)
    reasons = {r.opportunity: r.why for r in allocation.explain(run, m.pk)}
    assert reasons["Diabetes clinic"] == "Your programme lead ruled this option out for you."
    if "Home visits" in reasons:
        assert "needs a driver" in reasons["Home visits"]


# --- Clinic log ---------------------------------------------------------------------------


@pytest.fixture
def placement(world, ranked_block):
    run = start_run(world, ranked_block)
    services.allocation_run_publish(actor=world["programme_lead"], run=run)
    return Placement.objects.get(membership=world.learner_membership)


def log_clinic(client, placement, day, **extra):
    data = {
        "date": day.isoformat(),
        "clinic_type": placement.opportunity.type_id,
        "site": "Ilkeston",
        "supervisor": "Dr Shah",
        "notes": "Saw six patients",
    }
    data.update(extra)
    return client.post(reverse("placements:placement_detail", args=[placement.pk]), data)


def test_learner_logs_a_clinic_and_the_community_lead_confirms_it(client, world, placement):
    day = BLOCK_START + dt.timedelta(days=3)
    with time_machine.travel(dt.datetime(2027, 2, 10, 12, tzinfo=dt.UTC)):
        client.force_login(world["learner"])
        assert log_clinic(client, placement, day).status_code == 302
        entry = ClinicEntry.objects.get(placement=placement)
        client.force_login(world["community_lead"])
        page = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
        assert "Confirm attendance" in page
        client.post(reverse("placements:clinic_review", args=[entry.pk]), {"decision": "query", "query": ""})
        entry.refresh_from_db()
        assert entry.status == ClinicEntry.Status.SUBMITTED, "a query needs a question"
        client.post(reverse("placements:clinic_review", args=[entry.pk]), {"decision": "confirm"})
        entry.refresh_from_db()
        assert entry.status == ClinicEntry.Status.CONFIRMED
        assert entry.reviewed_by == world["community_lead"]
        client.force_login(world["learner"])
        page = client.get(reverse("placements:my_placements")).content.decode()
        assert "Training year 2026/27: 1 confirmed clinic" in page


def test_clinic_dates_must_fall_in_the_placement_and_not_in_the_future(client, world, placement):
    with time_machine.travel(dt.datetime(2027, 2, 10, 12, tzinfo=dt.UTC)):
        client.force_login(world["learner"])
        early = log_clinic(client, placement, BLOCK_START - dt.timedelta(days=1)).content.decode()
        assert "The date must fall within the placement" in early
        future = log_clinic(client, placement, dt.date(2027, 3, 1)).content.decode()
        assert "You cannot log a clinic in the future." in future
        assert not ClinicEntry.objects.exists()


def test_only_the_placements_community_lead_reviews_clinics(client, world, placement):
    entry = ClinicEntry.objects.create(
        placement=placement,
        date=BLOCK_START,
        clinic_type=placement.opportunity.type,
        site="x",
        supervisor="y",
    )
    for persona in ("learner", "programme_lead", "partner_contact"):
        with pytest.raises(PermissionDenied):
            services.clinic_entry_review(actor=world[persona], entry=entry, confirm=True)
    client.force_login(world["second_learner"])
    assert client.get(reverse("placements:placement_detail", args=[placement.pk])).status_code == 403


# --- Query counts -------------------------------------------------------------------------


def test_block_run_and_placement_pages_cost_the_same_whatever_their_size(
    query_count, world, ranked_block, opportunities
):
    from tests.factories import MembershipFactory

    run = start_run(world, ranked_block)
    urls = {
        "programme_lead": [
            reverse("placements:block_detail", args=[ranked_block.pk]),
            reverse("placements:run_detail", args=[run.pk]),
            reverse("placements:block_list"),
            reverse("placements:opportunity_list"),
        ],
        "learner": [
            reverse("placements:preferences", args=[ranked_block.pk]),
            reverse("placements:my_placements"),
        ],
        "community_lead": [reverse("placements:incoming")],
    }
    before = {}
    for persona, pages in urls.items():
        for url in pages:
            before[url] = query_count(world[persona], url)
    ids = [o.pk for o in opportunities]
    for n in range(12):
        m = MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
        services.preferences_set(
            actor=m.person.user, block=ranked_block, membership=m, opportunity_ids=ids[: 1 + n % 5]
        )
    run.instance = allocation.block_instance(ranked_block, "balanced")
    run.result = None
    run.status = AllocationRun.Status.QUEUED
    run.save()
    allocation.allocation_run_execute(run.pk)
    for persona, pages in urls.items():
        for url in pages:
            assert query_count(world[persona], url) <= before[url], url


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_rapid_ranking_clicks_each_count(world, block, opportunities):
    """Three 'add' clicks landing at once keep all three opportunities (none is lost)."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def click(opportunity) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.preferences_change(
                actor=world["learner"],
                block=block,
                membership=world.learner_membership,
                action=f"add:{opportunity.pk}",
            )
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(o,)) for o in opportunities[:3]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    ranked = PreferenceSet.objects.get(block=block, membership=world.learner_membership).choices
    assert sorted(ranked.values_list("opportunity_id", flat=True)) == sorted(o.pk for o in opportunities[:3])
    assert sorted(ranked.values_list("rank", flat=True)) == [1, 2, 3]


def test_a_ranking_button_with_a_malformed_value_changes_nothing(client, world, block, opportunities):
    client.force_login(world["learner"])
    rank(client, block, f"add:{opportunities[0].pk}")
    page = rank(client, block, "add:abc").content.decode()
    assert "did not send a ranking" in page
    choices = PreferenceSet.objects.get(block=block, membership=world.learner_membership).choices
    assert list(choices.values_list("opportunity_id", flat=True)) == [opportunities[0].pk]


def test_a_learner_answers_a_queried_clinic_and_it_is_reviewed_again(client, world, placement):
    day = BLOCK_START + dt.timedelta(days=3)
    with time_machine.travel(dt.datetime(2027, 2, 10, 12, tzinfo=dt.UTC)):
        client.force_login(world["learner"])
        log_clinic(client, placement, day)
        entry = ClinicEntry.objects.get(placement=placement)
        services.clinic_entry_review(
            actor=world["community_lead"], entry=entry, confirm=False, query="Which site?"
        )
        page = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
        assert "Send answer" in page
        url = reverse("placements:clinic_answer", args=[entry.pk])
        prefix = f"answer-{entry.pk}-"
        fields = {"date": day.isoformat(), "site": "Heanor", "supervisor": "Dr Shah", "notes": ""}
        data = {prefix + k: v for k, v in fields.items()}
        client.post(url, {**data, prefix + "answer": ""})  # no answer: refused, nothing changes
        entry.refresh_from_db()
        assert (entry.status, entry.site) == (ClinicEntry.Status.QUERIED, "Ilkeston")
        late = {**data, prefix + "date": (placement.ends_on + dt.timedelta(days=1)).isoformat()}
        client.post(url, {**late, prefix + "answer": "Wrong date"})
        entry.refresh_from_db()
        assert entry.status == ClinicEntry.Status.QUERIED
        client.post(url, {**data, prefix + "answer": "It was Heanor, not Ilkeston."})
        entry.refresh_from_db()
        assert (entry.status, entry.site, entry.answer) == (
            ClinicEntry.Status.SUBMITTED,
            "Heanor",
            "It was Heanor, not Ilkeston.",
        )
        told = Notification.objects.get(recipient=world["community_lead"], kind="clinic_answered")
        assert told.body == "It was Heanor, not Ilkeston."
        with pytest.raises(ValidationError, match=re.escape(services.ONLY_QUERIED_CLINICS_ANSWERED)):
            services.clinic_entry_answer(actor=world["learner"], entry=entry, answer="Again")
        client.force_login(world["second_learner"])
        assert client.post(url, {**data, prefix + "answer": "Not mine"}).status_code == 403
