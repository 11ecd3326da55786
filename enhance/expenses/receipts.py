"""Receipt files are checked by their content, never by their name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_BYTES = 5 * 1024 * 1024
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]


def receipt_type(upload: UploadedFile) -> str:
    """The receipt's real type, or a ValidationError that says what is wrong."""
    if upload.size is None or upload.size == 0:
        raise ValidationError("The receipt file is empty.")
    if upload.size > MAX_BYTES:
        raise ValidationError("The receipt must be smaller than 5 MB.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    raise ValidationError("The receipt must be a PDF, JPEG or PNG file.")
