from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.programmes.access import memberships_manageable_by, programmes_run_by, scope_for
from enhance.programmes.models import Cohort, Membership
from enhance.projects import projects, services
from enhance.projects.forms import (
    MeetingForm,
    OutputForm,
    PartnerForm,
    ProjectForm,
    ProjectUpdateForm,
    RankForm,
    RoundForm,
)
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


def home(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    context = {
        "manage": services.can_manage_partners(user),
        "rounds": PairingRound.objects.filter(cohort__programme__in=programmes_run_by(user)).select_related(
            "cohort"
        )
        if services.can_manage_partners(user)
        else PairingRound.objects.filter(
            cohort__in=Membership.objects.filter(person_id=scope.person_id or 0).values("cohort")
        ).select_related("cohort"),
        "my_pairings": Pairing.objects.filter(
            membership__person_id=scope.person_id or 0, round__status=PairingRound.Status.CONFIRMED
        ).select_related("partner__organisation"),
        "is_contact": bool(scope.partner_orgs),
    }
    context["days"] = ImmersiveDay.objects.filter(
        pairing__membership__person_id=scope.person_id or 0
    ).select_related("pairing__partner__organisation")
    return render(request, "projects/home.html", context)


def partner_list(request: AuthedHttpRequest) -> HttpResponse:
    if not services.can_manage_partners(request.user):
        raise PermissionDenied
    partners = Partner.objects.select_related("organisation").prefetch_related("populations")
    return render(request, "projects/partner_list.html", {"partners": partners})


@require_http_methods(["GET", "POST"])
def partner_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    if not services.can_manage_partners(request.user):
        raise PermissionDenied
    instance = get_object_or_404(Partner, pk=pk) if pk else Partner()
    form = PartnerForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_save(
                actor=request.user,
                partner=form.save(commit=False),
                populations=form.cleaned_data["populations"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Saved {partner}.")
            return redirect("projects:partner_list")
    return render(request, "projects/partner_form.html", {"form": form, "partner": instance})


@require_http_methods(["GET", "POST"])
def round_create(request: AuthedHttpRequest) -> HttpResponse:
    programmes = programmes_run_by(request.user)
    if not programmes.exists():
        raise PermissionDenied
    form = RoundForm(request.POST or None, cohorts=Cohort.objects.filter(programme__in=programmes))
    if request.method == "POST" and form.is_valid():
        made = services.round_create(
            actor=request.user, pairing_round=form.save(commit=False), partners=form.cleaned_data["partners"]
        )
        messages.success(request, f"{made.name} is open for rankings.")
        return redirect("projects:round", pk=made.pk)
    return render(request, "projects/round_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def round_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pairing_round = PairingRound.objects.select_related("cohort__programme").filter(pk=pk).first()
    if pairing_round is None:
        raise Http404
    user = request.user
    if services.rounds_manageable_by(user).filter(pk=pk).exists():
        return _board(request, pairing_round)
    membership = (
        Membership.objects.filter(
            person_id=scope_for(user).person_id or 0, cohort=pairing_round.cohort, status="active"
        )
        .select_related("person")
        .first()
    )
    if membership is None:
        raise PermissionDenied
    partners = (
        pairing_round.partners.filter(active=True)
        .select_related("organisation")
        .prefetch_related("populations")
    )
    current = list(PartnerChoice.objects.filter(round=pairing_round, membership=membership).order_by("rank"))
    interest = Interest.objects.filter(round=pairing_round, membership=membership).first()
    initial: dict[str, object] = {f"choice_{n}": c.partner_id for n, c in enumerate(current)}
    initial["interest"] = interest.text if interest else ""
    form = RankForm(request.POST or None, partners=partners, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.choices_set(
                actor=user,
                pairing_round=pairing_round,
                membership=membership,
                partner_ids=form.ranked(),
                interest=form.cleaned_data["interest"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your choices were saved.")
            return redirect("projects:round", pk=pk)
    return render(request, "projects/rank.html", {"round": pairing_round, "partners": partners, "form": form})


def _board(request: AuthedHttpRequest, pairing_round: PairingRound) -> HttpResponse:
    members = list(
        Membership.objects.filter(cohort=pairing_round.cohort, status="active")
        .select_related("person")
        .order_by("person__surname")
    )
    pairs = {
        p.membership_id: p for p in Pairing.objects.filter(round=pairing_round).select_related("partner")
    }
    choices: dict[int, list[str]] = {}
    for c in (
        PartnerChoice.objects.filter(round=pairing_round)
        .select_related("partner__organisation")
        .order_by("rank")
    ):
        choices.setdefault(c.membership_id, []).append(str(c.partner))
    partners = list(pairing_round.partners.select_related("organisation"))
    use = services.capacity_use(pairing_round)
    rows = [(m, pairs.get(m.pk), choices.get(m.pk, [])) for m in members]
    return render(
        request,
        "projects/board.html",
        {
            "round": pairing_round,
            "rows": rows,
            "partners": [(p, use.get(p.pk, 0)) for p in partners],
            "partner_list": partners,
        },
    )


@require_POST
def round_action(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pairing_round = get_object_or_404(PairingRound, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "solve":
            n = services.pair_automatically(actor=request.user, pairing_round=pairing_round)
            messages.success(request, f"Paired {n} learners.")
        elif action == "set":
            membership = get_object_or_404(Membership, pk=request.POST.get("membership") or 0)
            partner_pk = request.POST.get("partner") or ""
            partner = get_object_or_404(Partner, pk=partner_pk) if partner_pk.isdigit() else None
            services.pairing_set(
                actor=request.user, pairing_round=pairing_round, membership=membership, partner=partner
            )
            messages.success(request, f"Changed the pair for {membership.person}.")
        elif action == "confirm":
            services.round_confirm(actor=request.user, pairing_round=pairing_round)
            messages.success(request, "Pairs confirmed. Learners and partner contacts were told.")
        else:
            return HttpResponse("Unknown action.", status=400)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("projects:round", pk=pk)


def partner_view(request: AuthedHttpRequest) -> HttpResponse:
    """Partner contacts: the learners paired with their organisation, and nothing else."""
    partners = services.partners_for_contact(request.user)
    if not scope_for(request.user).partner_orgs:
        raise PermissionDenied
    pairs = (
        Pairing.objects.filter(partner__in=partners, round__status=PairingRound.Status.CONFIRMED)
        .select_related("membership__person", "partner__organisation", "round__cohort")
        .order_by("membership__person__surname")
    )
    their_projects = Project.objects.filter(partner__in=partners).select_related("lead__person")
    days = ImmersiveDay.objects.filter(pairing__partner__in=partners).select_related(
        "pairing__membership__person", "confirmed_by"
    )
    return render(
        request, "projects/partner_view.html", {"pairs": pairs, "projects": their_projects, "days": days}
    )


@require_POST
def day_action(request: AuthedHttpRequest) -> HttpResponse:
    action = request.POST.get("action")
    try:
        if action == "plan":
            pairing = get_object_or_404(Pairing, pk=request.POST.get("pairing") or 0)
            try:
                day = dt.date.fromisoformat(request.POST.get("date", ""))
            except ValueError:
                raise ValidationError("Enter the date of the day.") from None
            services.day_plan(actor=request.user, pairing=pairing, date=day)
            messages.success(request, "Immersive day planned.")
        elif action == "confirm":
            day_obj = get_object_or_404(ImmersiveDay, pk=request.POST.get("day") or 0)
            services.day_confirm(actor=request.user, day=day_obj)
            messages.success(request, "Attendance confirmed.")
            return redirect("projects:partner_view")
        elif action == "observe":
            day_obj = get_object_or_404(ImmersiveDay, pk=request.POST.get("day") or 0)
            services.day_observe(
                actor=request.user, day=day_obj, observations=request.POST.get("observations", "")
            )
            messages.success(request, "Observations saved.")
        else:
            return HttpResponse("Unknown action.", status=400)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("projects:home")


# --- Projects -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def my_projects(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    membership = Membership.objects.filter(person_id=scope.person_id or 0, status="active").first()
    if membership is None:
        raise PermissionDenied
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = form.save(commit=False)
        project.lead = membership
        made = projects.project_create(actor=request.user, project=project)
        messages.success(request, "Project started, with its milestones.")
        return redirect("projects:project", pk=made.pk)
    mine = (
        projects.projects_visible_to(request.user)
        .filter(Q(lead__person_id=scope.person_id) | Q(co_learners__person_id=scope.person_id))
        .distinct()
        .select_related("partner__organisation")
    )
    return render(request, "projects/my_projects.html", {"projects": mine, "form": form})


@require_http_methods(["GET", "POST"])
def project_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = (
        Project.objects.select_related("lead__person", "partner__organisation", "supervisor")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404
    user = request.user
    if not projects.projects_visible_to(user).filter(pk=pk).exists():
        raise PermissionDenied
    can_edit = projects._can_edit(user, project)
    manager = memberships_manageable_by(user).filter(pk=project.lead_id).exists()
    posted = request.POST.get("form")
    update_form = ProjectUpdateForm(
        request.POST if posted == "update" else None, instance=project, prefix="project"
    )
    output_form = OutputForm(
        request.POST if posted == "output" else None,
        request.FILES if posted == "output" else None,
        prefix="output",
    )
    meeting_form = MeetingForm(request.POST if posted == "meeting" else None, prefix="meeting")
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "update" and update_form.is_valid():
                projects.project_update(actor=user, project=project, **update_form.cleaned_data)
                messages.success(request, "Project saved.")
                return redirect("projects:project", pk=pk)
            if which == "output" and output_form.is_valid():
                projects.output_add(actor=user, project=project, output=output_form.save(commit=False))
                messages.success(request, "Output recorded.")
                return redirect("projects:project", pk=pk)
            if which == "meeting" and meeting_form.is_valid():
                projects.meeting_add(actor=user, project=project, **meeting_form.cleaned_data)
                messages.success(request, "Meeting logged.")
                return redirect("projects:project", pk=pk)
            if which == "milestone":
                milestone = get_object_or_404(
                    Milestone, pk=request.POST.get("milestone") or 0, project=project
                )
                projects.milestone_complete(actor=user, milestone=milestone)
                messages.success(request, f"{milestone.name} marked complete.")
                return redirect("projects:project", pk=pk)
            if which == "co_learner":
                mate = get_object_or_404(Membership, pk=request.POST.get("member") or 0)
                projects.co_learner_add(actor=user, project=project, membership=mate)
                messages.success(request, f"{mate.person} joined the project.")
                return redirect("projects:project", pk=pk)
            if which == "handover":
                to = get_object_or_404(
                    Membership, pk=request.POST.get("to") or 0, cohort=project.lead.cohort_id
                )
                projects.handover(actor=user, project=project, to=to)
                messages.success(request, f"Project handed over to {to.person}.")
                return redirect("projects:project", pk=pk)
        except ValidationError as exc:
            target = output_form if which == "output" else meeting_form if which == "meeting" else update_form
            target.add_error(None, exc)
    milestones = [(m, projects.rag(m)) for m in project.milestones.all()]
    cohort_mates = (
        Membership.objects.filter(cohort=project.lead.cohort_id, status="active")
        .exclude(pk=project.lead_id)
        .select_related("person")
        if manager or can_edit
        else []
    )
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "milestones": milestones,
            "can_edit": can_edit,
            "manager": manager,
            "update_form": update_form,
            "output_form": output_form,
            "meeting_form": meeting_form,
            "outputs": project.outputs.all(),
            "meetings": project.meetings.select_related("recorded_by"),
            "is_supervisor": project.supervisor_id == user.pk or manager,
            "cohort_mates": cohort_mates,
            "history": project.history.select_related("history_user")[:10],
            "co_learners": project.co_learners.select_related("person"),
        },
    )


def board(request: AuthedHttpRequest) -> HttpResponse:
    """Leads: projects stage by stage, overdue first."""
    if not scope_for(request.user).manages_learners:
        raise PermissionDenied
    today = timezone.localdate()
    visible = (
        Project.objects.filter(lead__in=memberships_manageable_by(request.user))
        .select_related("lead__person", "partner__organisation")
        .annotate(
            overdue=Count(
                "milestones", filter=Q(milestones__completed_on__isnull=True, milestones__due_on__lt=today)
            )
        )
        .order_by("-overdue", "title")
    )
    stages = [(label, [p for p in visible if p.stage == value]) for value, label in Project.Stage.choices]
    counts = (
        Output.objects.filter(project__lead__in=memberships_manageable_by(request.user))
        .values("project__lead__programme__name", "project__lead__cohort__name", "kind")
        .annotate(n=Count("id"))
        .order_by("project__lead__programme__name", "project__lead__cohort__name", "kind")
    )
    kinds = dict(Output.Kind.choices)
    output_counts = [
        (c["project__lead__programme__name"], c["project__lead__cohort__name"], kinds[c["kind"]], c["n"])
        for c in counts
    ]
    return render(request, "projects/board_projects.html", {"stages": stages, "output_counts": output_counts})


def supervising(request: AuthedHttpRequest) -> HttpResponse:
    mine = Project.objects.filter(supervisor=request.user).select_related(
        "lead__person", "partner__organisation"
    )
    return render(request, "projects/supervising.html", {"projects": mine})
