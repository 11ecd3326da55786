from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core.paging import page_of
from enhance.expenses import services
from enhance.expenses.forms import ClaimMonthForm, JourneyForm, PaidForm, PaymentFileForm, ReturnForm
from enhance.expenses.models import Claim, Cost, ExportBatch, Journey
from enhance.programmes.access import scope_for
from enhance.programmes.models import Membership, Organisation, Site


def _learner_membership(request: AuthedHttpRequest) -> Membership | None:
    scope = scope_for(request.user)
    return (
        Membership.objects.filter(person_id=scope.person_id or 0, status=Membership.Status.ACTIVE)
        .select_related("programme", "person")
        .order_by("-starts_on")
        .first()
    )


@require_http_methods(["GET", "POST"])
def my_claims(request: AuthedHttpRequest) -> HttpResponse:
    membership = _learner_membership(request)
    if membership is None:
        raise PermissionDenied
    form = ClaimMonthForm(request.POST or None, membership=membership, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        claim = services.claim_open(
            actor=request.user, membership=membership, month=form.cleaned_data["month"]
        )
        return redirect("expenses:claim_detail", pk=claim.pk)
    claims = (
        Claim.objects.filter(membership__person_id=membership.person_id)
        .annotate(journey_count=Count("journeys"))
        .order_by("-month")
    )
    by_year: dict[int, int] = {}
    for claim in claims:
        if claim.status in services.APPROVED_STATUSES:
            by_year[claim.month.year] = by_year.get(claim.month.year, 0) + claim.total_pence
    return render(
        request,
        "expenses/my_claims.html",
        {
            "form": form,
            "page": page_of(request, claims),
            "by_year": sorted(by_year.items(), reverse=True),
            "membership": membership,
        },
    )


def _claim_for(request: AuthedHttpRequest, pk: int) -> Claim:
    claim = (
        Claim.objects.select_related("membership__person", "membership__programme", "approved_by", "batch")
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        raise Http404
    if not services.claims_visible_to(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return claim


@require_http_methods(["GET", "POST"])
def claim_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for(request, pk)
    is_owner = claim.membership.person.user_id == request.user.pk
    form = None
    if is_owner and claim.editable:
        form = JourneyForm(
            request.POST or None,
            request.FILES or None,
            membership=claim.membership,
            initial={"date": timezone.localdate()},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.journey_save(
                    actor=request.user, claim=claim, journey=form.save(commit=False), costs=form.costs()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Journey added.")
                return redirect("expenses:claim_detail", pk=claim.pk)
    elif request.method == "POST":
        raise PermissionDenied
    journeys = list(
        claim.journeys.select_related("placement__opportunity").prefetch_related(
            Prefetch("costs", queryset=Cost.objects.order_by("pk"))
        )
    )
    try:
        lines = services.priced_lines(claim, journeys)
        mileage_error = ""
    except ValueError as exc:
        lines, mileage_error = [(j, 0, "") for j in journeys], str(exc)
    costs_total = sum(c.pence for j in journeys for c in j.costs.all())
    return render(
        request,
        "expenses/claim_detail.html",
        {
            "claim": claim,
            "form": form,
            "lines": lines,
            "duplicates": services.duplicate_journeys(claim),
            "mileage_total": sum(p for _, p, _ in lines),
            "costs_total": costs_total,
            "total": sum(p for _, p, _ in lines) + costs_total,
            "mileage_error": mileage_error,
            "is_owner": is_owner,
            "can_approve": claim.status == Claim.Status.SUBMITTED
            and services.can_approve(request.user, claim)
            and not is_owner,
            "return_form": ReturnForm(),
            "known_sites": (
                Site.objects.filter(organisation__region=claim.membership.programme.region_id)
                .select_related("organisation")
                .order_by("name")
                if form
                else []
            ),
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
def journey_delete(request: AuthedHttpRequest, pk: int, journey_pk: int) -> HttpResponse:
    claim = _claim_for(request, pk)
    journey = get_object_or_404(Journey, pk=journey_pk, claim=claim)
    try:
        services.journey_delete(actor=request.user, journey=journey)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Journey removed.")
    return redirect("expenses:claim_detail", pk=claim.pk)


def _act(request: AuthedHttpRequest, pk: int, action: Any, done: str, **kwargs: Any) -> HttpResponse:
    claim = _claim_for(request, pk)
    try:
        action(actor=request.user, claim=claim, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("expenses:claim_detail", pk=claim.pk)


@require_POST
def claim_submit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.claim_submit, "Claim submitted for approval.")


@require_POST
def claim_approve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.claim_approve, "Claim approved.")


@require_POST
def claim_return(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        services.claim_return,
        "Claim returned to the learner.",
        reason=request.POST.get("reason", ""),
    )


def receipt(request: AuthedHttpRequest, pk: int) -> FileResponse:
    cost = get_object_or_404(Cost.objects.select_related("journey"), pk=pk)
    _claim_for(request, cost.journey.claim_id)
    response = FileResponse(cost.receipt.open("rb"), content_type=cost.receipt_type)
    response["Content-Disposition"] = f'inline; filename="receipt-{cost.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def approvals(request: AuthedHttpRequest) -> HttpResponse:
    if not scope_for(request.user).manages_learners:
        raise PermissionDenied
    claims = (
        services.claims_visible_to(request.user)
        .filter(status=Claim.Status.SUBMITTED)
        .exclude(membership__person__user=request.user)
        .select_related("membership__person", "membership__programme")
        .annotate(journey_count=Count("journeys"))
        .order_by("submitted_at")
    )
    return render(request, "expenses/approvals.html", {"page": page_of(request, claims)})


def _finance_orgs(request: AuthedHttpRequest) -> Any:
    scope = scope_for(request.user)
    if not (scope.admin or scope.finance_orgs):
        raise PermissionDenied
    qs = Organisation.objects.all() if scope.admin else Organisation.objects.filter(pk__in=scope.finance_orgs)
    return qs.order_by("name")


def finance(request: AuthedHttpRequest) -> HttpResponse:
    organisations = list(_finance_orgs(request))
    org_id = request.GET.get("organisation", "")
    organisation = next(
        (o for o in organisations if str(o.pk) == org_id), organisations[0] if organisations else None
    )
    if organisation is None:
        raise PermissionDenied
    claims = services.claims_for_finance(request.user, organisation).select_related(
        "membership__person", "batch"
    )
    waiting = claims.filter(status=Claim.Status.APPROVED)
    unpaid = claims.filter(status=Claim.Status.EXPORTED).order_by("batch", "pk")
    batches = ExportBatch.objects.filter(organisation=organisation).annotate(claim_count=Count("claims"))
    return render(
        request,
        "expenses/finance.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "waiting": waiting,
            "waiting_total": waiting.aggregate(s=Sum("total_pence"))["s"] or 0,
            "unpaid": page_of(request, unpaid),
            "batches": batches[:20],
            "paid_form": PaidForm(initial={"paid_on": timezone.localdate()}),
            "payment_form": PaymentFileForm(),
        },
    )


@require_POST
def export(request: AuthedHttpRequest, org_pk: int) -> HttpResponse:
    organisation = get_object_or_404(_finance_orgs(request), pk=org_pk)
    try:
        batch = services.export_batch_create(actor=request.user, organisation=organisation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"/expenses/finance/?organisation={organisation.pk}")
    messages.success(request, f"Batch {batch.pk} created: download it below.")
    return redirect(f"/expenses/finance/?organisation={organisation.pk}")


def batch_download(request: AuthedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    batch = get_object_or_404(ExportBatch.objects.select_related("organisation"), pk=pk)
    if batch.organisation not in _finance_orgs(request):
        raise PermissionDenied
    name = f"enhance-expenses-batch-{batch.pk}"
    if fmt == "xlsx":
        response = HttpResponse(
            services.batch_xlsx(batch),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(services.batch_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_POST
def mark_paid(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.select_related("membership"), pk=pk)
    form = PaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the date the claim was paid.")
    else:
        try:
            services.claim_mark_paid(actor=request.user, claim=claim, paid_on=form.cleaned_data["paid_on"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{claim.reference} marked paid.")
    return redirect(f"/expenses/finance/?organisation={claim.membership.employing_organisation_id}")


@require_POST
def payment_file(request: AuthedHttpRequest, org_pk: int) -> HttpResponse:
    organisation = get_object_or_404(_finance_orgs(request), pk=org_pk)
    form = PaymentFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose the payment file to upload.")
    else:
        try:
            count = services.payment_file_apply(
                actor=request.user, organisation=organisation, data=form.cleaned_data["file"].read()
            )
        except ValidationError as exc:
            messages.error(request, "Nothing was marked paid. " + " ".join(exc.messages))
        else:
            messages.success(request, f"{count} claim{'s' if count != 1 else ''} marked paid.")
    return redirect(f"/expenses/finance/?organisation={organisation.pk}")
