from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core.paging import page_of
from enhance.placements import access, allocation, selectors, services
from enhance.placements.forms import BlockForm, ClinicEntryForm, OpportunityForm, ReviewForm, RunForm
from enhance.placements.models import (
    AllocationRun,
    ClinicEntry,
    Constraint,
    Opportunity,
    Placement,
    PlacementBlock,
    Preference,
    PreferenceSet,
)
from enhance.programmes.access import scope_for
from enhance.programmes.models import Cohort, Membership, Organisation

# --- Opportunities -------------------------------------------------------------------------


def opportunity_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not (access.can_manage_opportunities(user) or access.can_run_blocks(user)):
        raise PermissionDenied
    qs = (
        access.opportunities_visible_to(user)
        .select_related("organisation", "type", "site")
        .annotate(block_count=Count("blocks", distinct=True))
        .order_by("organisation__name", "title")
    )
    return render(
        request,
        "placements/opportunity_list.html",
        {"page": page_of(request, qs), "can_add": access.can_manage_opportunities(user)},
    )


def _organisations_for(request: AuthedHttpRequest) -> Any:
    scope = scope_for(request.user)
    qs = Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY_PROVIDER)
    return qs if scope.admin else qs.filter(id__in=scope.community_orgs)


@require_http_methods(["GET", "POST"])
def opportunity_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        if not access.can_manage_opportunities(request.user):
            raise PermissionDenied
        instance = Opportunity(community_lead=request.user)
    else:
        instance = access.get_opportunity_for(request.user, pk, write=True)
    form = OpportunityForm(request.POST or None, instance=instance, organisations=_organisations_for(request))
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.opportunity_save(
                actor=request.user, opportunity=form.save(commit=False), domains=form.cleaned_data["domains"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Saved {opportunity.title}.")
            return redirect("placements:opportunity_list")
    return render(request, "placements/opportunity_form.html", {"form": form, "opportunity": instance})


# --- Blocks --------------------------------------------------------------------------------


def block_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    blocks = (
        access.blocks_visible_to(user)
        .select_related("cohort", "cohort__programme")
        .annotate(runs_count=Count("runs", distinct=True), ranked=Count("preference_sets", distinct=True))
        .order_by("-starts_on", "pk")
    )
    return render(
        request,
        "placements/block_list.html",
        {
            "page": page_of(request, blocks),
            "can_add": access.can_run_blocks(user),
            "is_learner": scope_for(user).is_learner,
        },
    )


@require_http_methods(["GET", "POST"])
def block_create(request: AuthedHttpRequest) -> HttpResponse:
    if not access.can_run_blocks(request.user):
        raise PermissionDenied
    cohorts = Cohort.objects.filter(programme__in=access.programmes_run_by(request.user))
    form = BlockForm(request.POST or None, user=request.user, cohorts=cohorts)
    if request.method == "POST" and form.is_valid():
        block = services.block_create(
            actor=request.user,
            block=form.save(commit=False),
            opportunities=form.cleaned_data["opportunities"],
        )
        messages.success(request, f"{block.name} is open for preferences.")
        return redirect("placements:block_detail", pk=block.pk)
    return render(request, "placements/block_form.html", {"form": form})


def block_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not access.blocks_manageable_by(user).filter(pk=pk).exists():
        access.get_block_for(user, pk)  # 404 or 403 for outsiders
        return redirect("placements:preferences", pk=pk)
    block = access.get_block_for(user, pk, manage=True)
    members = (
        Membership.objects.filter(cohort=block.cohort, status=Membership.Status.ACTIVE)
        .select_related("person", "locality")
        .prefetch_related(
            Prefetch(
                "preference_sets",
                queryset=PreferenceSet.objects.filter(block=block).prefetch_related(
                    Prefetch("choices", queryset=Preference.objects.select_related("opportunity"))
                ),
                to_attr="block_sets",
            )
        )
        .order_by("person__surname", "person__forename")
    )
    opportunities = block.opportunities.select_related("organisation").order_by("title")
    return render(
        request,
        "placements/block_detail.html",
        {
            "pblock": block,
            "page": page_of(request, members),
            "opportunities": opportunities,
            "runs": block.runs.select_related("created_by").order_by("-number"),
            "constraints": block.constraints.select_related("membership__person", "opportunity").order_by(
                "pk"
            ),
            "run_form": RunForm(),
            "ranked": block.preference_sets.filter(choices__isnull=False).distinct().count(),
            "total": Membership.objects.filter(cohort=block.cohort, status=Membership.Status.ACTIVE).count(),
        },
    )


@require_http_methods(["GET", "POST"])
def preferences(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A learner ranks opportunities. Every button saves at once, so it works without
    JavaScript: add, move up, move down, remove, and save interests."""
    block = access.get_block_for(request.user, pk)
    membership = (
        access.learner_memberships(request.user).filter(cohort=block.cohort).select_related("person").first()
    )
    if membership is None:
        raise PermissionDenied
    pref_set = PreferenceSet.objects.filter(block=block, membership=membership).first()
    current = list(pref_set.choices.values_list("opportunity_id", flat=True)) if pref_set else []
    if request.method == "POST":
        order = _apply_action(current, request.POST.get("action", ""))
        try:
            services.preferences_set(
                actor=request.user,
                block=block,
                membership=membership,
                opportunity_ids=order,
                interests=request.POST.get("interests", pref_set.interests if pref_set else ""),
                learning_needs=request.POST.get(
                    "learning_needs", pref_set.learning_needs if pref_set else ""
                ),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Your preferences were saved.")
            added = request.POST.get("action", "").startswith("add:")
            if added and not membership.holds_driving_licence:
                needs_car = Opportunity.objects.filter(pk=order[-1], requires_driver=True).exists()
                if needs_car:
                    messages.warning(
                        request,
                        "That opportunity needs a driver and your record shows no driving licence: "
                        "you are unlikely to be placed there.",
                    )
        return redirect("placements:preferences", pk=block.pk)
    offered = {
        o.pk: o
        for o in block.opportunities.filter(active=True).select_related("organisation", "type", "site")
    }
    ranked = [offered[i] for i in current if i in offered]
    available = [o for pk_, o in sorted(offered.items(), key=lambda x: x[1].title) if pk_ not in current]
    placement = (
        Placement.objects.filter(block=block, membership=membership).select_related("opportunity").first()
    )
    return render(
        request,
        "placements/preferences.html",
        {
            "pblock": block,
            "membership": membership,
            "ranked": ranked,
            "available": available,
            "full": len(ranked) >= block.choices,
            "pref_set": pref_set,
            "is_open": block.status == PlacementBlock.Status.OPEN
            and timezone.now() <= block.preferences_close_at,
            "placement": placement,
        },
    )


def _apply_action(order: list[int], action: str) -> list[int]:
    verb, _, raw = action.partition(":")
    if verb == "save" or not raw.isdigit():
        return order
    pk = int(raw)
    order = list(order)
    if verb == "add" and pk not in order:
        order.append(pk)
    elif verb == "remove" and pk in order:
        order.remove(pk)
    elif verb in ("up", "down") and pk in order:
        i = order.index(pk)
        j = i - 1 if verb == "up" else i + 1
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
    return order


# --- Runs ----------------------------------------------------------------------------------


@require_POST
def run_start(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    block = access.get_block_for(request.user, pk, manage=True)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how to allocate.")
        return redirect("placements:block_detail", pk=block.pk)
    try:
        run = services.allocation_run_start(actor=request.user, block=block, mode=form.cleaned_data["mode"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("placements:block_detail", pk=block.pk)
    return redirect("placements:run_detail", pk=run.pk)


def _run_tables(run: AllocationRun) -> dict[str, Any]:
    result = run.result or {"assignments": [], "unassigned": [], "profile": [], "worst_rank": None}
    ids = [x["id"] for x in run.instance["learners"]]
    members = Membership.objects.select_related("person").in_bulk(ids)
    opps = {
        o.pk: o for o in Opportunity.objects.filter(pk__in=[o["id"] for o in run.instance["opportunities"]])
    }
    use: dict[int, int] = {}
    for a in result["assignments"]:
        use[a["opportunity"]] = use.get(a["opportunity"], 0) + 1
    capacity = [
        {"opportunity": opps.get(o["id"]), "capacity": o["capacity"], "used": use.get(o["id"], 0)}
        for o in run.instance["opportunities"]
    ]
    constraints = {
        (c.membership_id, c.opportunity_id): c.kind for c in Constraint.objects.filter(block_id=run.block_id)
    }
    rows = [
        {
            "membership": members.get(a["learner"]),
            "opportunity": opps.get(a["opportunity"]),
            "rank": a["rank"],
            "constraint": constraints.get((a["learner"], a["opportunity"])),
        }
        for a in result["assignments"]
    ]
    rows.sort(key=lambda r: (r["membership"].person.surname if r["membership"] else "", r["rank"]))
    total = len(ids)
    return {
        "result": result,
        "rows": rows,
        "unplaced": [members[i] for i in result["unassigned"] if i in members],
        "capacity": capacity,
        "placed": len(result["assignments"]),
        "total": total,
        "profile": list(enumerate(result["profile"], start=1)),
    }


def run_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = access.get_run_for(request.user, pk)
    context: dict[str, Any] = {
        "run": run,
        "pblock": run.block,
        "run_form": RunForm(initial={"mode": run.mode}),
    }
    if run.status == AllocationRun.Status.DONE:
        context.update(_run_tables(run))
        context["others"] = run.block.runs.exclude(pk=run.pk).filter(status=AllocationRun.Status.DONE)
    return render(request, "placements/run_detail.html", context)


def run_input(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = access.get_run_for(request.user, pk)
    response = JsonResponse(run.instance, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="block-{run.block_id}-run-{run.number}.json"'
    return response


def run_compare(request: AuthedHttpRequest) -> HttpResponse:
    try:
        a_pk, b_pk = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        return HttpResponse("Choose two runs to compare.", status=400)
    a, b = access.get_run_for(request.user, a_pk), access.get_run_for(request.user, b_pk)
    if a.block_id != b.block_id or a.status != "done" or b.status != "done":
        return HttpResponse("Compare two finished runs of the same block.", status=400)
    ta, tb = _run_tables(a), _run_tables(b)
    got_a = {r["membership"].pk: r for r in ta["rows"] if r["membership"]}
    got_b = {r["membership"].pk: r for r in tb["rows"] if r["membership"]}
    members = Membership.objects.select_related("person").in_bulk(
        set(got_a) | set(got_b) | {m.pk for m in ta["unplaced"] + tb["unplaced"]}
    )
    differences = [
        {"membership": members[m], "a": got_a.get(m), "b": got_b.get(m)}
        for m in sorted(members, key=lambda m: members[m].person.surname)
        if (got_a.get(m) or {}).get("opportunity") != (got_b.get(m) or {}).get("opportunity")
    ]
    width = max(len(ta["result"]["profile"]), len(tb["result"]["profile"]))
    profile = [
        (r, _at(ta["result"]["profile"], r), _at(tb["result"]["profile"], r)) for r in range(1, width + 1)
    ]
    return render(
        request,
        "placements/run_compare.html",
        {
            "a": a,
            "b": b,
            "ta": ta,
            "tb": tb,
            "profile": profile,
            "differences": differences,
            "pblock": a.block,
        },
    )


def _at(profile: list[int], rank: int) -> int:
    return profile[rank - 1] if rank <= len(profile) else 0


@require_POST
def run_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = access.get_run_for(request.user, pk)
    try:
        placements = services.allocation_run_publish(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("placements:run_detail", pk=run.pk)
    messages.success(
        request, f"Published {len(placements)} placements. Learners and community leads were told."
    )
    return redirect("placements:block_detail", pk=run.block_id)


@require_POST
def constraint(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    block = access.get_block_for(request.user, pk, manage=True)
    membership_pk, opportunity_pk = request.POST.get("membership", ""), request.POST.get("opportunity", "")
    if not (membership_pk.isdigit() and opportunity_pk.isdigit()):
        return HttpResponse("Choose a learner and an opportunity.", status=400)
    membership = get_object_or_404(Membership, pk=membership_pk, cohort=block.cohort)
    opportunity = get_object_or_404(block.opportunities, pk=opportunity_pk)
    kind = request.POST.get("kind")
    if kind not in (Constraint.Kind.PIN, Constraint.Kind.FORBID, "clear"):
        return HttpResponse("Unknown action.", status=400)
    services.constraint_set(
        actor=request.user,
        block=block,
        membership=membership,
        opportunity=opportunity,
        kind=None if kind == "clear" else kind,
    )
    verb = {"pin": "Pinned", "forbid": "Forbade", "clear": "Cleared"}[kind]
    messages.success(request, f"{verb} {membership.person} and {opportunity}. Re-run to apply.")
    back = request.POST.get("next", "")
    if back.startswith("/placements/runs/"):
        return redirect(back)
    return redirect("placements:block_detail", pk=block.pk)


# --- Placements and clinics ----------------------------------------------------------------


def my_placements(request: AuthedHttpRequest) -> HttpResponse:
    placements = (
        Placement.objects.filter(membership__in=access.learner_memberships(request.user))
        .select_related("opportunity__organisation", "opportunity__site", "block", "run")
        .annotate(
            confirmed=Count("clinics", filter=Q(clinics__status=ClinicEntry.Status.CONFIRMED)),
            logged=Count("clinics"),
        )
    )
    items = [{"placement": p, "reasons": allocation.explain(p.run, p.membership_id)} for p in placements]
    unplaced = []
    published = PlacementBlock.objects.filter(
        status=PlacementBlock.Status.PUBLISHED,
        cohort__in=access.learner_memberships(request.user).values("cohort"),
    ).exclude(placements__membership__in=access.learner_memberships(request.user))
    for block in published:
        run = block.runs.filter(published_at__isnull=False).first()
        member = access.learner_memberships(request.user).filter(cohort=block.cohort).first()
        if run and member:
            unplaced.append({"pblock": block, "reasons": allocation.explain(run, member.pk)})
    clinic_years = selectors.confirmed_clinics_by_year(access.learner_memberships(request.user))
    return render(
        request,
        "placements/my_placements.html",
        {"items": items, "unplaced": unplaced, "clinic_years": clinic_years},
    )


@require_http_methods(["GET", "POST"])
def placement_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    placement = access.get_placement_for(request.user, pk)
    is_learner = placement.membership.person.user_id == request.user.pk
    form = ClinicEntryForm(request.POST or None) if is_learner else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.clinic_entry_add(
                    actor=request.user, placement=placement, entry=form.save(commit=False)
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Clinic logged. Your community lead will confirm it.")
                return redirect("placements:placement_detail", pk=placement.pk)
    entries = placement.clinics.select_related("clinic_type", "reviewed_by")
    return render(
        request,
        "placements/placement_detail.html",
        {
            "placement": placement,
            "form": form,
            "entries": entries,
            "can_review": access.clinic_entries_to_review(request.user).filter(placement=placement).exists(),
            "review_form": ReviewForm(),
        },
    )


def incoming(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.admin or scope.community_orgs):
        raise PermissionDenied
    placements = (
        access.placements_visible_to(request.user)
        .filter(
            opportunity__organisation__in=scope.community_orgs
            if not scope.admin
            else Organisation.objects.all()
        )
        .select_related("membership__person", "opportunity", "block")
        .annotate(pending=Count("clinics", filter=Q(clinics__status=ClinicEntry.Status.SUBMITTED)))
        .order_by("starts_on", "membership__person__surname")
    )
    return render(request, "placements/incoming.html", {"page": page_of(request, placements)})


@require_POST
def clinic_review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ClinicEntry, pk=pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.clinic_entry_review(
            actor=request.user,
            entry=entry,
            confirm=request.POST.get("decision") == "confirm",
            query=form.cleaned_data.get("query", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "Clinic confirmed." if request.POST.get("decision") == "confirm" else "Query sent."
        )
    return redirect("placements:placement_detail", pk=entry.placement_id)
