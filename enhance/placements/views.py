from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core.forms import add_service_errors, form_errors
from enhance.core.outcomes import run_and_report
from enhance.core.paging import page_of
from enhance.placements import access, changes, selectors, services
from enhance.placements.forms import (
    RANKING_NOT_SENT,
    BlockForm,
    ClinicAnswerForm,
    ClinicEntryForm,
    CompareForm,
    ConstraintForm,
    OpportunityForm,
    PlacementChangeForm,
    RankingForm,
    ReviewForm,
    RunForm,
)
from enhance.placements.models import Opportunity
from enhance.programmes.access import scope_for

PUBLISHING = (
    "Publishing this run: this page updates by itself, and learners and community leads are told "
    "when it is done."
)

# --- Opportunities -------------------------------------------------------------------------


def opportunity_list(request: AuthedHttpRequest) -> HttpResponse:
    access.ensure_sees_opportunities(request.user)
    context = {
        "page": page_of(request, selectors.opportunity_list(request.user)),
        "can_add": access.can_manage_opportunities(request.user),
    }
    return render(request, "placements/opportunity_list.html", context)


@require_http_methods(["GET", "POST"])
def opportunity_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        access.ensure_can_add_opportunities(request.user)
        instance = Opportunity(community_lead=request.user)
    else:
        instance = access.get_opportunity_for(request.user, pk, write=True)
    organisations = access.community_organisations_for(request.user)
    form = OpportunityForm(request.POST or None, instance=instance, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        domains = form.cleaned_data["domains"]
        try:
            saved = services.opportunity_save(
                actor=request.user, opportunity=form.save(commit=False), domains=domains
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, f"Saved {saved.title}.")
            return redirect("placements:opportunity_list")
    return render(request, "placements/opportunity_form.html", {"form": form, "opportunity": instance})


# --- Blocks --------------------------------------------------------------------------------


def block_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "page": page_of(request, selectors.block_list(user)),
        "can_add": access.can_run_blocks(user),
        "is_learner": scope_for(user).is_learner,
    }
    return render(request, "placements/block_list.html", context)


@require_http_methods(["GET", "POST"])
def block_create(request: AuthedHttpRequest) -> HttpResponse:
    access.ensure_runs_blocks(request.user)
    form = BlockForm(request.POST or None, user=request.user, cohorts=selectors.cohorts_run_by(request.user))
    if request.method == "POST" and form.is_valid():
        opportunities = form.cleaned_data["opportunities"]
        try:
            block = services.block_create(
                actor=request.user, block=form.save(commit=False), opportunities=opportunities
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, f"{block.name} is open for preferences.")
            return redirect(block)
    return render(request, "placements/block_form.html", {"form": form})


def block_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Leads: the block's learners, rankings and runs. Locality leads: the same for their
    locality's learners, read only. Learners: their ranking page."""
    user = request.user
    manage = access.blocks_manageable_by(user).filter(pk=pk).exists()
    if not manage and not access.blocks_followed_by(user).filter(pk=pk).exists():
        access.get_block_for(user, pk)  # 404 or 403 for outsiders
        return redirect("placements:preferences", pk=pk)
    block = access.get_block_for(user, pk)
    members = selectors.block_members(block, None if manage else scope_for(user).localities)
    context = selectors.block_page(block)
    context.update(page=page_of(request, members), run_form=RunForm(), can_manage=manage)
    return render(request, "placements/block_detail.html", context)


