"""The form of any reference kind (its fields, its links limited to the person's choices), and
the search and order of its list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import modelform_factory

from enhance.accounts.models import User
from enhance.reference.catalogue import Kind


def row_form(kind: Kind, user: User, *args: Any, **kwargs: Any) -> forms.ModelForm:
    form_class = modelform_factory(kind.model, fields=kind.fields)
    form = form_class(*args, **kwargs)
    for name, choices in kind.choices.items():
        form.fields[name].queryset = choices(user)  # type: ignore[attr-defined]
    for name in kind.required:
        form.fields[name].required = True
    return form


class ListForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    order = forms.ChoiceField(required=False, label="Order")

    def __init__(self, *args: Any, kind: Kind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orders = [("", "Default")]
        for name, label in kind.columns:
            orders += [(name, f"{label}, A to Z"), (f"-{name}", f"{label}, Z to A")]
        self.fields["order"].choices = orders  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        return self.cleaned_data if self.is_valid() else {}
