from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.core import downloads
from enhance.core.forms import ActionForm, add_service_errors
from enhance.core.paging import page_of
from enhance.portfolio import access, assessments, coverage, evidence, requirements, selectors, services
from enhance.portfolio.downloads import readiness_sheet
from enhance.portfolio.forms import (
    AssessmentRequestForm,
    AssessorForm,
    CommentForm,
    EvidencePackForm,
    ReadinessFilterForm,
    ReflectionForm,
    RequirementSetForm,
    RuleForm,
)
from enhance.portfolio.models import Reflection
from enhance.programmes.access import (
    get_cohort_for,
    own_person_id,
    programmes_run_by,
    programmes_visible_to,
    scope_for,
)
from enhance.programmes.selectors import current_membership
from enhance.programmes.services import record_viewed

HEAT_MAP_PAGE = 50  # learners a page of the cohort heat map


def reflection_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_learner and not scope.is_staff:
        raise PermissionDenied
    context = {
        "mine": page_of(request, selectors.reflections_of(request.user)) if scope.is_learner else None,
        "shared": selectors.reflections_shared_with(request.user),
        "is_learner": scope.is_learner,
    }
    return render(request, "portfolio/reflection_list.html", context)


@require_http_methods(["GET", "POST"])
def reflection_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    own_person_id(request.user)
    reflection = access.get_reflection_for(request.user, pk, write=True) if pk else Reflection()
    form = ReflectionForm(request.POST or None, instance=reflection, user=request.user)
    if request.method == "POST" and form.is_valid():
        publish = ActionForm(request.POST, choices=("finish", "draft"), default="draft").chosen() == "finish"
        data = form.cleaned_data
        try:
            saved = services.reflection_save(
                actor=request.user,
                reflection=form.save(commit=False),
                domains=data["domains"],
                themes=data["themes"],
                publish=publish,
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Reflection saved." if publish else "Draft saved.")
            return redirect(saved)
    return render(request, "portfolio/reflection_form.html", {"form": form, "reflection": reflection})


@require_http_methods(["GET", "POST"])
def reflection_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    reflection = access.get_reflection_for(request.user, pk)
    form = CommentForm(request.POST or None) if access.can_comment(request.user, reflection) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            services.comment_add(actor=request.user, reflection=reflection, text=form.cleaned_data["text"])
            messages.success(request, "Comment added.")
            return redirect(reflection)
    what = f"your reflection “{reflection.title}”"
    record_viewed(
        viewer=request.user, person_id=reflection.person_id, what=what, url=reflection.get_absolute_url()
    )
    context = selectors.reflection_page(request.user, reflection)
    return render(request, "portfolio/reflection_detail.html", {**context, "form": form})


# --- Assessments --------------------------------------------------------------------------


def assessment_list(request: AuthedHttpRequest) -> HttpResponse:
    mine = selectors.assessments_of(request.user)
    context = {
        "page": page_of(request, mine) if scope_for(request.user).is_learner else None,
        "types": selectors.assessment_types(),
        "completed_by_me": selectors.assessments_completed_by(request.user),
    }
    return render(request, "portfolio/assessment_list.html", context)


@require_http_methods(["GET", "POST"])
def assessment_request(request: AuthedHttpRequest) -> HttpResponse:
    own_person_id(request.user)
    kind = selectors.assessment_type_by_code(request.GET.get("type", ""))
    if kind is None:
        return render(request, "portfolio/assessment_type.html", {"types": selectors.assessment_types()})
    form = AssessmentRequestForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            made = assessments.assessment_request(actor=request.user, assessment=form.assessment())
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, f"Request sent to {made.assessor_email}.")
            return redirect(made)
    return render(request, "portfolio/assessment_form.html", {"form": form, "kind": kind})


def assessment_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = access.get_assessment_for(request.user, pk)
    what = f"your {found.type.code} assessment of {found.date:%d %B %Y}"
    record_viewed(viewer=request.user, person_id=found.person_id, what=what, url=found.get_absolute_url())
    can_approve = assessments.can_approve_assessor(request.user, found)
    context = {"a": found, "is_owner": found.person.user_id == request.user.pk, "can_approve": can_approve}
    return render(request, "portfolio/assessment_detail.html", context)


def _assessment_step(request: AuthedHttpRequest, pk: int, step: object, done: str) -> HttpResponse:
    found = access.get_assessment_for(request.user, pk)
    try:
        step(actor=request.user, assessment=found)  # type: ignore[operator]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(found)


