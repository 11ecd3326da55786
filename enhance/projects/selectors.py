"""Reads for the immersive-experience and project pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from enhance.accounts.models import User
from enhance.programmes.access import memberships_manageable_by, programmes_run_by, scope_for
from enhance.programmes.models import Cohort, Membership
from enhance.projects import access
from enhance.projects.models import (
    ImmersiveDay,
    Interest,
    Milestone,
    Output,
    Pairing,
    PairingRound,
    Partner,
    PartnerChoice,
    Project,
)
from enhance.projects.pairing_changes import changes_of
from enhance.projects.projects import rag
from enhance.projects.services import capacity_use


def home(user: User) -> dict[str, Any]:
    """Pairing rounds (a lead's to run, a learner's to rank), the learner's partner and days."""
    scope = scope_for(user)
    manage = access.can_manage_partners(user)
    if manage:
        rounds = PairingRound.objects.filter(cohort__programme__in=programmes_run_by(user))
    else:
        cohorts = Membership.objects.filter(person_id=scope.person_id or 0).values("cohort")
        rounds = PairingRound.objects.filter(cohort__in=cohorts)
    return {
        "manage": manage,
        "rounds": rounds.select_related("cohort"),
        "my_pairings": Pairing.objects.filter(
            membership__person_id=scope.person_id or 0, round__status=PairingRound.Status.CONFIRMED
        ).select_related("partner__organisation"),
        "is_contact": bool(scope.partner_orgs),
        "is_learner": scope.is_learner,
        "days": ImmersiveDay.objects.filter(
            pairing__membership__person_id=scope.person_id or 0
        ).select_related("pairing__partner__organisation"),
    }


def partner_list(user: User) -> QuerySet[Partner]:
    return (
        access.partners_visible_to(user)
        .select_related("organisation")
        .prefetch_related("populations")
        .order_by("organisation__name", "pk")
    )


def cohorts_run_by(user: User) -> QuerySet[Cohort]:
    return Cohort.objects.filter(programme__in=programmes_run_by(user), closed_on__isnull=True)


def ranking(pairing_round: PairingRound, membership: Membership) -> dict[str, Any]:
    """The partners a learner can rank in a round, and their current choices as initial data."""
    partners = (
        pairing_round.partners.filter(active=True)
        .select_related("organisation")
        .prefetch_related("populations")
    )
    current = PartnerChoice.objects.filter(round=pairing_round, membership=membership).order_by("rank")
    interest = Interest.objects.filter(round=pairing_round, membership=membership).first()
    initial: dict[str, object] = {f"choice_{n}": c.partner_id for n, c in enumerate(current)}
    initial["interest"] = interest.text if interest else ""
    return {"partners": partners, "initial": initial}


def board(pairing_round: PairingRound) -> dict[str, Any]:
    """A round's learners (to page through), each partner's places used, and the changes since
    confirmation."""
    members = (
        Membership.objects.filter(cohort=pairing_round.cohort, status=Membership.Status.ACTIVE)
        .select_related("person")
        .order_by("person__surname", "person__forename", "pk")
    )
    partners = list(pairing_round.partners.select_related("organisation"))
    use = capacity_use(pairing_round)
    return {
        "round": pairing_round,
        "members": members,
        "partners": [(p, use.get(p.pk, 0)) for p in partners],
        "partner_list": partners,
        "changes": changes_of(pairing_round),
    }


def board_rows(pairing_round: PairingRound, members: list[Membership]) -> list[tuple[Any, Any, list[str]]]:
    """One page of the board: each learner with their partner and ranked choices (two queries
    whatever the page)."""
    ids = [m.pk for m in members]
    pairs = {
        p.membership_id: p
        for p in Pairing.objects.filter(round=pairing_round, membership__in=ids).select_related(
            "partner__organisation"
        )
    }
    choices: dict[int, list[str]] = {}
    picks = PartnerChoice.objects.filter(round=pairing_round, membership__in=ids).select_related(
        "partner__organisation"
    )
    for c in picks.order_by("rank"):
        choices.setdefault(c.membership_id, []).append(str(c.partner))
    return [(m, pairs.get(m.pk), choices.get(m.pk, [])) for m in members]


