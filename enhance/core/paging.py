from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def page_of(
    request: HttpRequest,
    items: Any,
    size: int = PAGE_SIZE,
    *,
    then: Callable[[list[Any]], list[Any]] | None = None,
) -> Page:
    """The page of a list that the request's ?page= asks for (the last page if past the end).
    `then`, if given, turns the page's items into what is shown: a long list can be ordered
    and paged on a narrow query, and only the page's rows read in full."""
    page = Paginator(items, size).get_page(request.GET.get("page"))
    if then is not None:
        page.object_list = then(list(page.object_list))
    return page
