from __future__ import annotations

from django.db.models import Model


def save_valid(obj: Model) -> None:
    """Run the model's validation (fields, clean(), constraints), then save."""
    obj.full_clean()
    obj.save()
