"""Public survey URLs, included at ``s/``; the token alone identifies the survey."""

from django.urls import path

from clearloop.surveys.public import views, widget

app_name = "survey_public"

urlpatterns = [
    path("<str:token>/", views.survey_page, name="page"),
    path("<str:token>/thanks/", views.survey_thanks, name="thanks"),
    path("<str:token>/submit", views.survey_submit, name="submit"),
    # The same pages inside the website widget's frame (clearloop/surveys/public/widget.py).
    path("<str:token>/embed/", widget.embed_page, name="embed"),
    path("<str:token>/embed/thanks/", widget.embed_thanks, name="embed_thanks"),
]
