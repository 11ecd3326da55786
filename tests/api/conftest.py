from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from enhance.api.tokens import SCOPES, token_create


class Api:
    """A plain HTTP client speaking to the API with one person's token."""

    def __init__(self, key: str) -> None:
        self.client, self.key = Client(), key

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def get(self, path: str, **params: Any):  # type: ignore[no-untyped-def]
        return self.client.get(f"/api/v1{path}", params, headers=self._headers())

    def post(self, path: str, body: object):  # type: ignore[no-untyped-def]
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", headers=self._headers()
        )

    def put(self, path: str, body: object):  # type: ignore[no-untyped-def]
        return self.client.put(
            f"/api/v1{path}", body, content_type="application/json", headers=self._headers()
        )


@pytest.fixture
def api_as(world):  # type: ignore[no-untyped-def]
    """api_as("programme_lead") -> an Api with a token of every scope for that persona."""

    def make(persona: str, scopes: list[str] | None = None) -> Api:
        _, key = token_create(actor=world[persona], name="test", scopes=scopes or SCOPES, days=30)
        return Api(key)

    return make
