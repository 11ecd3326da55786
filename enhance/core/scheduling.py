"""Daily jobs (reminders, clean-ups). An area registers a task with @daily; the scheduler
command enqueues each due job once a day onto the background task queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from enhance.core.models import DailyJobRun

_DAILY: dict[str, tuple[Any, dt.time]] = {}


def daily(name: str, *, at: dt.time = dt.time(6, 0)) -> Any:
    """Register a django-tasks task to run once a day, at or after `at` (Europe/London)."""

    def register(task_obj: Any) -> Any:
        _DAILY[name] = (task_obj, at)
        return task_obj

    return register


def registered_daily_jobs() -> dict[str, tuple[Any, dt.time]]:
    return dict(_DAILY)


def enqueue_due_daily_jobs(now: dt.datetime | None = None) -> list[str]:
    """Queue every daily job whose time has come today and that has not been queued today."""
    local = timezone.localtime(now or timezone.now())
    queued = []
    for name, (task_obj, at) in sorted(_DAILY.items()):
        if local.time() < at:
            continue
        try:
            with transaction.atomic():
                DailyJobRun.objects.create(name=name, run_on=local.date())
        except IntegrityError:
            continue
        task_obj.enqueue()
        queued.append(name)
    return queued
