"""Receipt files are checked by their content, never by their name."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from enhance.core.uploads import JPEG, PDF, PNG, sniff

MAX_BYTES = 5 * 1024 * 1024


def receipt_type(upload: UploadedFile) -> str:
    """The receipt's real type, or a ValidationError that says what is wrong."""
    return sniff(
        upload,
        [PDF, JPEG, PNG],
        max_bytes=MAX_BYTES,
        empty="The receipt file is empty.",
        too_big="The receipt must be smaller than 5 MB.",
        wrong_type="The receipt must be a PDF, JPEG or PNG file.",
    )
