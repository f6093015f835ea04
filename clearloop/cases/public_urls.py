"""The customer's status page, /c/<token>/ (no account)."""

from django.urls import path

from clearloop.cases import views

urlpatterns = [path("<str:token>/", views.status_page, name="case_status")]
