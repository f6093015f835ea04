"""The staff pages of cases, under /cases/ in the `web` URL namespace."""

from django.urls import path

from clearloop.cases import views

urlpatterns = [
    path("", views.queue, name="cases"),
    path("new", views.case_new, name="case_new"),
    path("bulk", views.cases_bulk, name="cases_bulk"),
    path("views/", views.case_view_save, name="case_view_save"),
    path("settings/", views.case_settings, name="case_settings"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/take", views.case_take, name="case_take"),
    path("<int:pk>/assign", views.case_assign, name="case_assign"),
    path("<int:pk>/status", views.case_status, name="case_status_change"),
    path("<int:pk>/priority", views.case_priority, name="case_priority"),
    path("<int:pk>/details", views.case_details, name="case_details"),
    path("<int:pk>/reply", views.case_reply, name="case_reply"),
    path("<int:pk>/note", views.case_note, name="case_note"),
    path("<int:pk>/hand-off", views.case_hand_off, name="case_hand_off"),
    path("<int:pk>/resolve", views.case_resolve, name="case_resolve"),
    path("<int:pk>/goodwill", views.case_goodwill, name="case_goodwill"),
]
