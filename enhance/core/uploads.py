"""Uploaded files are judged by their first bytes, never by their name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError

FILE_EMPTY = "The file is empty."

PDF = (b"%PDF-", "application/pdf")
PNG = (b"\x89PNG\r\n\x1a\n", "image/png")
JPEG = (b"\xff\xd8\xff", "image/jpeg")
OFFICE = (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument")  # .docx, .pptx, .xlsx


def sniff(
    upload: Any,
    kinds: Sequence[tuple[bytes, str]],
    *,
    max_bytes: int,
    empty: str = FILE_EMPTY,
    too_big: str,
    wrong_type: str,
) -> str:
    """The upload's real content type, or a ValidationError with the caller's message."""
    if not upload.size:
        raise ValidationError(empty)
    if upload.size > max_bytes:
        raise ValidationError(too_big)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in kinds:
        if head.startswith(signature):
            return content_type
    raise ValidationError(wrong_type)
