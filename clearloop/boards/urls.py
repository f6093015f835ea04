"""The dashboard pages, under /analytics/dashboards/ in the `web` namespace."""

from django.urls import path

from clearloop.boards import views

urlpatterns = [
    path("", views.dashboards, name="analytics_dashboards"),
    path("new/", views.dashboard_new, name="analytics_dashboard_new"),
    path("<int:pk>/", views.dashboard_detail, name="analytics_dashboard"),
    path("<int:pk>/edit/", views.dashboard_edit, name="analytics_dashboard_edit"),
    path("<int:pk>/delete/", views.dashboard_delete, name="analytics_dashboard_delete"),
    path("<int:pk>/copy/", views.dashboard_copy, name="analytics_dashboard_copy"),
    path("<int:pk>/tiles/", views.tile_add, name="analytics_dashboard_tile_add"),
    path("tiles/<int:pk>/", views.tile_change, name="analytics_dashboard_tile"),
]
