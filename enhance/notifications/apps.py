from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "enhance.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from enhance.notifications import tasks  # noqa: F401  (registers the daily jobs)