def partner_view(user: User, show: str, q: str = "") -> dict[str, Any]:
    """A partner contact's learners, immersive days or projects (one list, `show`, filtered by
    a learner's name or a project's title), with how many each list holds; nothing else."""
    partners = access.partners_for_contact(user)
    names = (
        "membership__person__surname",
        "membership__person__forename",
        "membership__person__preferred_name",
    )
    pairs = (
        Pairing.objects.filter(partner__in=partners, round__status=PairingRound.Status.CONFIRMED)
        .select_related("membership__person", "partner__organisation", "round__cohort")
        .annotate(
            interests=Subquery(
                Interest.objects.filter(round=OuterRef("round"), membership=OuterRef("membership")).values(
                    "text"
                )[:1]
            )
        )
        .order_by("membership__person__surname", "pk")
    )
    days = (
        ImmersiveDay.objects.filter(pairing__partner__in=partners)
        .select_related("pairing__membership__person", "confirmed_by")
        .order_by(F("confirmed_at").asc(nulls_first=True), "-date", "pk")
    )
    lead_names = tuple(name.replace("membership__", "lead__") for name in names)
    found = (
        Project.objects.filter(partner__in=partners).select_related("lead__person").order_by("title", "pk")
    )
    lists: dict[str, QuerySet[Any]] = {"learners": pairs, "days": days, "projects": found}
    if q:
        lists["learners"] = pairs.filter(_any_contains(names, q))
        lists["days"] = days.filter(_any_contains(tuple(f"pairing__{n}" for n in names), q))
        lists["projects"] = found.filter(_any_contains(("title", *lead_names), q))
    counts = {key: items.count() for key, items in lists.items()}
    return {
        "items": lists[show],
        "counts": counts,
        "to_confirm": days.filter(confirmed_at__isnull=True).count(),
    }


def _any_contains(fields: tuple[str, ...], q: str) -> Q:
    found = Q()
    for field in fields:
        found |= Q(**{f"{field}__icontains": q})
    return found


def my_projects(user: User) -> QuerySet[Project]:
    person_id = scope_for(user).person_id or 0
    return (
        access.projects_visible_to(user)
        .filter(Q(lead__person_id=person_id) | Q(co_learners__person_id=person_id))
        .distinct()
        .select_related("partner__organisation")
    )


def project_page(user: User, project: Project) -> dict[str, Any]:
    manager = access.manages_project(user, project)
    return {
        "project": project,
        "milestones": [(m, rag(m)) for m in project.milestones.all()],
        "can_edit": access.can_edit_project(user, project),
        "manager": manager,
        "outputs": project.outputs.all(),
        "meetings": project.meetings.select_related("recorded_by"),
        "is_supervisor": project.supervisor_id == user.pk or manager,
        "is_project_learner": access.is_project_learner(user, project),
        "history": project.history.select_related("history_user")[:10],
        "co_learners": project.co_learners.select_related("person"),
    }


