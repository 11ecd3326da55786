from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core.forms import add_service_errors
from enhance.core.outcomes import run_and_report
from enhance.core.paging import page_of
from enhance.programmes import (
    access,
    announcements,
    import_jobs,
    roles,
    selectors,
    self_service,
    services,
    setup,
)
from enhance.programmes.forms import (
    AnnouncementForm,
    CohortForm,
    ImportUploadForm,
    LearnerFilterForm,
    LocalityForm,
    MembershipForm,
    MyDetailsForm,
    PersonForm,
    ProgrammeSettingsForm,
    SiteForm,
    StaffFilterForm,
    StaffForm,
)
from enhance.programmes.imports import ImportFileError
from enhance.programmes.models import Programme

MESSAGE_ON_ITS_WAY = "Message on its way to {count} learners."
DETAILS_SAVED = "Your details were saved."
SETTINGS_SAVED = "Programme settings saved."
LOCALITY_ADDED = "Locality {name} added."
IMPORT_STARTED = "Import started. You can leave this page: you will be told when it is done."
COHORT_OPENED = "{name} opened."
COHORT_CLOSED_DONE = "{cohort} closed. No one can join it any more."
SITE_ADDED = "Site {name} added."
ROLE_GIVEN = "{user} is now {role}."
ROLE_ENDED = "Role ended."
INVITATION_SENT = "Invitation sent again to {email}."

IMPORT_PAGE_SIZE = 100  # rows of a batch (or its problems) a page shows


def programme_list(request: AuthedHttpRequest) -> HttpResponse:
    programmes = selectors.programme_list(request.user)
    return render(request, "programmes/programme_list.html", {"page": page_of(request, programmes)})


def programme_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _programme_page(request, access.get_programme_for(request.user, pk))


def _programme_page(request: AuthedHttpRequest, programme: Programme, **bound: Any) -> HttpResponse:
    """The programme page, with a set-up form that failed shown with its errors."""
    context = {
        "programme": programme,
        "localities": selectors.programme_detail_localities(programme),
        "cohorts": selectors.programme_detail_cohorts(programme),
        "leads": selectors.leads_for_programme(programme),
        "can_manage": access.can_manage_programme_wide(request.user, programme),
        "locality_form": LocalityForm(auto_id="locality-%s"),
        "cohort_form": CohortForm(auto_id="cohort-%s"),
        **bound,
    }
    return render(request, "programmes/programme_detail.html", context, status=400 if bound else 200)


def _set_up(
    request: AuthedHttpRequest, pk: int, form: Any, name: str, service: Any, done: str
) -> HttpResponse:
    programme = access.get_programme_for(request.user, pk)
    if form.is_valid():
        try:
            made = service(actor=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, done.format(name=made.name))
            return redirect("programmes:programme_detail", pk=pk)
    return _programme_page(request, programme, **{name: form})


@require_POST
def locality_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = LocalityForm(request.POST, auto_id="locality-%s")
    return _set_up(request, pk, form, "locality_form", setup.locality_add, LOCALITY_ADDED)


@require_POST
def cohort_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = CohortForm(request.POST, auto_id="cohort-%s")
    return _set_up(request, pk, form, "cohort_form", setup.cohort_open, COHORT_OPENED)


@require_POST
def cohort_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    cohort = access.get_cohort_for(request.user, pk)
    run_and_report(request, setup.cohort_close, COHORT_CLOSED_DONE.format(cohort=cohort), cohort=cohort)
    return redirect("programmes:cohort_detail", pk=cohort.pk)


