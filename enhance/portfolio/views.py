from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from enhance.core.http import AuthedHttpRequest
from enhance.core.paging import page_of
from enhance.portfolio import services
from enhance.portfolio.forms import CommentForm, ReflectionForm
from enhance.portfolio.models import Reflection
from enhance.programmes.access import scope_for
from enhance.programmes.models import Person


def reflection_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    visible = (
        services.reflections_visible_to(request.user).select_related("person").prefetch_related("domains")
    )
    mine = visible.filter(person_id=scope.person_id or 0)
    shared = visible.exclude(person_id=scope.person_id or 0)
    if not scope.is_learner and not scope.is_staff:
        raise PermissionDenied
    return render(
        request,
        "portfolio/reflection_list.html",
        {
            "mine": page_of(request, mine) if scope.is_learner else None,
            "shared": shared[:50],
            "is_learner": scope.is_learner,
        },
    )


def _reflection(request: AuthedHttpRequest, pk: int) -> Reflection:
    reflection = (
        Reflection.objects.select_related("person", "session", "placement__opportunity").filter(pk=pk).first()
    )
    if reflection is None:
        raise Http404
    if not services.reflections_visible_to(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return reflection


@require_http_methods(["GET", "POST"])
def reflection_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.person_id is None:
        raise PermissionDenied
    reflection = _reflection(request, pk) if pk else Reflection()
    if pk and reflection.person_id != scope.person_id:
        raise PermissionDenied
    person = Person.objects.get(pk=scope.person_id)
    form = ReflectionForm(request.POST or None, instance=reflection, user=request.user, person=person)
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == "finish"
        try:
            saved = services.reflection_save(
                actor=request.user,
                reflection=form.save(commit=False),
                domains=form.cleaned_data["domains"],
                themes=form.cleaned_data["themes"],
                publish=publish,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Reflection saved." if publish else "Draft saved.")
            return redirect("portfolio:reflection_detail", pk=saved.pk)
    return render(request, "portfolio/reflection_form.html", {"form": form, "reflection": reflection})


@require_http_methods(["GET", "POST"])
def reflection_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    reflection = _reflection(request, pk)
    can_comment = services.can_comment(request.user, reflection)
    form = CommentForm(request.POST or None) if can_comment else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            services.comment_add(actor=request.user, reflection=reflection, text=form.cleaned_data["text"])
            messages.success(request, "Comment added.")
            return redirect("portfolio:reflection_detail", pk=pk)
    return render(
        request,
        "portfolio/reflection_detail.html",
        {
            "reflection": reflection,
            "form": form,
            "comments": reflection.comments.select_related("author"),
            "is_author": reflection.person.user_id == request.user.pk,
            "domains": reflection.domains.all(),
            "themes": reflection.themes.all(),
        },
    )
