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


class RecordedChange(models.Model):
    """A change a person made by hand to a settled result (published placements, confirmed
    pairs), with why, by whom and when: listed beside the result it changed."""

    reason = models.TextField()
    changed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-pk"]


class BuildStatus(models.TextChoices):
    """Where a file built in the background (an export, a pack, a workbook) has got to."""

    QUEUED = "queued", "Queued"
    BUILDING = "building", "Being built"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class BuiltInBackground:
    """What a model with a BuildStatus `status` field says of itself, for its status page."""

    status: str

    @property
    def ready(self) -> bool:
        return self.status == BuildStatus.READY

    @property
    def failed(self) -> bool:
        return self.status == BuildStatus.FAILED

    @property
    def in_progress(self) -> bool:
        return self.status in (BuildStatus.QUEUED, BuildStatus.BUILDING)


class Download(BuiltInBackground, models.Model):
    """A long download (CSV or workbook) someone asked for, written in the background from the
    same rows the page's download gives (with the filters they had chosen), kept for a week."""

    Status = BuildStatus

    requested_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    maker = models.CharField(max_length=200)  # the function that gives its rows (dotted path)
    query = models.TextField(blank=True)  # the page's filters, as in its address
    pk_arg = models.PositiveIntegerField(null=True, blank=True)  # the record it is of, if any
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="downloads/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="download_created")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("download", args=[self.pk])
