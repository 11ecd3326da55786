from __future__ import annotations

from django import forms

from enhance.api.tokens import AREAS, MAX_DAYS

SCOPE_CHOICES = [
    (f"{area}:{mode}", f"{label}: {'read' if mode == 'read' else 'read and change'}")
    for area, label in AREAS.items()
    for mode in ("read", "write")
]


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name", help_text="What it is for, e.g. 'Power BI report'.")
    scopes = forms.MultipleChoiceField(
        choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple, label="What it may use"
    )
    days = forms.IntegerField(
        min_value=1,
        max_value=MAX_DAYS,
        initial=90,
        label="Days until it expires",
        help_text="At most a year.",
    )

    def service_fields(self) -> dict[str, object]:
        data = self.cleaned_data
        scopes = set(data["scopes"]) | {s.replace(":write", ":read") for s in data["scopes"]}
        return {"name": data["name"], "scopes": sorted(scopes), "days": data["days"]}
