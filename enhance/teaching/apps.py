from django.apps import AppConfig


class TeachingConfig(AppConfig):
    name = "enhance.teaching"
    label = "teaching"
    verbose_name = "Teaching"

    def ready(self) -> None:
        from enhance.teaching import (  # noqa: F401  (registers events, evidence, jobs)
            audiences,
            calendar,
            evidence,
            notifications,  # noqa: F401  (registers the notification kinds)
            standing,
            tasks,
        )

        standing.connect()
        audiences.connect()
