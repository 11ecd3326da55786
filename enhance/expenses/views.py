from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core import downloads
from enhance.core.forms import add_service_errors
from enhance.core.outcomes import run_and_report
from enhance.core.paging import page_of
from enhance.core.text import counted
from enhance.expenses import access, selectors, services
from enhance.expenses.downloads import batch_sheet
from enhance.expenses.forms import (
    PAID_ON_NEEDED,
    PAYMENT_FILE_NEEDED,
    ClaimMonthForm,
    JourneyForm,
    PaidForm,
    PaymentFileForm,
    ReturnForm,
)
from enhance.programmes.selectors import current_membership
from enhance.programmes.services import record_viewed


def _finance_page(organisation_id: int | None) -> HttpResponse:
    return redirect(f"{reverse('expenses:finance')}?organisation={organisation_id}")


@require_http_methods(["GET", "POST"])
def my_claims(request: AuthedHttpRequest) -> HttpResponse:
    membership = current_membership(request.user)
    if membership is None:
        raise PermissionDenied
    form = ClaimMonthForm(request.POST or None, membership=membership, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        claim = services.claim_open(actor=request.user, membership=membership, month=month)
        return redirect(claim)
    context = {
        "form": form,
        "page": page_of(request, selectors.claims_of(membership)),
        "by_year": selectors.approved_pence_by_year(membership),
        "membership": membership,
    }
    return render(request, "expenses/my_claims.html", context)


def _journey_form(request: AuthedHttpRequest, claim: Any) -> JourneyForm:
    initial = {"date": timezone.localdate()}
    return JourneyForm(
        request.POST or None, request.FILES or None, membership=claim.membership, initial=initial
    )


@require_http_methods(["GET", "POST"])
def claim_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim_for(request.user, pk)
    can_edit = claim.membership.person.user_id == request.user.pk and claim.editable
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = _journey_form(request, claim) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        journey, costs = form.save(commit=False), form.costs()
        try:
            services.journey_save(actor=request.user, claim=claim, journey=journey, costs=costs)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Journey added.")
            return redirect(claim)
    what = f"your travel claim for {claim.month:%B %Y}"
    record_viewed(
        viewer=request.user, person_id=claim.membership.person_id, what=what, url=claim.get_absolute_url()
    )
    context = selectors.claim_page(request.user, claim, with_form=form is not None)
    context.update(form=form, return_form=ReturnForm())
    return render(request, "expenses/claim_detail.html", context, status=400 if form and form.errors else 200)


@require_POST
def journey_delete(request: AuthedHttpRequest, pk: int, journey_pk: int) -> HttpResponse:
    journey = access.get_journey_for(request.user, pk, journey_pk)
    run_and_report(request, services.journey_delete, "Journey removed.", journey=journey)
    return redirect(journey.claim)


@require_POST
def claim_submit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim_for(request.user, pk)
    run_and_report(request, services.claim_submit, "Claim submitted for approval.", claim=claim)
    return redirect(claim)


@require_POST
def claim_approve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim_for(request.user, pk)
    run_and_report(request, services.claim_approve, "Claim approved.", claim=claim)
    return redirect(claim)


@require_POST
def claim_return(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim_for(request.user, pk)
    form = ReturnForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_and_report(
        request, services.claim_return, "Claim returned to the learner.", claim=claim, reason=reason
    )
    return redirect(claim)


def receipt(request: AuthedHttpRequest, pk: int) -> FileResponse:
    cost = access.get_cost_for(request.user, pk)
    response = FileResponse(cost.receipt.open("rb"), content_type=cost.receipt_type)
    response["Content-Disposition"] = f'inline; filename="receipt-{cost.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def approvals(request: AuthedHttpRequest) -> HttpResponse:
    access.ensure_approver(request.user)
    claims = selectors.claims_awaiting_approval(request.user)
    return render(request, "expenses/approvals.html", {"page": page_of(request, claims)})


def finance(request: AuthedHttpRequest) -> HttpResponse:
    organisations = list(access.finance_organisations_for(request.user))
    chosen = request.GET.get("organisation", "")
    organisation = next((o for o in organisations if str(o.pk) == chosen), None)
    organisation = organisation or (organisations[0] if organisations else None)
    if organisation is None:
        raise PermissionDenied
    context = selectors.finance_page(request.user, organisation)
    context.update(
        organisations=organisations,
        unpaid=page_of(request, context["unpaid"]),
        paid_form=PaidForm(initial={"paid_on": timezone.localdate()}),
        payment_form=PaymentFileForm(),
    )
    return render(request, "expenses/finance.html", context)


@require_POST
def export(request: AuthedHttpRequest, org_pk: int) -> HttpResponse:
    organisation = access.get_finance_organisation_for(request.user, org_pk)
    try:
        batch = services.export_batch_create(actor=request.user, organisation=organisation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Batch {batch.pk} created: download it below.")
    return _finance_page(organisation.pk)


def batch_download(request: AuthedHttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    return downloads.respond(request, batch_sheet, fmt, pk=pk)


@require_POST
def mark_paid(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim_for_finance(request.user, pk)
    form = PaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, PAID_ON_NEEDED)
    else:
        paid_on = form.cleaned_data["paid_on"]
        run_and_report(
            request, services.claim_mark_paid, f"{claim.reference} marked paid.", claim=claim, paid_on=paid_on
        )
    return _finance_page(claim.membership.employing_organisation_id)


@require_POST
def payment_file(request: AuthedHttpRequest, org_pk: int) -> HttpResponse:
    organisation = access.get_finance_organisation_for(request.user, org_pk)
    form = PaymentFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, PAYMENT_FILE_NEEDED)
        return _finance_page(organisation.pk)
    data = form.cleaned_data["file"].read()
    try:
        count = services.payment_file_apply(actor=request.user, organisation=organisation, data=data)
    except ValidationError as exc:
        messages.error(request, "Nothing was marked paid. " + " ".join(exc.messages))
    else:
        messages.success(request, f"{counted(count, 'claim')} marked paid.")
    return _finance_page(organisation.pk)
