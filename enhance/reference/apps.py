from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "enhance.reference"
    label = "reference"
    verbose_name = "Reference data kept in the app"
