from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def page_of(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page:
    """The page of a list that the request's ?page= asks for (the last page if past the end)."""
    return Paginator(items, size).get_page(request.GET.get("page"))
