"""The curriculum framework: domains, cross-cutting themes and learning outcomes.
All of it is reference data that a national admin edits in the admin."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class Framework(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="domain_number_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="themes")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="theme_number_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Outcome(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["domain", "order"]

    def __str__(self) -> str:
        return self.text[:80]
