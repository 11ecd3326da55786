from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "enhance.programmes"
    label = "programmes"
    verbose_name = "Programmes and people"
