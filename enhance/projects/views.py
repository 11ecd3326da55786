from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core.forms import add_service_errors, form_errors
from enhance.core.outcomes import run_and_report
from enhance.core.paging import page_of
from enhance.programmes.access import scope_for
from enhance.programmes.selectors import current_membership
from enhance.projects import access, pairing_changes, projects, selectors, services
from enhance.projects.forms import (
    DAY_DATE_NEEDED,
    PARTNER_LISTS,
    CoLearnerForm,
    DayPlanForm,
    HandoverForm,
    MeetingForm,
    ObservationsForm,
    OutputForm,
    PairingForm,
    PartnerForm,
    PartnerViewForm,
    ProjectForm,
    ProjectUpdateForm,
    RankForm,
    RoundForm,
    SupervisorForm,
)
from enhance.projects.models import Partner, Project


def home(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "projects/home.html", selectors.home(request.user))


# --- Partners and pairing -------------------------------------------------------------------


def partner_list(request: AuthedHttpRequest) -> HttpResponse:
    access.ensure_manages_partners(request.user)
    return render(request, "projects/partner_list.html", {"partners": selectors.partner_list(request.user)})


@require_http_methods(["GET", "POST"])
def partner_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    access.ensure_manages_partners(request.user)
    instance = access.get_partner_for(request.user, pk) if pk else Partner()
    form = PartnerForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        populations = form.cleaned_data["populations"]
        try:
            partner = services.partner_save(
                actor=request.user, partner=form.save(commit=False), populations=populations
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, f"Saved {partner}.")
            return redirect("projects:partner_list")
    return render(request, "projects/partner_form.html", {"form": form, "partner": instance})


@require_http_methods(["GET", "POST"])
def round_create(request: AuthedHttpRequest) -> HttpResponse:
    access.ensure_manages_partners(request.user)
    form = RoundForm(request.POST or None, cohorts=selectors.cohorts_run_by(request.user))
    if request.method == "POST" and form.is_valid():
        partners = form.cleaned_data["partners"]
        try:
            made = services.round_create(
                actor=request.user, pairing_round=form.save(commit=False), partners=partners
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, f"{made.name} is open for rankings.")
            return redirect(made)
    return render(request, "projects/round_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def round_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Leads: the pairing board. Learners of the cohort: their ranked choices."""
    pairing_round = access.get_round_for(request.user, pk)
    if access.rounds_manageable_by(request.user).filter(pk=pk).exists():
        context = selectors.board(pairing_round)
        context["page"] = page_of(request, context.pop("members"))
        context["rows"] = selectors.board_rows(pairing_round, list(context["page"].object_list))
        return render(request, "projects/board.html", context)
    membership = access.learner_membership_in_round(request.user, pairing_round)
    ranking = selectors.ranking(pairing_round, membership)
    form = RankForm(request.POST or None, partners=ranking["partners"], initial=ranking["initial"])
    if request.method == "POST" and form.is_valid():
        data = {"partner_ids": form.ranked(), "interest": form.cleaned_data["interest"]}
        try:
            services.choices_set(
                actor=request.user, pairing_round=pairing_round, membership=membership, **data
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Your choices were saved.")
            return redirect(pairing_round)
    context = {"round": pairing_round, "partners": ranking["partners"], "form": form}
    return render(request, "projects/rank.html", context)


@require_POST
def round_solve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pairing_round = access.get_round_for(request.user, pk, manage=True)
    done = lambda n: f"Paired {n} learners."  # noqa: E731
    run_and_report(request, services.pair_automatically, done, pairing_round=pairing_round)
    return redirect(pairing_round)


@require_POST
def round_pair(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pairing_round = access.get_round_for(request.user, pk, manage=True)
    form = PairingForm(request.POST, pairing_round=pairing_round)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(pairing_round)
    run_and_report(request, pairing_changes.pair, pairing_round=pairing_round, **form.cleaned_data)
    return redirect(pairing_round)


@require_POST
def round_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pairing_round = access.get_round_for(request.user, pk, manage=True)
    done = "Pairs confirmed. Learners and partner contacts were told."
    run_and_report(request, services.round_confirm, done, pairing_round=pairing_round)
    return redirect(pairing_round)


# --- Immersive days -------------------------------------------------------------------------


def partner_view(request: AuthedHttpRequest) -> HttpResponse:
    """Partner contacts: the learners paired with their organisation, their immersive days or
    the projects with the organisation, one list at a time, paged; nothing else."""
    access.ensure_partner_contact(request.user)
    form = PartnerViewForm(request.GET or None)
    show, q = form.choice()
    found = selectors.partner_view(request.user, show, q)
    tabs = [(key, label, found["counts"][key]) for key, label in PARTNER_LISTS.items()]
    context = {**found, "page": page_of(request, found["items"]), "show": show, "form": form, "tabs": tabs}
    return render(request, "projects/partner_view.html", context)


@require_POST
def day_plan(request: AuthedHttpRequest) -> HttpResponse:
    form = DayPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, DAY_DATE_NEEDED)
        return redirect("projects:home")
    pairing = access.get_own_pairing_for(request.user, form.cleaned_data["pairing"])
    run_and_report(
        request, services.day_plan, "Immersive day planned.", pairing=pairing, date=form.cleaned_data["date"]
    )
    return redirect("projects:home")


@require_POST
def day_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    day = access.get_day_for(request.user, pk)
    run_and_report(request, services.day_confirm, "Attendance confirmed.", day=day)
    return redirect(reverse("projects:partner_view") + "?show=days")


@require_POST
def day_observe(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    day = access.get_day_for(request.user, pk)
    form = ObservationsForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        observations = form.cleaned_data["observations"]
        run_and_report(
            request, services.day_observe, "Observations saved.", day=day, observations=observations
        )
    return redirect("projects:home")


# --- Projects -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def my_projects(request: AuthedHttpRequest) -> HttpResponse:
    membership = current_membership(request.user)
    if membership is None:
        raise PermissionDenied
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = form.save(commit=False)
        project.lead = membership
        made = projects.project_create(actor=request.user, project=project)
        messages.success(request, "Project started, with its milestones.")
        return redirect(made)
    context = {"projects": selectors.my_projects(request.user), "form": form}
    return render(request, "projects/my_projects.html", context)


def _project_page(request: AuthedHttpRequest, project: Project, **bound: Any) -> HttpResponse:
    """The project page, with any form that failed validation shown with its errors."""
    mates = access.cohort_mates_for(request.user, project)
    context = selectors.project_page(request.user, project)
    context.update(
        update_form=ProjectUpdateForm(instance=project, prefix="project"),
        output_form=OutputForm(prefix="output"),
        meeting_form=MeetingForm(prefix="meeting"),
        co_learner_form=CoLearnerForm(mates=mates, auto_id="co-learner-%s"),
        handover_form=HandoverForm(mates=mates, auto_id="handover-%s"),
        supervisor_form=SupervisorForm(
            candidates=access.supervisor_candidates(project),
            initial={"supervisor": project.proposed_supervisor_id or project.supervisor_id},
            auto_id="supervisor-%s",
        ),
        has_cohort_mates=mates.exists(),
    )
    context.update(bound)
    return render(request, "projects/project_detail.html", context, status=400 if bound else 200)


def _save_project_form(
    request: AuthedHttpRequest, project: Project, form: Any, name: str, save: Any, done: str
) -> HttpResponse:
    """Save one of the project page's forms through its service, or show the page again with
    that form's errors."""
    if form.is_valid():
        try:
            save(form)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, done)
            return redirect(project)
    return _project_page(request, project, **{name: form})


@require_http_methods(["GET", "POST"])
def project_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The project page; its POST saves the project's details."""
    project = access.get_project_for(request.user, pk)
    if request.method == "GET":
        return _project_page(request, project)
    unchanged = access.get_project_for(request.user, pk)  # the form changes its instance
    form = ProjectUpdateForm(request.POST, instance=unchanged, prefix="project")

    def save(f: Any) -> None:
        projects.project_update(actor=request.user, project=project, **f.cleaned_data)

    return _save_project_form(request, project, form, "update_form", save, "Project saved.")


@require_POST
def output_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk)
    form = OutputForm(request.POST, request.FILES, prefix="output")

    def save(f: Any) -> None:
        projects.output_add(actor=request.user, project=project, output=f.save(commit=False))

    return _save_project_form(request, project, form, "output_form", save, "Output recorded.")


@require_POST
def meeting_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk)
    form = MeetingForm(request.POST, prefix="meeting")

    def save(f: Any) -> None:
        projects.meeting_add(actor=request.user, project=project, **f.cleaned_data)

    return _save_project_form(request, project, form, "meeting_form", save, "Meeting logged.")


