from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core.audit import AuditEntry, audit_entries
from enhance.core.paging import page_of
from enhance.programmes import access, selectors, services
from enhance.programmes.forms import ImportUploadForm, LearnerFilterForm, MembershipForm, PersonForm
from enhance.programmes.imports import ImportFileError, import_commit, import_preview
from enhance.programmes.models import ImportBatch, Membership, Organisation, Person, RoleAssignment


def home(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    scope = access.scope_for(user)
    context: dict[str, Any] = {"scope": scope}
    if scope.person_id is not None:
        memberships = list(selectors.person_memberships(user, scope.person_id))
        programme_ids = [m.programme_id for m in memberships]
        leads = (
            RoleAssignment.objects.filter(programme_id__in=programme_ids, role="programme_lead")
            | RoleAssignment.objects.filter(
                locality_id__in=[m.locality_id for m in memberships if m.locality_id], role="locality_lead"
            )
        ).select_related("user", "programme", "locality")
        supervisors = RoleAssignment.objects.filter(
            learner_id=scope.person_id, role="supervisor"
        ).select_related("user")
        context.update(memberships=memberships, leads=list(leads), supervisors=list(supervisors))
    if scope.is_staff:
        context["roles"] = (
            RoleAssignment.objects.filter(user=user)
            .select_related("region", "programme", "locality", "organisation", "learner")
            .order_by("role")
        )
        context["programmes"] = selectors.programme_list(user)[:20]
        context["learner_total"] = (
            access.memberships_visible_to(user).filter(status=Membership.Status.ACTIVE).count()
        )
        context["recent_learners"] = (
            selectors.learner_list(user)
            .filter(status=Membership.Status.ACTIVE)
            .order_by("-starts_on", "pk")[:5]
        )
        context["organisations"] = access.organisations_of_staff(user).prefetch_related("sites")
    return render(request, "programmes/home.html", context)


def programme_list(request: AuthedHttpRequest) -> HttpResponse:
    programmes = selectors.programme_list(request.user)
    return render(request, "programmes/programme_list.html", {"page": page_of(request, programmes)})


def programme_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    programme = access.get_programme_for(request.user, pk)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "localities": selectors.programme_detail_localities(programme),
            "cohorts": selectors.programme_detail_cohorts(programme),
            "leads": selectors.leads_for_programme(programme),
            "can_manage": access.can_manage_programme_wide(request.user, programme),
        },
    )


def locality_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    locality = access.get_locality_for(request.user, pk)
    learners = selectors.learner_list(request.user, {"locality": locality.pk})
    leads = RoleAssignment.objects.filter(role="locality_lead", locality=locality).select_related("user")
    return render(
        request,
        "programmes/locality_detail.html",
        {"locality": locality, "page": page_of(request, learners), "leads": leads},
    )


def cohort_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    cohort = access.get_cohort_for(request.user, pk)
    learners = selectors.learner_list(request.user, {"cohort": cohort.pk})
    return render(
        request, "programmes/cohort_detail.html", {"cohort": cohort, "page": page_of(request, learners)}
    )


def learner_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    scope = access.scope_for(user)
    if not scope.is_staff:
        raise PermissionDenied
    form = LearnerFilterForm(request.GET or None, programmes=access.programmes_visible_to(user))
    filters = form.cleaned_data if form.is_valid() else {}
    learners = selectors.learner_list(user, filters)
    return render(
        request,
        "programmes/learner_list.html",
        {"form": form, "page": page_of(request, learners), "can_add": scope.manages_learners},
    )


def learner_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = access.get_person_for(user, pk)
    memberships = list(selectors.person_memberships(user, person.pk))
    manageable = set(
        access.memberships_manageable_by(user).filter(person=person).values_list("id", flat=True)
    )
    history: list[AuditEntry] = []
    if manageable or access.scope_for(user).admin:
        history = audit_entries(
            list(Person.history.filter(id=person.pk).select_related("history_user")), "Personal details"
        ) + audit_entries(
            list(Membership.history.filter(person_id=person.pk).select_related("history_user")), "Membership"
        )
        history.sort(key=lambda h: h.when, reverse=True)
    supervisors = RoleAssignment.objects.filter(learner=person, role="supervisor").select_related("user")
    return render(
        request,
        "programmes/learner_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "manageable": manageable,
            "history": history[:15],
            "supervisors": supervisors,
            "is_self": access.scope_for(user).person_id == person.pk,
            "can_add_membership": access.scope_for(user).manages_learners,
        },
    )


def _require_manager(request: AuthedHttpRequest) -> None:
    if not access.scope_for(request.user).manages_learners:
        raise PermissionDenied


def _membership_kwargs(form: MembershipForm) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("grade", "grade_from", "version")}


