from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "enhance.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"

    def ready(self) -> None:
        from enhance.portfolio import requirements  # noqa: F401  (registers evidence kinds)
