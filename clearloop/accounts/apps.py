from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clearloop.accounts"
    label = "accounts"
