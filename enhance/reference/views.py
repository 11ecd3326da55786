from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from enhance.accounts.http import AuthedHttpRequest
from enhance.core.forms import add_service_errors
from enhance.core.paging import page_of
from enhance.programmes.access import ensure_staff
from enhance.reference import access, selectors, services
from enhance.reference.forms import ListForm, row_form

SAVED = "{kind} saved: {row}."


def index(request: AuthedHttpRequest) -> HttpResponse:
    ensure_staff(request.user)
    return render(request, "reference/index.html", {"kinds": access.kinds_kept_by(request.user)})


def row_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    kind = access.get_kind_for(request.user, slug)
    form = ListForm(request.GET or None, kind=kind)
    rows = selectors.rows_listed(request.user, kind, **form.filters())
    page = page_of(request, rows)
    context = {"kind": kind, "form": form, "page": page, "rows": selectors.cells(kind, page.object_list)}
    return render(request, "reference/list.html", context)


@require_http_methods(["GET", "POST"])
def row_edit(request: AuthedHttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    kind = access.get_kind_for(request.user, slug)
    row = kind.model() if pk is None else access.get_row_for(request.user, kind, pk)
    form = row_form(kind, request.user, request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.row_save(actor=request.user, kind=kind, row=form.save(commit=False))
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, SAVED.format(kind=kind.singular.capitalize(), row=saved))
            return redirect("reference:list", slug=kind.slug)
    history = selectors.history_of(row) if pk is not None else []
    return render(
        request, "reference/form.html", {"kind": kind, "form": form, "row": row, "history": history}
    )
