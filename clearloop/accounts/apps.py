from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clearloop.accounts"
    label = "accounts"

    def ready(self) -> None:
        from clearloop.accounts import schema  # noqa: F401 -- registers the OpenAPI extension
