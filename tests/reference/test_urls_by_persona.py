"""Every set-up URL against every persona (generated from its urls.py)."""

from __future__ import annotations

from enhance.teaching.models import Topic
from tests.url_personas import LEADS, STAFF, Route, persona_tests

TABLE = {
    "reference:index": Route(get=STAFF),
    "reference:list": Route(lambda s: {"slug": "topics"}, get=LEADS),
    "reference:create": Route(lambda s: {"slug": "topics"}, get=LEADS, post=LEADS),
    "reference:edit": Route(
        lambda s: {"slug": "topics", "pk": Topic.objects.earliest("pk").pk}, get=LEADS, post=LEADS
    ),
}

test_every_url_has_a_persona_rule, test_get_by_persona, test_forbidden_posts_change_nothing = persona_tests(
    "reference", TABLE
)