@require_http_methods(["GET", "POST"])
def programme_settings(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Leads who run the programme change its rules; the page lists earlier changes."""
    programme = access.get_programme_for(request.user, pk)
    if not access.can_manage_programme_wide(request.user, programme):
        raise PermissionDenied
    form = ProgrammeSettingsForm(request.POST or None, instance=access.get_programme_for(request.user, pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_settings_update(actor=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, SETTINGS_SAVED)
            return redirect("programmes:programme_settings", pk=pk)
    context = {"programme": programme, "form": form, "history": selectors.programme_history(programme)}
    return render(request, "programmes/programme_settings.html", context, status=400 if form.errors else 200)


def locality_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    locality = access.get_locality_for(request.user, pk)
    learners = selectors.learner_list(request.user, {"locality": locality.pk})
    leads = selectors.locality_leads(locality)
    return render(
        request,
        "programmes/locality_detail.html",
        {"locality": locality, "page": page_of(request, learners), "leads": leads},
    )


def cohort_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    cohort = access.get_cohort_for(request.user, pk)
    learners = selectors.learner_list(request.user, {"cohort": cohort.pk})
    can_close = access.can_manage_programme_wide(request.user, cohort.programme) and not cohort.is_closed
    context = {"cohort": cohort, "page": page_of(request, learners), "can_close": can_close}
    return render(request, "programmes/cohort_detail.html", context)


def learner_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    access.ensure_staff(user)
    form = LearnerFilterForm(request.GET or None, programmes=access.programmes_visible_to(user))
    filters = form.cleaned_data if form.is_valid() else {}
    learners = selectors.learner_list(user, filters)
    return render(
        request,
        "programmes/learner_list.html",
        {
            "form": form,
            "page": page_of(request, learners),
            "can_add": access.scope_for(user).manages_learners,
        },
    )


@require_http_methods(["GET", "POST"])
def learner_create(request: AuthedHttpRequest) -> HttpResponse:
    access.ensure_manages_learners(request.user)
    person_form = PersonForm(request.POST or None, prefix="person")
    membership_form = MembershipForm(request.POST or None, prefix="membership", user=request.user)
    if request.method == "POST" and person_form.is_valid() and membership_form.is_valid():
        try:
            membership = services.learner_add(
                actor=request.user,
                person_fields=person_form.cleaned_data,
                membership_fields=membership_form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(exc, person_form, membership_form)
        else:
            messages.success(request, f"{membership.person} was added to {membership.programme}.")
            return redirect("learner", pk=membership.person_id)
    context = {"person_form": person_form, "membership_form": membership_form, "title": "Add a learner"}
    return render(request, "programmes/learner_form.html", context)


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
            add_service_errors(exc, form)
        else:
            messages.success(request, "Personal details saved.")
            return redirect("learner", pk=person.pk)
    return render(request, "programmes/person_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def membership_create(request: AuthedHttpRequest, person_pk: int) -> HttpResponse:
    access.ensure_manages_learners(request.user)
    person = access.get_person_for(request.user, person_pk)
    form = MembershipForm(request.POST or None, prefix="membership", user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_create(
                actor=request.user, person=person, **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, f"{person} was added to {membership.programme}.")
            return redirect("learner", pk=person.pk)
    context = {"form": form, "person": person, "title": f"Add {person} to a programme"}
    return render(request, "programmes/membership_form.html", context)


@require_http_methods(["GET", "POST"])
def membership_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    membership = access.get_membership_for(request.user, pk, write=True)
    form = MembershipForm(request.POST or None, instance=membership, prefix="membership", user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(actor=request.user, membership=membership, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Programme membership saved.")
            return redirect("learner", pk=membership.person_id)
    context = {"form": form, "person": membership.person, "membership": membership}
    return render(
        request, "programmes/membership_form.html", {**context, "title": "Edit programme membership"}
    )


@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedHttpRequest) -> HttpResponse:
    access.ensure_manages_learners(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_jobs.import_upload(actor=request.user, filename=upload.name, data=upload.read())
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("programmes:import_detail", pk=batch.pk)
    recent = selectors.recent_imports(request.user)
    context = {"form": form, "recent": recent}
    return render(request, "programmes/import_upload.html", context, status=400 if form.errors else 200)


def import_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A batch: being checked, its problems by row and column, or its rows as they will land."""
    batch = access.get_import_batch_for(request.user, pk)
    context = {
        "batch": batch,
        "summary": import_jobs.import_summary(batch),
        "page": page_of(request, batch.problems if batch.rejected else batch.rows, size=IMPORT_PAGE_SIZE),
    }
    return render(request, "programmes/import_detail.html", context)


@require_POST
def import_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    batch = access.get_import_batch_for(request.user, pk)
    run_and_report(request, import_jobs.import_queue, IMPORT_STARTED, batch=batch)
    return redirect("programmes:import_detail", pk=batch.pk)


@require_http_methods(["GET", "POST"])
def organisation_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """An organisation and its sites; its community leads add sites here."""
    organisation = access.get_organisation_for(request.user, pk)
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site = setup.site_add(actor=request.user, organisation=organisation, site=form.save(commit=False))
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, SITE_ADDED.format(name=site.name))
            return redirect("programmes:organisation_detail", pk=pk)
    context = {
        "organisation": organisation,
        "form": form,
        "can_manage": access.can_manage_sites(request.user, organisation),
    }
    return render(request, "programmes/organisation_detail.html", context, status=400 if form.errors else 200)