@require_http_methods(["GET", "POST"])
def preferences(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A learner ranks opportunities. Every button saves at once, so it works without
    JavaScript: add, move up, move down, remove, and save interests."""
    block = access.get_block_for(request.user, pk)
    membership = access.learner_membership_in(request.user, block)
    if request.method == "POST":
        form = RankingForm(request.POST)
        if not form.is_valid():
            messages.error(request, RANKING_NOT_SENT)
        else:
            saved = run_and_report(
                request,
                services.preferences_change,
                "Your preferences were saved.",
                block=block,
                membership=membership,
                **form.service_fields(),
            )
            if saved and (warning := selectors.driver_warning(membership, form.cleaned_data["action"])):
                messages.warning(request, warning)
        return redirect("placements:preferences", pk=block.pk)
    context = selectors.preferences_page(block, membership, timezone.now())
    return render(request, "placements/preferences.html", context)


# --- Runs ----------------------------------------------------------------------------------


@require_POST
def run_start(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    block = access.get_block_for(request.user, pk, manage=True)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how to allocate.")
        return redirect(block)
    try:
        run = services.allocation_run_start(actor=request.user, block=block, mode=form.cleaned_data["mode"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(block)
    return redirect(run)


def run_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = access.get_run_for(request.user, pk)
    context = selectors.run_page(run)
    context["run_form"] = RunForm(initial={"mode": run.mode})
    return render(request, "placements/run_detail.html", context)


def run_input(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = access.get_run_for(request.user, pk)
    response = JsonResponse(run.instance, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="block-{run.block_id}-run-{run.number}.json"'
    return response


def run_compare(request: AuthedHttpRequest) -> HttpResponse:
    form = CompareForm(request.GET)
    if not form.is_valid():
        return HttpResponse("Choose two runs to compare.", status=400)
    a = access.get_run_for(request.user, form.cleaned_data["a"])
    b = access.get_run_for(request.user, form.cleaned_data["b"])
    if a.block_id != b.block_id or not a.done or not b.done:
        return HttpResponse("Compare two finished runs of the same block.", status=400)
    return render(request, "placements/run_compare.html", selectors.run_comparison(a, b))


@require_POST
def run_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = access.get_run_for(request.user, pk)
    run_and_report(request, services.allocation_run_publish_request, PUBLISHING, run=run)
    return redirect(run)


@require_POST
def constraint(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    block = access.get_block_for(request.user, pk, manage=True)
    form = ConstraintForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose a learner, an opportunity and pin, forbid or clear.", status=400)
    data = form.cleaned_data
    membership = access.get_block_member_for(block, data["membership"])
    opportunity = access.get_block_opportunity_for(block, data["opportunity"])
    kind = None if data["kind"] == "clear" else data["kind"]
    services.constraint_set(
        actor=request.user, block=block, membership=membership, opportunity=opportunity, kind=kind
    )
    verb = {"pin": "Pinned", "forbid": "Forbade", "clear": "Cleared"}[data["kind"]]
    messages.success(request, f"{verb} {membership.person} and {opportunity}. Re-run to apply.")
    return redirect(form.back_to_run() or block.get_absolute_url())


@require_http_methods(["GET", "POST"])
def placement_change(request: AuthedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """After publication: place, move, swap or withdraw one learner's placement, with a reason."""
    block = access.get_block_for(request.user, pk, manage=True)
    membership = access.get_block_member_for(block, membership_pk)
    context = selectors.placement_change_page(block, membership)
    form = PlacementChangeForm(request.POST or None, **context.pop("form_choices"))
    if request.method == "POST" and form.is_valid():
        try:
            done = changes.change(actor=request.user, block=block, membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, done)
            return redirect(block)
    context["form"] = form
    return render(request, "placements/placement_change.html", context)


# --- Placements and clinics ----------------------------------------------------------------


def my_placements(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "placements/my_placements.html", selectors.my_placements(request.user))


@require_http_methods(["GET", "POST"])
def placement_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    placement = access.get_placement_for(request.user, pk)
    is_learner = placement.membership.person.user_id == request.user.pk
    if request.method == "POST" and not is_learner:
        raise PermissionDenied
    form = ClinicEntryForm(request.POST or None) if is_learner else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.clinic_entry_add(actor=request.user, placement=placement, entry=form.save(commit=False))
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Clinic logged. Your community lead will confirm it.")
            return redirect(placement)
    context = selectors.placement_page(request.user, placement)
    answer = lambda e: ClinicAnswerForm.for_entry(e) if is_learner and e.queried else None  # noqa: E731
    context.update(form=form, review_form=ReviewForm(), entries=[(e, answer(e)) for e in context["entries"]])
    return render(request, "placements/placement_detail.html", context)


@require_POST
def clinic_answer(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The learner answers a queried clinic; errors come back as one message on the page."""
    entry = access.get_own_clinic_entry_for(request.user, pk)
    form = ClinicAnswerForm(request.POST, prefix=f"answer-{entry.pk}")
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(entry.placement)
    done = "Answer sent. Your community lead will look at the clinic again."
    run_and_report(
        request,
        services.clinic_entry_answer,
        done,
        entry=entry,
        answer=form.cleaned_data["answer"],
        **form.corrections(),
    )
    return redirect(entry.placement)


def incoming(request: AuthedHttpRequest) -> HttpResponse:
    access.ensure_receives_learners(request.user)
    return render(
        request, "placements/incoming.html", {"page": page_of(request, selectors.incoming(request.user))}
    )


@require_POST
def clinic_review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = access.get_clinic_entry_for(request.user, pk)
    form = ReviewForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    confirm = data.get("decision") == "confirm"
    done = "Clinic confirmed." if confirm else "Query sent."
    run_and_report(
        request, services.clinic_entry_review, done, entry=entry, confirm=confirm, query=data.get("query", "")
    )
    return redirect(entry.placement)
