"""Personal invitation links, included at ``i/``: the token in the path is the invitation."""

from django.urls import path

from clearloop.surveys.public import invitations

app_name = "survey_invitation"

urlpatterns = [
    path("<str:token>/", invitations.invitation_page, name="page"),
    path("<str:token>/thanks/", invitations.invitation_thanks, name="thanks"),
    path("<str:code>/opt-out/", invitations.invitation_opt_out_page, name="opt_out"),
]
