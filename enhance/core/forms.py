"""Form plumbing every app uses: date widgets, typed field access, stale-edit protection, and
one way to put a service's ValidationError onto a form."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """A form's model-choice field, typed as such."""
    return cast(forms.ModelChoiceField, form.fields[name])


class VersionedForm(forms.ModelForm):
    """Carries the version of the record the form was shown with, to refuse stale saves."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]


UNKNOWN_BUTTON = "Choose one of the buttons."


class ActionForm(forms.Form):
    """Which of a form's submit buttons was pressed (`<button name="action" value="...">`),
    read through a form like any other input. An unknown value is refused, not guessed."""

    action = forms.CharField(required=False)

    def __init__(self, *args: Any, choices: tuple[str, ...], default: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices, self.default = choices, default

    def clean_action(self) -> str:
        value = self.cleaned_data["action"] or self.default
        if value not in self.choices:
            raise ValidationError(UNKNOWN_BUTTON)
        return value

    def chosen(self) -> str:
        return self.cleaned_data["action"] if self.is_valid() else self.default


def add_service_errors(error: ValidationError, *forms_: forms.BaseForm) -> None:
    """Put a service's ValidationError onto the form(s) it came from: each message keyed by a
    field goes next to that field on the first form that has it; the rest go to the top of
    the last form."""
    errors: list[tuple[str | None, Any]] = (
        list(error.error_dict.items()) if hasattr(error, "error_dict") else [(None, error.error_list)]
    )
    for field, messages in errors:
        target = next((f for f in forms_ if field in f.fields), forms_[-1])
        target.add_error(field if field in target.fields else None, messages)


def form_errors(form: forms.BaseForm) -> str:
    """All of a form's messages as one sentence, for a page that shows them in a banner."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)
