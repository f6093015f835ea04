"""The staff pages of customers, under /customers/ in the `web` URL namespace."""

from django.urls import path

from clearloop.customers import views

urlpatterns = [
    path("", views.customers, name="customers"),
]
