from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "clearloop.worker"
    label = "worker"
