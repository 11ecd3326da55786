from __future__ import annotations

from typing import Any

from allauth.mfa.base.forms import AuthenticateForm


class CodeAuthenticateForm(AuthenticateForm):
    """The second sign-in step, worded for people who have not used an authenticator before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = "Authenticator code"
        code.help_text = "The 6-digit code shown in your authenticator app, or one of your recovery codes."
        code.widget.attrs.pop("placeholder", None)
        code.widget.attrs["inputmode"] = "numeric"