def project_board(user: User, stage: str = "") -> dict[str, Any]:
    """Leads: how many projects are at each stage and how many have milestones overdue
    (counted in the database), one stage's projects overdue first (to page through), and
    outputs per programme and cohort."""
    today = timezone.localdate()
    managed = memberships_manageable_by(user)
    mine = Project.objects.filter(lead__in=managed)
    per_stage = dict(mine.order_by().values_list("stage").annotate(n=Count("id")))
    # Projects with a milestone overdue, per stage: read from the few open milestones past due.
    late = Milestone.objects.filter(project__in=mine, completed_on__isnull=True, due_on__lt=today)
    late_per_stage = dict(
        late.order_by().values_list("project__stage").annotate(n=Count("project", distinct=True))
    )
    stages = [
        (value, label, per_stage.get(value, 0), late_per_stage.get(value, 0))
        for value, label in Project.Stage.choices
    ]
    chosen = stage if stage in Project.Stage.values else next((v for v, _, n, _ in stages if n), "")
    # Overdue milestones as a subquery, not a join: the pager then counts the stage's
    # projects without grouping every milestone row. The stage is ordered and paged on the
    # projects alone; `stage_page_rows` reads the page's projects with their people in full.
    overdue = (
        Milestone.objects.filter(project=OuterRef("pk"), completed_on__isnull=True, due_on__lt=today)
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    projects = (
        mine.filter(stage=chosen)
        .annotate(overdue=Coalesce(Subquery(overdue), 0))
        .only("pk")
        .order_by("-overdue", "title", "pk")
    )
    counts = (
        Output.objects.filter(project__lead__in=managed)
        .values("project__lead__programme__name", "project__lead__cohort__name", "kind")
        .annotate(n=Count("id"))
        .order_by("project__lead__programme__name", "project__lead__cohort__name", "kind")
    )
    kinds = dict(Output.Kind.choices)
    output_counts = [
        (c["project__lead__programme__name"], c["project__lead__cohort__name"], kinds[c["kind"]], c["n"])
        for c in counts
    ]
    label = dict(Project.Stage.choices).get(chosen, "")
    return {
        "stages": stages,
        "chosen": chosen,
        "chosen_label": label,
        "projects": projects,
        "output_counts": output_counts,
    }


def stage_page_rows(page: list[Project]) -> list[Project]:
    """A page of the project board, read in full (one query), in its order, with its counts."""
    full = Project.objects.select_related("lead__person", "partner__organisation").in_bulk(
        [p.pk for p in page]
    )
    shown = []
    for counted in page:
        if (project := full.get(counted.pk)) is not None:  # one removed in between is left out
            project.overdue = counted.overdue  # type: ignore[attr-defined]
            shown.append(project)
    return shown


def supervised_projects(user: User) -> QuerySet[Project]:
    return Project.objects.filter(supervisor=user).select_related("lead__person", "partner__organisation")


# --- What is waiting (home pages) -------------------------------------------------------------

MEETING_DUE_AFTER = dt.timedelta(weeks=6)


def rounds_to_rank(person_id: int) -> QuerySet[Any, Any]:
    cohorts = Membership.objects.filter(person_id=person_id, status=Membership.Status.ACTIVE).values("cohort")
    return (
        PairingRound.objects.filter(cohort__in=cohorts, status=PairingRound.Status.OPEN)
        .annotate(ranked=Count("choices", filter=Q(choices__membership__person_id=person_id)))
        .order_by("created_at", "pk")
    )


def rounds_open(user: User) -> QuerySet[PairingRound]:
    return (
        access.rounds_manageable_by(user)
        .filter(status=PairingRound.Status.OPEN)
        .select_related("cohort")
        .order_by("created_at", "pk")
    )


def milestones_due_for(person_id: int, today: dt.date, within: dt.timedelta) -> QuerySet[Milestone]:
    """Open milestones of the learner's projects, overdue or due soon, earliest first."""
    mine = Q(project__lead__person_id=person_id) | Q(project__co_learners__person_id=person_id)
    return (
        Milestone.objects.filter(mine, completed_on__isnull=True, due_on__lte=today + within)
        .select_related("project")
        .distinct()
        .order_by("due_on", "pk")
    )


def next_milestone(project: Project) -> Milestone | None:
    return project.milestones.filter(completed_on__isnull=True).order_by("due_on", "pk").first()


def projects_overdue(user: User, today: dt.date) -> QuerySet[Any, Any]:
    """The user's learners' projects with milestones past due, most overdue first: found from
    the few open milestones past due, not by counting every project's milestones."""
    late = Milestone.objects.filter(
        project__lead__in=memberships_manageable_by(user), completed_on__isnull=True, due_on__lt=today
    )
    return (
        Project.objects.filter(pk__in=late.values("project_id"))
        .annotate(
            overdue=Count(
                "milestones", filter=Q(milestones__completed_on__isnull=True, milestones__due_on__lt=today)
            )
        )
        .select_related("lead__person")
        .order_by("-overdue", "title", "pk")
    )


def project_of(person_id: int) -> Project | None:
    return (
        Project.objects.filter(lead__person_id=person_id)
        .select_related("partner__organisation")
        .order_by("-created_at", "pk")
        .first()
    )


def days_to_confirm(user: User, today: dt.date) -> QuerySet[ImmersiveDay]:
    """Partner contacts: immersive days that have happened and are not yet confirmed."""
    return (
        ImmersiveDay.objects.filter(
            pairing__partner__in=access.partners_for_contact(user), date__lte=today, confirmed_at__isnull=True
        )
        .select_related("pairing__membership__person")
        .order_by("date", "pk")
    )


def days_unconfirmed(user: User, today: dt.date) -> QuerySet[ImmersiveDay]:
    """Leads: their learners' immersive days that have happened and are not yet confirmed."""
    return ImmersiveDay.objects.filter(
        pairing__membership__in=memberships_manageable_by(user), date__lt=today, confirmed_at__isnull=True
    ).order_by("date", "pk")


def meetings_due(user: User, today: dt.date) -> QuerySet[Any, Any]:
    """Projects this person supervises with no meeting in the last six weeks."""
    return (
        supervised_projects(user)
        .annotate(last_meeting=Max("meetings__date"))
        .filter(Q(last_meeting__isnull=True) | Q(last_meeting__lt=today - MEETING_DUE_AFTER))
        .order_by("last_meeting", "title", "pk")
    )


def projects_of_person(user: User, person_id: int) -> QuerySet[Project]:
    """Their few projects found first (two index lookups), then which of them the user may see."""
    mine = Membership.objects.filter(person_id=person_id).values("pk")
    led = Project.objects.filter(lead__in=mine).values_list("pk", flat=True)
    joined = Project.co_learners.through.objects.filter(membership__in=mine).values_list("project_id")
    return (
        access.projects_visible_to(user)
        .filter(pk__in={*led, *(pk for (pk,) in joined)})
        .select_related("partner__organisation", "supervisor")
        .prefetch_related("milestones")
        .order_by("-created_at", "pk")
    )
