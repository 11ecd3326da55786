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


@transaction.atomic
def reflection_save(
    *, actor: User, reflection: Reflection, domains: Any, themes: Any, publish: bool
) -> Reflection:
    """Save a reflection as a draft, or finish it (and share it, if its visibility says so)."""
    scope = scope_for(actor)
    if reflection.pk is None:
        if scope.person_id is None:
            raise PermissionDenied("Only learners write reflections.")
        reflection.person_id = scope.person_id
    elif reflection.person_id != scope.person_id:
        raise PermissionDenied("Only the author can change a reflection.")
    if publish and not reflection.happened.strip():
        raise ValidationError({"happened": "Say what happened before you finish the reflection."})
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
        raise PermissionDenied("You cannot comment on this reflection.")
    if not text.strip():
        raise ValidationError({"text": "Write a comment first."})
    comment = Comment.objects.create(reflection=reflection, author=actor, text=text.strip())
    if reflection.person.user is not None:
        notify(
            recipient=reflection.person.user,
            kind=REFLECTION_COMMENT.code,
            title=f"{actor} commented on {reflection.title}",
            url=reflection.get_absolute_url(),
        )
    return comment
