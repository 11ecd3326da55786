from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "enhance.accounts"
    label = "accounts"
    verbose_name = "Accounts"
