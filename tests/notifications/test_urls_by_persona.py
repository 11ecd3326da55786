"""Every notifications and calendar URL, and the top-level pages, against every persona."""

from __future__ import annotations

from tests.programmes.test_urls_by_persona import PROFILE_VIEWERS
from tests.url_personas import EVERYONE, Route, persona_tests

LEARNER = frozenset({"learner"})

NOTIFICATIONS = {
    "notifications:list": Route(get=EVERYONE),
    "notifications:open": Route(lambda s: {"pk": s.notification.pk}, post=LEARNER),
    "notifications:mark_all_read": Route(post=EVERYONE),
    "notifications:preferences": Route(get=EVERYONE, post=EVERYONE),
}
CALENDARS = {
    "calendars:mine": Route(get=EVERYONE),
    "calendars:reset": Route(post=EVERYONE),
    # The feed is opened by its secret address alone (calendar programs cannot sign in).
    "calendars:feed": Route(lambda s: {"token": s.feed_token}, get=EVERYONE),
}
TOP_LEVEL = {
    "home": Route(get=EVERYONE),
    # The learner page (one learner, every area): whoever may see the person.
    "learner": Route(lambda s: {"pk": s.world.learner_membership.person_id}, get=PROFILE_VIEWERS),
    "health": Route(get=EVERYONE),
    # A large workbook made in the background is its requester's alone; its file once ready.
    "download": Route(lambda s: {"pk": s.download.pk}, get=frozenset({"programme_lead"})),
    "download_file": Route(lambda s: {"pk": s.download.pk}, get=frozenset(), refused=(404,)),
    "mfa_activate_totp": Route(get=EVERYONE, post=EVERYONE),
    # The one-time assessor link is its own key; a wrong one is gone (410) for everyone.
    "assessor": Route(lambda s: {"token": "not-a-real-token"}, get=frozenset(), refused=(410,)),
    # Everyone keeps their own API tokens; a token that is not theirs is not found.
    "api_tokens": Route(get=EVERYONE, post=EVERYONE),
    "api_token_revoke": Route(lambda s: {"pk": 999999}, post=frozenset()),
    # Single sign-on is off unless configured: its callback is not found.
    "openid_connect_callback": Route(lambda s: {"provider_id": "sso"}, get=frozenset(), refused=(404,)),
}

(
    test_every_notifications_url_has_a_persona_rule,
    test_notifications_get_by_persona,
    test_notifications_forbidden_posts_change_nothing,
) = persona_tests("notifications", NOTIFICATIONS)
(
    test_every_calendars_url_has_a_persona_rule,
    test_calendars_get_by_persona,
    test_calendars_forbidden_posts_change_nothing,
) = persona_tests("calendars", CALENDARS)
(
    test_every_top_level_url_has_a_persona_rule,
    test_top_level_get_by_persona,
    test_top_level_forbidden_posts_change_nothing,
) = persona_tests(None, TOP_LEVEL)
