from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "enhance.privacy"
    label = "privacy"
    verbose_name = "Privacy: people's own data"

    def ready(self) -> None:
        from enhance.privacy import notifications, tasks  # noqa: F401  (registers notification kinds, daily jobs)