@require_POST
def assessment_resend(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    done = "A new link was sent; the old one no longer works."
    return _assessment_step(request, pk, assessments.assessment_resend, done)


@require_POST
def assessment_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    done = "Request withdrawn: the link no longer works."
    return _assessment_step(request, pk, assessments.assessment_withdraw, done)


@require_POST
def assessment_approve_assessor(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    done = "Assessor approved: the link was sent."
    return _assessment_step(request, pk, assessments.assessment_assessor_approve, done)


@login_not_required
@require_http_methods(["GET", "POST"])
def assessor(request: HttpRequest, token: str) -> HttpResponse:
    """The page an assessor without an account opens from the email."""
    found, problem = assessments.from_token(token)
    if found is None:
        return render(request, "portfolio/assessor_done.html", {"message": problem}, status=410)
    form = AssessorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessments.assessment_complete(token=token, answers=form.cleaned_data)
        except ValidationError as exc:
            context = {"message": " ".join(exc.messages)}
            return render(request, "portfolio/assessor_done.html", context, status=410)
        thanks = "Thank you: the assessment is complete and now locked."
        return render(request, "portfolio/assessor_done.html", {"message": thanks, "done": True})
    return render(request, "portfolio/assessor.html", {"a": found, "form": form})


# --- Coverage -----------------------------------------------------------------------------


def my_coverage(request: AuthedHttpRequest) -> HttpResponse:
    membership = current_membership(request.user)
    if membership is None:
        raise PermissionDenied
    return render(request, "portfolio/coverage.html", {"membership": membership, **coverage.grid(membership)})


def cohort_coverage(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    cohort = get_cohort_for(request.user, pk)
    learners = selectors.cohort_heat_map_learners(request.user, cohort)
    if learners is None:
        raise PermissionDenied
    page = page_of(request, learners, size=HEAT_MAP_PAGE)
    domains, rows = selectors.cohort_heat_map(list(page.object_list))
    context = {"cohort": cohort, "domains": domains, "rows": rows, "page": page}
    return render(request, "portfolio/cohort_coverage.html", context)


# --- Requirements and ARCP readiness ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def requirement_sets(request: AuthedHttpRequest) -> HttpResponse:
    access.ensure_runs_a_programme(request.user)
    programmes = programmes_run_by(request.user)
    form = RequirementSetForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            made = requirements.requirement_set_save(
                actor=request.user, requirement_set=form.save(commit=False)
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            return redirect(made)
    context = {"sets": selectors.requirement_sets_of(programmes), "form": form}
    return render(request, "portfolio/requirement_sets.html", context)


@require_http_methods(["GET", "POST"])
def requirement_set(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = access.get_requirement_set_for(request.user, pk)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            requirements.rule_add(actor=request.user, requirement_set=found, rule=form.save(commit=False))
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Rule added.")
            return redirect(found)
    context = {"set": found, "rules": found.rules.select_related("assessment_type"), "form": form}
    return render(request, "portfolio/requirement_set.html", context)


@require_POST
def rule_remove(request: AuthedHttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    rule = access.get_rule_for(request.user, pk, rule_pk)
    requirements.rule_remove(actor=request.user, rule=rule)
    messages.success(request, "Rule removed.")
    return redirect("portfolio:requirement_set", pk=pk)


def my_progress(request: AuthedHttpRequest) -> HttpResponse:
    membership = current_membership(request.user)
    if membership is None:
        raise PermissionDenied
    return render(request, "portfolio/progress.html", {"progress": requirements.progress_for(membership)})


def readiness(request: AuthedHttpRequest) -> HttpResponse:
    """Leads: who is behind before their ARCP, red first (or by ARCP date), across every learner."""
    access.ensure_manages_learners(request.user)
    form = ReadinessFilterForm(request.GET or None, programmes=programmes_visible_to(request.user))
    ordered = selectors.readiness_order(request.user, form.filters())
    page = page_of(request, ordered, then=selectors.readiness_page)
    rows = selectors.readiness_rows(list(page.object_list))
    return render(request, "portfolio/readiness.html", {"page": page, "rows": rows, "form": form})


def readiness_export(request: AuthedHttpRequest, fmt: str) -> HttpResponseBase:
    """The readiness list as filtered, every learner, as CSV or XLSX."""
    return downloads.respond(request, readiness_sheet, fmt)


# --- Evidence packs --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evidence_packs(request: AuthedHttpRequest) -> HttpResponse:
    person_id = own_person_id(request.user)
    form = EvidencePackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["starts_on"], form.cleaned_data["ends_on"]
        try:
            pack = evidence.pack_request(actor=request.user, start=start, end=end)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            return redirect(pack)
    context = {"form": form, "packs": selectors.evidence_packs_of(person_id)}
    return render(request, "portfolio/evidence_packs.html", context)


def evidence_pack(request: AuthedHttpRequest, pk: int) -> HttpResponse | FileResponse:
    pack = access.get_evidence_pack_for(request.user, pk)
    if request.GET.get("download") and pack.ready:
        name = f"enhance-evidence-{pack.starts_on}-to-{pack.ends_on}.zip"
        return FileResponse(
            pack.file.open("rb"), content_type="application/zip", as_attachment=True, filename=name
        )
    return render(request, "portfolio/evidence_pack_status.html", {"pack": pack})