def import_template(request: AuthedHttpRequest) -> HttpResponse:
    access.ensure_manages_learners(request.user)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="enhance-trainee-import.csv"'
    response.write(
        "Registration Body,Registration Number,Profession,Forename,Surname,Email,Programme,Locality,"
        "Employing Organisation,Start Date,Grade,WTE\r\n"
    )
    return response


def record_views(request: AuthedHttpRequest) -> HttpResponse:
    """A learner: who has opened their reflections, assessments and claims, and when."""
    access.ensure_learner(request.user)
    page = page_of(request, selectors.record_views_of(request.user))
    return render(request, "programmes/record_views.html", {"page": page})


@require_http_methods(["GET", "POST"])
def announcement_list(request: AuthedHttpRequest) -> HttpResponse:
    """Leads write to a programme, cohort or locality: "Preview" shows who it will reach,
    "Send" sends it in the background. Earlier messages are listed below."""
    access.ensure_manages_learners(request.user)
    form = AnnouncementForm(request.POST or None, user=request.user)
    context = {"form": form, "page": page_of(request, announcements.announcements_of(request.user))}
    if request.method == "POST" and form.is_valid():
        try:
            if "send" not in request.POST:
                context["preview"] = announcements.preview(request.user, **form.audience())
            else:
                sent = announcements.announcement_send(actor=request.user, **form.cleaned_data)
                messages.success(request, MESSAGE_ON_ITS_WAY.format(count=sent.recipient_count))
                return redirect("programmes:announcement_list")
        except ValidationError as exc:
            add_service_errors(exc, form)
    return render(request, "programmes/announcements.html", context)


@require_http_methods(["GET", "POST"])
def my_details(request: AuthedHttpRequest) -> HttpResponse:
    """A learner changes their own details, licence and insurance."""
    membership = selectors.current_membership(request.user)
    if membership is None:
        raise PermissionDenied
    form = MyDetailsForm(
        request.POST or None, request.FILES or None, initial=MyDetailsForm.initial_for(membership)
    )
    if request.method == "POST" and form.is_valid():
        try:
            self_service.my_details_update(
                actor=request.user,
                membership=membership,
                certificate=form.cleaned_data["insurance_certificate"],
                **form.fields_to_save(),
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, DETAILS_SAVED)
            return redirect("programmes:my_details")
    context = {"form": form, "membership": membership}
    return render(request, "programmes/my_details.html", context, status=400 if form.errors else 200)


def insurance_certificate(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """The insurance certificate: to the learner and to the leads who manage their membership."""
    membership = access.get_own_or_managed_membership_for(request.user, pk)
    if not membership.insurance_certificate:
        raise Http404
    return FileResponse(
        membership.insurance_certificate.open("rb"), content_type=membership.insurance_certificate_type
    )


@require_http_methods(["GET", "POST"])
def staff(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The programme's staff, and appointing someone (invited by email when new)."""
    programme = access.get_programme_for(request.user, pk)
    if not access.can_manage_programme_wide(request.user, programme):
        raise PermissionDenied
    form = StaffForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            made = roles.role_grant(actor=request.user, **form.grant())
        except ValidationError as exc:
            add_service_errors(exc, form)
        except PermissionDenied as exc:  # a role beyond what they lead: said next to the role
            form.add_error("role", str(exc))
        else:
            messages.success(request, ROLE_GIVEN.format(user=made.user.email, role=made))
            return redirect("programmes:staff", pk=pk)
    filters = StaffFilterForm(request.GET or None, auto_id="filter-%s")
    found = page_of(request, roles.staff_of(programme, **filters.filters()))
    context = {"programme": programme, "form": form, "filters": filters, "page": found}
    return render(request, "programmes/staff.html", context, status=400 if form.errors else 200)


def staff_member(request: AuthedHttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """One person's roles in the programme, with the history of each role given and ended."""
    programme = access.get_programme_for(request.user, pk)
    if not access.can_manage_programme_wide(request.user, programme):
        raise PermissionDenied
    context = {"programme": programme, **roles.staff_member(programme, user_pk)}
    return render(request, "programmes/staff_member.html", context)


@require_POST
def role_end(request: AuthedHttpRequest, pk: int, role_pk: int) -> HttpResponse:
    programme = access.get_programme_for(request.user, pk)
    assignment = roles.get_role_in_programme(programme, role_pk)
    run_and_report(request, roles.role_end, ROLE_ENDED, assignment=assignment)
    return redirect("programmes:staff", pk=programme.pk)


@require_POST
def learner_invite(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk, write=True)
    run_and_report(
        request, services.learner_invite, INVITATION_SENT.format(email=person.email), person=person
    )
    return redirect("learner", pk=pk)
