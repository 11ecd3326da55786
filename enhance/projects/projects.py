"""Projects with their partner: stages, milestones from the programme's templates (dates
stretched for less-than-full-time learners), supervision meetings, outputs, hand-over and
reminders."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.bulk import path_for_each
from enhance.core.dates import add_months
from enhance.core.uploads import JPEG, PDF, PNG, sniff
from enhance.notifications.services import Message, To, notify, notify_many
from enhance.programmes.access import memberships_manageable_by, scope_for
from enhance.programmes.models import Membership
from enhance.programmes.services import notify_leads
from enhance.projects.access import (
    can_edit_project,
    is_project_learner,
    manages_project,
    supervisor_candidates,
)
from enhance.projects.models import Meeting, Milestone, MilestoneTemplate, Output, Project
from enhance.projects.notifications import MILESTONE_REMINDER

# Messages people see when a rule refuses them (tests assert them by name).
LEARNERS_START_THEIR_OWN_PROJECTS = (
    "Learners start their own projects; leads start them for learners in scope."
)
SUPERVISORS_LEADS_LOG_SUPERVISION_MEETINGS = "Supervisors and leads log supervision meetings."
SAY_WHAT_WAS_DISCUSSED = "Say what was discussed."
CHOOSE_ANOTHER_LEARNER_FROM_SAME = "Choose another learner from the same cohort."
ONLY_LEAD_SCOPE_HANDS_PROJECT = "Only a lead in scope hands a project over."
PROJECT_ALREADY_BELONGS_LEARNER = "The project already belongs to this learner."
DOI_FORMAT = "Enter a DOI like 10.1136/bmj.n71."
PMID_FORMAT = "Enter a PubMed ID: up to 8 digits, like 33782057."
CHOOSE_SUPERVISOR_FROM_LIST = "Choose one of the learner's supervisors or their programme's faculty."
SUPERVISOR_SET = "{name} now supervises the project."
SUPERVISOR_PROPOSED = "You proposed {name}. Your programme lead will confirm."
PROPOSED_TITLE = "{person} proposes {name} to supervise {title}"
SUPERVISING_TITLE = "You now supervise the project {title}"
EVIDENCE_TOO_BIG = "The file must be smaller than 10 MB."
EVIDENCE_WRONG_TYPE = "Upload a PDF, PNG or JPEG file."

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^\d{1,8}$")
SOON = dt.timedelta(days=60)


def due_date(membership: Membership, template: MilestoneTemplate) -> dt.date:
    """Months from the start of training, stretched by 1 / WTE for less-than-full-time."""
    months = (template.training_year - 1) * 12 + template.months_into_year
    return add_months(membership.starts_on, round(months / float(membership.wte)))


def rag(milestone: Milestone, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if milestone.completed_on:
        return "complete"
    if milestone.due_on < today:
        return "red"
    return "amber" if milestone.due_on - today <= SOON else "green"


@transaction.atomic
def project_create(*, actor: User, project: Project) -> Project:
    scope = scope_for(actor)
    own = project.lead.person_id == scope.person_id
    if not own and not memberships_manageable_by(actor).filter(pk=project.lead_id).exists():
        raise PermissionDenied(LEARNERS_START_THEIR_OWN_PROJECTS)
    project.full_clean()
    project.save()
    for template in MilestoneTemplate.objects.filter(programme_id=project.lead.programme_id):
        Milestone.objects.create(
            project=project,
            name=template.name,
            due_on=due_date(project.lead, template),
            completed_by_output=template.completed_by_output,
        )
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, **fields: Any) -> Project:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if not can_edit_project(actor, locked):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def meeting_add(*, actor: User, project: Project, date: dt.date, notes: str) -> Meeting:
    if (
        project.supervisor_id != actor.pk
        and not memberships_manageable_by(actor).filter(pk=project.lead_id).exists()
    ):
        raise PermissionDenied(SUPERVISORS_LEADS_LOG_SUPERVISION_MEETINGS)
    if not notes.strip():
        raise ValidationError({"notes": SAY_WHAT_WAS_DISCUSSED})
    return Meeting.objects.create(project=project, date=date, notes=notes.strip(), recorded_by=actor)


@transaction.atomic
def milestone_complete(*, actor: User, milestone: Milestone, on: dt.date | None = None) -> Milestone:
    if not can_edit_project(actor, milestone.project):
        raise PermissionDenied
    milestone.completed_on = on or timezone.localdate()
    milestone.save()
    return milestone


@transaction.atomic
def output_add(*, actor: User, project: Project, output: Output) -> Output:
    if not can_edit_project(actor, project):
        raise PermissionDenied
    output.doi = output.doi.strip().removeprefix("https://doi.org/")
    output.pmid = output.pmid.strip()
    errors = {}
    if output.doi and not DOI_RE.match(output.doi):
        errors["doi"] = DOI_FORMAT
    if output.pmid and not PMID_RE.match(output.pmid):
        errors["pmid"] = PMID_FORMAT
    if output.evidence:
        try:
            sniff(
                output.evidence,
                [PDF, PNG, JPEG],
                max_bytes=10 * 1024 * 1024,
                too_big=EVIDENCE_TOO_BIG,
                wrong_type=EVIDENCE_WRONG_TYPE,
            )
        except ValidationError as exc:
            errors["evidence"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    output.project = project
    output.full_clean()
    output.save()
    project.milestones.filter(completed_on__isnull=True, completed_by_output=output.kind).update(
        completed_on=output.date
    )
    return output


@transaction.atomic
def co_learner_add(*, actor: User, project: Project, membership: Membership) -> None:
    if not can_edit_project(actor, project):
        raise PermissionDenied
    if membership.pk == project.lead_id or membership.cohort_id != project.lead.cohort_id:
        raise ValidationError(CHOOSE_ANOTHER_LEARNER_FROM_SAME)
    project.co_learners.add(membership)


@transaction.atomic
def handover(*, actor: User, project: Project, to: Membership) -> Project:
    """Hand a project to another learner (when the lead leaves or pauses); history is kept."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if not memberships_manageable_by(actor).filter(pk=locked.lead_id).exists():
        raise PermissionDenied(ONLY_LEAD_SCOPE_HANDS_PROJECT)
    if to.pk == locked.lead_id:
        raise ValidationError(PROJECT_ALREADY_BELONGS_LEARNER)
    locked.co_learners.remove(to)
    locked.lead = to
    locked.save()
    return locked


