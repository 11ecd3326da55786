from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "enhance.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"
