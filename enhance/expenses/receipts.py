"""Receipt files are checked by their content, never by their name."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from enhance.core.uploads import JPEG, PDF, PNG, sniff

RECEIPT_EMPTY = "The receipt file is empty."
RECEIPT_TOO_BIG = "The receipt must be smaller than 5 MB."
RECEIPT_WRONG_TYPE = "The receipt must be a PDF, JPEG or PNG file."

MAX_BYTES = 5 * 1024 * 1024


def receipt_type(upload: UploadedFile) -> str:
    """The receipt's real type, or a ValidationError that says what is wrong."""
    return sniff(
        upload,
        [PDF, JPEG, PNG],
        max_bytes=MAX_BYTES,
        empty=RECEIPT_EMPTY,
        too_big=RECEIPT_TOO_BIG,
        wrong_type=RECEIPT_WRONG_TYPE,
    )
