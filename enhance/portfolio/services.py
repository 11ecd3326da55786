"""Who sees a reflection, writing and sharing one, and supervisors' comments."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from enhance.accounts.models import User
from enhance.notifications.services import notify
from enhance.portfolio.access import can_comment
from enhance.portfolio.models import Comment, Reflection
from enhance.portfolio.notifications import REFLECTION_COMMENT, REFLECTION_SHARED
from enhance.programmes.access import scope_for
from enhance.programmes.models import Role, RoleAssignment

# Messages people see when a rule refuses them (tests assert them by name).
SAY_WHAT_HAPPENED_BEFORE_YOU = "Say what happened before you finish the reflection."
YOU_CANNOT_COMMENT_REFLECTION = "You cannot comment on this reflection."
WRITE_COMMENT_FIRST = "Write a comment first."
ONLY_LEARNERS_WRITE_REFLECTIONS = "Only learners write reflections."
ONLY_AUTHOR_CAN_CHANGE_REFLECTION = "Only the author can change a reflection."


@transaction.atomic
def reflection_save(
    *, actor: User, reflection: Reflection, domains: Any, themes: Any, publish: bool
) -> Reflection:
    """Save a reflection as a draft, or finish it (and share it, if its visibility says so)."""
    scope = scope_for(actor)
    if reflection.pk is None:
        if scope.person_id is None:
            raise PermissionDenied(ONLY_LEARNERS_WRITE_REFLECTIONS)
        reflection.person_id = scope.person_id
    elif reflection.person_id != scope.person_id:
        raise PermissionDenied(ONLY_AUTHOR_CAN_CHANGE_REFLECTION)
    if publish and not reflection.happened.strip():
        raise ValidationError({"happened": SAY_WHAT_HAPPENED_BEFORE_YOU})
    was_shared = (
        reflection.pk is not None
        and Reflection.objects.filter(
            pk=reflection.pk, draft=False, visibility__in=["supervisor", "programme"]
        ).exists()
    )
    reflection.draft = not publish
    reflection.full_clean()
    reflection.save()
    reflection.domains.set(domains)
    reflection.themes.set(themes)
    if publish and reflection.visibility != Reflection.Visibility.PRIVATE and not was_shared:
        supervisors = RoleAssignment.objects.filter(role=Role.SUPERVISOR, learner_id=reflection.person_id)
        for role in supervisors.select_related("user"):
            notify(
                recipient=role.user,
                kind=REFLECTION_SHARED.code,
                title=f"{reflection.person} shared a reflection: {reflection.title}",
                url=reflection.get_absolute_url(),
            )
    return reflection


@transaction.atomic
def comment_add(*, actor: User, reflection: Reflection, text: str) -> Comment:
    if not can_comment(actor, reflection):
        raise PermissionDenied(YOU_CANNOT_COMMENT_REFLECTION)
    if not text.strip():
        raise ValidationError({"text": WRITE_COMMENT_FIRST})
    comment = Comment.objects.create(reflection=reflection, author=actor, text=text.strip())
    if reflection.person.user is not None:
        notify(
            recipient=reflection.person.user,
            kind=REFLECTION_COMMENT.code,
            title=f"{actor} commented on {reflection.title}",
            url=reflection.get_absolute_url(),
        )
    return comment
