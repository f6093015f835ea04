from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "clearloop.boards"
    label = "boards"
    verbose_name = "Dashboards"
