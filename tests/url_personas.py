"""Every URL of an app against every persona, generated from the app's urls.py.

Each app's test module lists, for every named URL of its namespace, how to fill its
arguments from the `scene` (one object of every kind, owned by the Midlands personas) and
which personas may open it (GET) or act on it (POST). The engine then:

- fails if a URL of the namespace has no entry, so a new page cannot skip the check;
- opens every GET URL as every persona: those allowed get the page (200, or a redirect for
  pages that send people on), everyone else is refused (403 or 404);
- posts an empty form to every POST URL as every persona not allowed to act, and checks that
  nothing in the database changed and no server error happened (a refusal is a 403 or 404,
  or a page or redirect that says why)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Max
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS

EVERYONE = frozenset(PERSONAS)
ADMIN = frozenset({"national_admin"})
LEADS = frozenset({"national_admin", "regional_lead", "programme_lead"})
MANAGERS = LEADS | {"locality_lead"}
STAFF = MANAGERS | {"faculty", "community_lead", "partner_contact", "supervisor", "finance_officer"}

Args = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    """How to fill a URL's arguments from the scene, and who may open or act on it."""

    args: Args = field(default=lambda s: {})
    get: frozenset[str] | None = None  # None: the URL takes POST only
    post: frozenset[str] | None = None  # None: the URL takes no POST
    query: Callable[[Any], dict[str, Any]] = field(default=lambda s: {})
    refused: tuple[int, ...] = (403, 404)


def named_urls(namespace: str | None) -> list[str]:
    """Every named URL of a namespace (None: the project's own top-level names)."""

    def walk(patterns: list[Any], ns: str | None) -> list[str]:
        names = []
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == namespace and namespace is not None:
                    names += [f"{namespace}:{q.name}" for q in p.url_patterns if isinstance(q, URLPattern)]
            elif ns is None and namespace is None and p.name:
                names.append(p.name)
        return names

    return walk(get_resolver().url_patterns, None)


def fingerprint() -> dict[str, tuple[int, int | None]]:
    """Row counts and the newest history id of every table: any change shows."""
    out = {}
    for model in apps.get_models():
        if model._meta.app_label in ("sessions", "contenttypes", "django_tasks_database"):
            continue
        qs = model._default_manager.all()
        newest = qs.aggregate(m=Max("pk"))["m"] if model._meta.pk.get_internal_type() != "UUIDField" else None
        out[model._meta.label] = (qs.count(), newest if isinstance(newest, int) else None)
    return out


def check_complete(namespace: str | None, table: dict[str, Route]) -> None:
    missing = sorted(set(named_urls(namespace)) - set(table))
    extra = sorted(set(table) - set(named_urls(namespace)))
    assert not missing, f"URLs without a persona rule: {missing}"
    assert not extra, f"Rules for URLs that no longer exist: {extra}"


def check_get(client: Any, scene: Any, name: str, route: Route, persona: str) -> None:
    url = reverse(name, kwargs=route.args(scene))
    client.force_login(scene.world[persona])
    response = client.get(url, route.query(scene))
    assert route.get is not None
    if persona in route.get:
        assert response.status_code in (200, 302), f"{persona} GET {name}: {response.status_code}"
    else:
        assert response.status_code in route.refused, f"{persona} GET {name}: {response.status_code}"


def check_forbidden_posts(client: Any, scene: Any, name: str, route: Route) -> None:
    assert route.post is not None
    url = reverse(name, kwargs=route.args(scene))
    before = fingerprint()
    for persona in sorted(EVERYONE - route.post):
        client.force_login(scene.world[persona])
        response = client.post(url, {})
        assert response.status_code in (200, 302, 400, 403, 404, 405), (
            f"{persona} POST {name}: {response.status_code}"
        )
    assert fingerprint() == before, f"A refused POST to {name} changed data"


def persona_tests(namespace: str | None, table: dict[str, Route]) -> tuple[Any, Any, Any]:
    """The three tests of an app's URL table, for its test module to bind as test_* names."""
    import pytest

    from tests.conftest import PERSONAS

    def test_every_url_has_a_persona_rule() -> None:
        check_complete(namespace, table)

    @pytest.mark.django_db
    @pytest.mark.parametrize("name", [n for n, r in table.items() if r.get is not None])
    def test_get_by_persona(client: Any, scene: Any, name: str) -> None:
        for persona in PERSONAS:
            check_get(client, scene, name, table[name], persona)

    @pytest.mark.django_db
    @pytest.mark.parametrize("name", [n for n, r in table.items() if r.post is not None])
    def test_forbidden_posts_change_nothing(client: Any, scene: Any, name: str) -> None:
        check_forbidden_posts(client, scene, name, table[name])

    return test_every_url_has_a_persona_rule, test_get_by_persona, test_forbidden_posts_change_nothing
