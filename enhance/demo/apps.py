from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "enhance.demo"
    label = "demo"
    verbose_name = "Demo data"
