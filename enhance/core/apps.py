from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "enhance.core"
    label = "core"
    verbose_name = "Core"
