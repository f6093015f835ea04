"""The staff pages of the feedback inbox, under /feedback/ in the `web` URL namespace."""

from django.urls import path

from clearloop.feedback import views

urlpatterns = [
    path("", views.feedback, name="feedback"),
]
