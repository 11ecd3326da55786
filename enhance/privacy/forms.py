from __future__ import annotations

from django import forms


class EraseForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="Why is this person being erased?",
        help_text="For example: left the programme in July 2026 and asked for their details to be removed.",
    )
