"""A person's request for a copy of everything the service holds about them (a subject
access request), built in the background."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from enhance.core.models import BuildStatus, BuiltInBackground
from enhance.programmes.models import Person


class DataExport(BuiltInBackground, models.Model):
    Status = BuildStatus

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="data_exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Data export for {self.person} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("privacy:export", args=[self.pk])


class Erasure(models.Model):
    """A person who left, whose identity was removed: who did it, when and why. What they took
    part in stays, under a placeholder name, so programme figures do not change."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="erasure")
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    erased_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"Erasure of person {self.person_id}"


class RetentionRule(models.Model):
    """How long a kind of record is kept (reference data, applied by a daily job)."""

    code = models.SlugField(unique=True)
    description = models.CharField(max_length=300)
    days = models.PositiveIntegerField()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.description}: {self.days} days"
