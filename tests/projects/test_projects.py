"""Projects: milestones from templates, RAG over time, outputs, meetings, hand-over, reminders."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from enhance.notifications.models import Notification
from enhance.projects import projects
from enhance.projects.models import Milestone, MilestoneTemplate, Output, Partner, Project
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def templates(world):
    return [
        MilestoneTemplate.objects.create(
            programme=world.programme, name="Recommendation", training_year=1, months_into_year=11
        ),
        MilestoneTemplate.objects.create(
            programme=world.programme,
            name="Conference abstract",
            training_year=2,
            months_into_year=9,
            completed_by_output="abstract",
        ),
    ]


@pytest.fixture
def project(world, templates):
    partner = Partner.objects.create(organisation=world.partner_org)
    made = projects.project_create(
        actor=world["learner"],
        project=Project(
            lead=world.learner_membership,
            partner=partner,
            title="Discharge to shelters",
            supervisor=world["supervisor"],
        ),
    )
    return made


def test_milestone_dates_come_from_templates_and_stretch_for_ltft(world, templates, project):
    # Started 5 August 2026, full time.
    assert [(m.name, m.due_on) for m in project.milestones.all()] == [
        ("Recommendation", dt.date(2027, 7, 5)),
        ("Conference abstract", dt.date(2028, 5, 5)),
    ]
    part_time = MembershipFactory(programme=world.programme, cohort=world.cohort, wte=Decimal("0.6"))
    assert projects.due_date(part_time, templates[0]) == dt.date(2028, 2, 5)  # 11 / 0.6 = 18 months


def test_rag_turns_amber_then_red_as_dates_pass(project):
    m = project.milestones.get(name="Recommendation")
    assert projects.rag(m, dt.date(2027, 1, 1)) == "green"
    assert projects.rag(m, dt.date(2027, 6, 1)) == "amber"
    assert projects.rag(m, dt.date(2027, 7, 6)) == "red"
    m.completed_on = dt.date(2027, 7, 10)
    assert projects.rag(m, dt.date(2027, 8, 1)) == "complete"


def test_an_abstract_output_completes_its_milestone_and_bad_identifiers_are_refused(world, project):
    with pytest.raises(ValidationError) as err:
        projects.output_add(
            actor=world["learner"],
            project=project,
            output=Output(
                kind="publication", title="t", date=dt.date(2027, 1, 1), doi="doi:xyz", pmid="12ab"
            ),
        )
    assert set(err.value.message_dict) == {"doi", "pmid"}
    projects.output_add(
        actor=world["learner"],
        project=project,
        output=Output(
            kind="abstract",
            title="Shelters and discharge",
            venue="RCP conference",
            date=dt.date(2027, 3, 1),
            doi="https://doi.org/10.1136/bmj.n71",
            pmid="33782057",
        ),
    )
    assert Output.objects.get().doi == "10.1136/bmj.n71"
    assert project.milestones.get(name="Conference abstract").completed_on == dt.date(2027, 3, 1)


def test_supervisor_logs_meetings_and_learners_cannot(world, project):
    projects.meeting_add(
        actor=world["supervisor"], project=project, date=dt.date(2026, 11, 1), notes="Scoping"
    )
    with pytest.raises(PermissionDenied):
        projects.meeting_add(
            actor=world["second_learner"], project=project, date=dt.date(2026, 11, 1), notes="x"
        )


def test_hand_over_keeps_the_history(client, world, project):
    projects.project_update(
        actor=world["learner"], project=project, stage="scoping", recommendation="A link worker"
    )
    projects.handover(actor=world["programme_lead"], project=project, to=world.second_membership)
    project.refresh_from_db()
    assert project.lead == world.second_membership
    leads = [h.lead_id for h in project.history.order_by("history_date")]
    assert leads[0] == world.learner_membership.pk and leads[-1] == world.second_membership.pk
    assert project.recommendation == "A link worker"
    with pytest.raises(PermissionDenied):
        projects.handover(actor=world["learner"], project=project, to=world.learner_membership)


def test_partner_contacts_see_only_their_organisations_projects(client, world, project):
    other = Partner.objects.create(
        organisation=OrganisationFactory(name="Elsewhere Outreach", kind="voluntary")
    )
    elsewhere = Project.objects.create(lead=world.second_membership, partner=other, title="Elsewhere project")
    client.force_login(world["partner_contact"])
    assert client.get(reverse("projects:project", args=[project.pk])).status_code == 200
    assert client.get(reverse("projects:project", args=[elsewhere.pk])).status_code == 403
    assert "Elsewhere project" not in client.get(reverse("projects:partner_view")).content.decode()


def test_reminders_are_sent_once_per_state(world, project):
    with time_machine.travel(dt.datetime(2027, 6, 1, tzinfo=dt.UTC)):
        assert projects.send_milestone_reminders() == 2  # learner and supervisor: due soon
        assert projects.send_milestone_reminders() == 0
    with time_machine.travel(dt.datetime(2027, 7, 10, tzinfo=dt.UTC)):
        assert projects.send_milestone_reminders() == 2  # now overdue
        assert projects.send_milestone_reminders() == 0
    assert Notification.objects.filter(recipient=world["supervisor"], kind="milestone_reminder").count() == 2


def test_board_and_lists_cost_the_same_whatever_their_size(query_count, world, project):
    def count(persona, url):
        return query_count(world[persona], url)

    urls = [
        ("programme_lead", reverse("projects:board")),
        ("supervisor", reverse("projects:supervising")),
        ("learner", reverse("projects:my_projects")),
    ]
    before = {u: count(p, u) for p, u in urls}
    for n in range(5):
        Project.objects.create(
            lead=world.learner_membership,
            partner=project.partner,
            title=f"P{n}",
            supervisor=world["supervisor"],
        )
        Milestone.objects.create(project=project, name=f"M{n}", due_on=dt.date(2026, 1, 1))
    for p, u in urls:
        assert count(p, u) <= before[u], u


def test_output_evidence_files_are_checked_and_counted_per_cohort(client, world, project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError, match=re.escape(projects.EVIDENCE_WRONG_TYPE)):
        projects.output_add(
            actor=world["learner"],
            project=project,
            output=Output(
                kind="poster",
                title="p",
                date=dt.date(2027, 1, 1),
                evidence=SimpleUploadedFile("poster.pdf", b"MZ not a pdf"),
            ),
        )
    projects.output_add(
        actor=world["learner"],
        project=project,
        output=Output(
            kind="poster",
            title="p",
            date=dt.date(2027, 1, 1),
            evidence=SimpleUploadedFile("poster.pdf", b"%PDF-1.4 poster"),
        ),
    )
    client.force_login(world["programme_lead"])
    page = " ".join(client.get(reverse("projects:board")).content.decode().split())
    assert "Midlands IMT, August 2026 intake: 1 poster" in page


def test_milestones_done_on_time_count_towards_arcp_and_appear_in_the_evidence_pack(world, project):
    from enhance.portfolio import requirements
    from enhance.portfolio.evidence import collect
    from enhance.portfolio.models import RequirementSet, Rule

    rs = RequirementSet.objects.create(programme=world.programme, training_year=1, name="year 1")
    requirements.rule_add(
        actor=world["programme_lead"], requirement_set=rs, rule=Rule(kind="project_milestones", target=1)
    )
    m = project.milestones.get(name="Recommendation")
    projects.milestone_complete(actor=world["learner"], milestone=m, on=dt.date(2027, 6, 1))
    with time_machine.travel(dt.datetime(2027, 7, 1, tzinfo=dt.UTC)):
        (row,) = requirements.progress_for(world.learner_membership).rules
    assert (row.count, row.met) == (1, True)
    data = collect(world.learner_membership.person_id, dt.date(2026, 8, 1), dt.date(2027, 7, 31))
    assert data["projects"][0]["title"] == "Discharge to shelters"


def test_co_learners_join_from_the_cohort_and_see_the_project(client, world, project):
    projects.co_learner_add(actor=world["learner"], project=project, membership=world.second_membership)
    with pytest.raises(ValidationError):
        projects.co_learner_add(actor=world["learner"], project=project, membership=world.far_membership)
    client.force_login(world["second_learner"])
    assert client.get(reverse("projects:project", args=[project.pk])).status_code == 200


def test_the_board_counts_every_stage_in_the_database_and_pages_one_stage(client, world, project):
    for n in range(30):
        Project.objects.create(
            lead=world.learner_membership,
            partner=project.partner,
            title=f"Scoping {n:02}",
            stage=Project.Stage.SCOPING,
        )
    client.force_login(world["programme_lead"])
    page = " ".join(client.get(reverse("projects:board"), {"stage": "scoping"}).content.decode().split())
    assert "Scoping 00" in page and "Scoping 29" not in page and "Page 2 of 2" in page
    stages = page[page.index('data-testid="stages"') : page.index("</table>")]
    assert 'Scoping</a> </td> <td class="nhsuk-table__cell">30</td>' in stages
    assert client.get(reverse("projects:board"), {"stage": "nonsense"}).status_code == 200


def test_the_board_lists_projects_with_most_milestones_overdue_first_and_counts_them_per_stage(
    client, world, project
):
    today = timezone.localdate()
    made = {}
    for title, overdue in (("Alpha", 0), ("Beta", 1), ("Gamma", 2), ("Delta", 0)):
        made[title] = Project.objects.create(
            lead=world.learner_membership, partner=project.partner, title=title, stage=Project.Stage.SCOPING
        )
        for n in range(overdue):
            Milestone.objects.create(
                project=made[title], name=f"Late {n}", due_on=today - dt.timedelta(days=3)
            )
    Milestone.objects.create(
        project=made["Alpha"], name="Done", due_on=today - dt.timedelta(days=9), completed_on=today
    )
    Milestone.objects.create(project=made["Delta"], name="Not yet", due_on=today + dt.timedelta(days=9))
    client.force_login(world["programme_lead"])
    page = " ".join(client.get(reverse("projects:board"), {"stage": "scoping"}).content.decode().split())
    listed = page[page.index("overdue first") :]
    assert [listed.index(t) for t in ("Gamma", "Beta", "Alpha", "Delta")] == sorted(
        listed.index(t) for t in ("Gamma", "Beta", "Alpha", "Delta")
    )
    assert "2 overdue" in listed and "1 overdue" in listed
    stages = page[page.index('data-testid="stages"') : page.index("</table>")]
    assert (
        'Scoping</a> </td> <td class="nhsuk-table__cell">4</td> <td class="nhsuk-table__cell">2</td>'
        in stages
    )


def test_the_reminder_job_tells_many_at_a_flat_query_cost(world, project):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def due(n, on):
        for i in range(n):
            Milestone.objects.create(project=project, name=f"Step {on}-{i}", due_on=on)

    with time_machine.travel(dt.datetime(2027, 6, 1, tzinfo=dt.UTC)):
        projects.send_milestone_reminders()  # the templates' own milestones
        due(2, dt.date(2027, 6, 3))
        with CaptureQueriesContext(connection) as few:
            assert projects.send_milestone_reminders() == 4
        due(20, dt.date(2027, 6, 4))
        with CaptureQueriesContext(connection) as many:
            assert projects.send_milestone_reminders() == 40
    assert len(many.captured_queries) <= len(few.captured_queries)
    assert (
        Notification.objects.filter(recipient=world["supervisor"], title__contains="Step 2027-06-04").count()
        == 20
    )


def test_a_project_removed_between_paging_and_reading_is_left_out_of_the_board_page(world, project):
    from enhance.projects.selectors import stage_page_rows

    gone = Project(pk=987_654)
    gone.overdue, project.overdue = 1, 2
    shown = stage_page_rows([gone, project])
    assert shown == [project] and shown[0].overdue == 2
