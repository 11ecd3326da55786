from __future__ import annotations

from typing import Any

from django import forms

from enhance.notifications import kinds

DELIVERY = [("each", "As each one comes"), ("digest", "One email a day, in the evening, with everything new")]


class PreferencesForm(forms.Form):
    delivery = forms.ChoiceField(
        label="How the emails come", choices=DELIVERY, widget=forms.RadioSelect, required=False
    )

    def __init__(self, *args: Any, current: dict[str, bool], digest: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivery"].initial = "digest" if digest else "each"
        for kind in kinds.all_kinds():
            if kind.urgent:
                continue
            self.fields[kind.code] = forms.BooleanField(
                label=kind.label, required=False, initial=current.get(kind.code, True)
            )

    def kind_fields(self) -> list[Any]:
        return [f for f in self if f.name != "delivery"]

    def choices(self) -> dict[str, bool]:
        return {k: v for k, v in self.cleaned_data.items() if k != "delivery"}

    def digest(self) -> bool | None:
        """The choice made, or None to leave it as it was."""
        chosen = self.cleaned_data.get("delivery")
        return None if not chosen else chosen == "digest"
