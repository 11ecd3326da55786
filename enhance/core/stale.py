"""Kept figures (readiness, attendance standing) go stale when the records they count change:
one way to say which changes mark whom."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.db.models.signals import post_delete, post_save


def mark_on_change(name: str, stale_when: dict[type, Callable[[Any], Q]], mark: Callable[[Q], None]) -> None:
    """When an instance of a model in `stale_when` is saved or deleted, `mark` the kept rows
    that the model's function picks for it."""

    def on_change(sender: type, instance: Any, **kwargs: Any) -> None:
        mark(stale_when[sender](instance))

    for model in stale_when:
        post_save.connect(on_change, sender=model, weak=False, dispatch_uid=f"{name}-{model.__name__}-save")
        post_delete.connect(
            on_change, sender=model, weak=False, dispatch_uid=f"{name}-{model.__name__}-delete"
        )
