"""Public survey URLs, included at ``s/``; the token alone identifies the survey."""

from django.urls import path

from clearloop.surveys.public import views

app_name = "survey_public"

urlpatterns = [
    path("<str:token>/", views.survey_page, name="page"),
    path("<str:token>/thanks/", views.survey_thanks, name="thanks"),
    path("<str:token>/submit", views.survey_submit, name="submit"),
]