@require_http_methods(["GET", "POST"])
def learner_create(request: AuthedHttpRequest) -> HttpResponse:
    _require_manager(request)
    person_form = PersonForm(request.POST or None, prefix="person")
    membership_form = MembershipForm(request.POST or None, prefix="membership", user=request.user)
    if request.method == "POST" and person_form.is_valid() and membership_form.is_valid():
        try:
            with transaction.atomic():
                person = services.person_create(actor=request.user, **person_form.cleaned_data)
                membership = services.membership_create(
                    actor=request.user,
                    person=person,
                    **_membership_kwargs(membership_form),
                )
                if membership_form.cleaned_data.get("grade"):
                    services.grade_set(
                        actor=request.user,
                        membership=membership,
                        grade=membership_form.cleaned_data["grade"],
                        starts_on=membership_form.grade_start(),
                    )
        except ValidationError as exc:
            _attach_errors(exc, person_form, membership_form)
        else:
            messages.success(request, f"{person} was added to {membership.programme}.")
            return redirect("programmes:learner_detail", pk=person.pk)
    return render(
        request,
        "programmes/learner_form.html",
        {"person_form": person_form, "membership_form": membership_form, "title": "Add a learner"},
    )


def _attach_errors(exc: ValidationError, *forms: Any) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for name, msgs in errors.items():
        target = next((f for f in forms if name in f.fields), forms[-1])
        for msg in msgs:
            target.add_error(name if name in target.fields else None, msg)


@require_http_methods(["GET", "POST"])
def person_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk, write=True)
    form = PersonForm(request.POST or None, instance=person, prefix="person")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.person_update(actor=request.user, person=person, expected_version=version, **data)
        except ValidationError as exc:
            _attach_errors(exc, form)
        else:
            messages.success(request, "Personal details saved.")
            return redirect("programmes:learner_detail", pk=person.pk)
    return render(request, "programmes/person_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def membership_create(request: AuthedHttpRequest, person_pk: int) -> HttpResponse:
    _require_manager(request)
    person = access.get_person_for(request.user, person_pk)
    form = MembershipForm(request.POST or None, prefix="membership", user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_create(
                actor=request.user,
                person=person,
                **_membership_kwargs(form),
            )
            if form.cleaned_data.get("grade"):
                services.grade_set(
                    actor=request.user,
                    membership=membership,
                    grade=form.cleaned_data["grade"],
                    starts_on=form.grade_start(),
                )
        except ValidationError as exc:
            _attach_errors(exc, form)
        else:
            messages.success(request, f"{person} was added to {membership.programme}.")
            return redirect("programmes:learner_detail", pk=person.pk)
    return render(
        request,
        "programmes/membership_form.html",
        {"form": form, "person": person, "title": f"Add {person} to a programme"},
    )


@require_http_methods(["GET", "POST"])
def membership_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    membership = access.get_membership_for(request.user, pk, write=True)
    form = MembershipForm(request.POST or None, instance=membership, prefix="membership", user=request.user)
    if request.method == "POST" and form.is_valid():
        data = _membership_kwargs(form)
        data.pop("programme", None)
        try:
            with transaction.atomic():
                services.membership_update(
                    actor=request.user,
                    membership=membership,
                    expected_version=form.cleaned_data.get("version"),
                    **data,
                )
                if form.cleaned_data.get("grade"):
                    services.grade_set(
                        actor=request.user,
                        membership=membership,
                        grade=form.cleaned_data["grade"],
                        starts_on=form.grade_start(),
                    )
        except ValidationError as exc:
            _attach_errors(exc, form)
        else:
            messages.success(request, "Programme membership saved.")
            return redirect("programmes:learner_detail", pk=membership.person_id)
    return render(
        request,
        "programmes/membership_form.html",
        {
            "form": form,
            "person": membership.person,
            "membership": membership,
            "title": "Edit programme membership",
        },
    )


@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = import_preview(actor=request.user, filename=upload.name, data=upload.read())
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if preview.batch is not None:
                return redirect("programmes:import_detail", pk=preview.batch.pk)
    recent = ImportBatch.objects.filter(created_by=request.user).order_by("-created_at")[:10]
    return render(
        request,
        "programmes/import_upload.html",
        {"form": form, "preview": preview, "recent": recent},
        status=400 if (form.errors or (preview and preview.error_rows)) else 200,
    )


def _get_batch_for(request: AuthedHttpRequest, pk: int) -> ImportBatch:
    batch = get_object_or_404(ImportBatch, pk=pk)
    if batch.created_by_id != request.user.pk:
        raise PermissionDenied
    return batch


def import_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    batch = _get_batch_for(request, pk)
    return render(request, "programmes/import_detail.html", {"batch": batch})


@require_POST
def import_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    batch = _get_batch_for(request, pk)
    try:
        batch = import_commit(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Imported {batch.filename}: {batch.created_count} added, {batch.unchanged_count} already there.",
        )
    return redirect("programmes:import_detail", pk=batch.pk)


def organisation_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = access.scope_for(request.user)
    organisation = get_object_or_404(
        Organisation.objects.select_related("region").prefetch_related(Prefetch("sites")), pk=pk
    )
    if not (
        scope.admin or organisation.pk in (scope.finance_orgs | scope.community_orgs | scope.partner_orgs)
    ):
        raise PermissionDenied
    return render(request, "programmes/organisation_detail.html", {"organisation": organisation})


def import_template(request: AuthedHttpRequest) -> HttpResponse:
    _require_manager(request)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="enhance-trainee-import.csv"'
    response.write(
        "GMC Number,Forename,Surname,Email,Programme,Locality,Employing Organisation,Start Date,Grade,WTE\r\n"
    )
    return response
