"""Form plumbing: service errors land next to their field; buttons are read through a form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from enhance.core.forms import ActionForm, add_service_errors, form_errors


class PersonForm(forms.Form):
    email = forms.EmailField()


class MembershipForm(forms.Form):
    wte = forms.DecimalField()


def bound(form_class):
    form = form_class({"email": "a@b.example", "wte": "1"})
    assert form.is_valid()
    return form


def test_a_field_error_goes_next_to_the_field_of_the_form_that_has_it():
    person, membership = bound(PersonForm), bound(MembershipForm)
    add_service_errors(ValidationError({"wte": "Too much.", "email": "Taken."}), person, membership)
    assert person.errors["email"] == ["Taken."]
    assert membership.errors["wte"] == ["Too much."]


def test_an_error_without_a_field_goes_to_the_top_of_the_last_form():
    person, membership = bound(PersonForm), bound(MembershipForm)
    add_service_errors(ValidationError("Stale edit: reload the page."), person, membership)
    assert membership.non_field_errors() == ["Stale edit: reload the page."]
    assert not person.errors
    add_service_errors(ValidationError({"unknown": "Odd."}), person)
    assert person.non_field_errors() == ["Odd."]


def test_form_errors_reads_as_one_sentence():
    form = PersonForm({"email": "not an email"})
    form.is_valid()
    assert form_errors(form) == "Enter a valid email address."


def test_action_form_accepts_only_its_buttons():
    assert ActionForm({"action": "finish"}, choices=("finish", "draft"), default="draft").chosen() == "finish"
    assert ActionForm({}, choices=("finish", "draft"), default="draft").chosen() == "draft"
    tampered = ActionForm({"action": "delete"}, choices=("finish", "draft"), default="draft")
    assert not tampered.is_valid()
    assert tampered.chosen() == "draft"
