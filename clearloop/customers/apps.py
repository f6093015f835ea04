from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "clearloop.customers"
    label = "customers"