@require_POST
def milestone_complete(request: AuthedHttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    milestone = access.get_milestone_for(request.user, pk, milestone_pk)
    run_and_report(
        request, projects.milestone_complete, f"{milestone.name} marked complete.", milestone=milestone
    )
    return redirect("projects:project", pk=pk)


@require_POST
def co_learner_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk)
    form = CoLearnerForm(request.POST, mates=access.cohort_mates_for(request.user, project))
    if not form.is_valid():
        return _project_page(request, project, co_learner_form=form)
    mate = form.cleaned_data["member"]
    run_and_report(
        request,
        projects.co_learner_add,
        f"{mate.person} joined the project.",
        project=project,
        membership=mate,
    )
    return redirect(project)


@require_POST
def handover(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk)
    form = HandoverForm(request.POST, mates=access.cohort_mates_for(request.user, project))
    if not form.is_valid():
        return _project_page(request, project, handover_form=form)
    to = form.cleaned_data["to"]
    run_and_report(request, projects.handover, f"Project handed over to {to.person}.", project=project, to=to)
    return redirect(project)


@require_POST
def supervisor_set(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk)
    form = SupervisorForm(request.POST, candidates=access.supervisor_candidates(project))
    if not form.is_valid():
        return _project_page(request, project, supervisor_form=form)
    run_and_report(request, projects.supervisor_choose, project=project, **form.cleaned_data)
    return redirect(project)


def board(request: AuthedHttpRequest) -> HttpResponse:
    """Leads: projects stage by stage, overdue first."""
    if not scope_for(request.user).manages_learners:
        raise PermissionDenied
    context = selectors.project_board(request.user, request.GET.get("stage", ""))
    context["page"] = page_of(request, context.pop("projects"), then=selectors.stage_page_rows)
    return render(request, "projects/board_projects.html", context)


def supervising(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request, "projects/supervising.html", {"projects": selectors.supervised_projects(request.user)}
    )