@transaction.atomic
def supervisor_set(*, actor: User, project: Project, supervisor: User) -> Project:
    """A lead in scope names the project's supervisor (recorded in its history); the
    supervisor is told, and then logs meetings and gets the milestone reminders."""
    locked = Project.objects.select_for_update().select_related("lead").get(pk=project.pk)
    if not manages_project(actor, locked):
        raise PermissionDenied
    if not supervisor_candidates(locked).filter(pk=supervisor.pk).exists():
        raise ValidationError(CHOOSE_SUPERVISOR_FROM_LIST)
    if locked.supervisor_id == supervisor.pk:
        if locked.proposed_supervisor_id is not None:
            locked.proposed_supervisor = None
            locked.save()
        return locked
    locked.supervisor, locked.proposed_supervisor = supervisor, None
    locked.save()
    notify(
        recipient=supervisor,
        kind=MILESTONE_REMINDER.code,
        title=SUPERVISING_TITLE.format(title=locked.title),
        url=reverse("projects:project", args=[locked.pk]),
    )
    return locked


def supervisor_choose(*, actor: User, project: Project, supervisor: User) -> str:
    """The supervisor form: a lead sets the supervisor; the project's learner proposes one."""
    if manages_project(actor, project):
        supervisor_set(actor=actor, project=project, supervisor=supervisor)
        return SUPERVISOR_SET.format(name=supervisor.full_name or supervisor.email)
    supervisor_propose(actor=actor, project=project, supervisor=supervisor)
    return SUPERVISOR_PROPOSED.format(name=supervisor.full_name or supervisor.email)


@transaction.atomic
def supervisor_propose(*, actor: User, project: Project, supervisor: User) -> Project:
    """The project's learner proposes a supervisor; their leads are told and confirm it."""
    locked = Project.objects.select_for_update().select_related("lead__person").get(pk=project.pk)
    if not is_project_learner(actor, locked):
        raise PermissionDenied
    if not supervisor_candidates(locked).filter(pk=supervisor.pk).exists():
        raise ValidationError(CHOOSE_SUPERVISOR_FROM_LIST)
    locked.proposed_supervisor = supervisor
    locked.save()
    notify_leads(
        locked.lead,
        kind=MILESTONE_REMINDER.code,
        title=PROPOSED_TITLE.format(person=locked.lead.person, name=supervisor.full_name, title=locked.title),
        url=reverse("projects:project", args=[locked.pk]),
    )
    return locked


def send_milestone_reminders(today: dt.date | None = None) -> int:
    """Remind the lead learner and supervisor once when a milestone is due soon, and once when
    it becomes overdue. Milestones are claimed a chunk at a time (their flag set in the same
    transaction, skipping any another run holds), so each reminder goes once."""
    today = today or timezone.localdate()
    open_ones = Milestone.objects.filter(completed_on__isnull=True)
    overdue = open_ones.filter(due_on__lt=today, reminded_overdue=False)
    soon = open_ones.filter(due_on__gte=today, due_on__lte=today + SOON, reminded_soon=False)
    sent = 0
    for waiting, flag, title in (
        (overdue, "reminded_overdue", "Overdue: {name} (due {due:%d %B %Y})"),
        (soon, "reminded_soon", "Due soon: {name} (by {due:%d %B %Y})"),
    ):
        while (found := _remind_chunk(waiting, flag, title))[0]:
            sent += found[1]
    return sent


REMINDERS_AT_ONCE = 1000
REMINDER_FIELDS = (  # thousands of rows: read as values, only what is said and to whom
    "pk",
    "name",
    "due_on",
    "project_id",
    "project__title",
    "project__lead__person__user_id",
    "project__lead__person__user__is_active",
    "project__supervisor_id",
    "project__supervisor__is_active",
)


@transaction.atomic
def _remind_chunk(waiting: Any, flag: str, title: str) -> tuple[int, int]:
    """Claim up to REMINDERS_AT_ONCE waiting milestones and tell their people in one go: how
    many were claimed, and how many people were told."""
    claimed = waiting.select_for_update(skip_locked=True, of=("self",)).order_by("pk")
    chunk = list(claimed.values_list(*REMINDER_FIELDS)[:REMINDERS_AT_ONCE])
    if not chunk:
        return 0, 0
    Milestone.objects.filter(pk__in=[row[0] for row in chunk]).update(**{flag: True})
    project_page = path_for_each("projects:project")
    messages = [
        Message(
            To(user_id, active),
            f"{project}: {title.format(name=name, due=due)}",
            url=project_page(project_id),
        )
        for _, name, due, project_id, project, *people in chunk
        for user_id, active in (people[0:2], people[2:4])
        if user_id is not None
    ]
    notify_many(kind=MILESTONE_REMINDER.code, messages=messages)
    return len(chunk), len(messages)
