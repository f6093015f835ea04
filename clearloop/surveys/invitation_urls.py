"""The staff pages of an email distribution's invitations, under /surveys/ in the `web`
URL namespace (included by `clearloop.surveys.urls`)."""

from django.urls import path

from clearloop.surveys import invitation_views

urlpatterns = [
    path(
        "<int:pk>/distributions/<int:distribution_pk>/invitations/",
        invitation_views.survey_invitations,
        name="survey_invitations",
    ),
    path(
        "<int:pk>/distributions/<int:distribution_pk>/invitations/new",
        invitation_views.survey_invitations_new,
        name="survey_invitations_new",
    ),
]
