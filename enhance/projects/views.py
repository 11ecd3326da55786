from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from enhance.core.http import AuthedHttpRequest
from enhance.programmes.access import programmes_run_by, scope_for
from enhance.programmes.models import Cohort, Membership
from enhance.projects import services
from enhance.projects.forms import PartnerForm, RankForm, RoundForm
from enhance.projects.models import Interest, Pairing, PairingRound, Partner, PartnerChoice


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
    return render(request, "projects/partner_view.html", {"pairs": pairs})
