from __future__ import annotations

from django.db import models


class DailyJobRun(models.Model):
    """One row per daily job per day: inserting it is how a scheduler claims the run, so two
    schedulers never queue the same job twice on one day."""

    name = models.CharField(max_length=100)
    run_on = models.DateField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "run_on"], name="one_run_per_job_per_day")]

    def __str__(self) -> str:
        return f"{self.name} on {self.run_on}"
