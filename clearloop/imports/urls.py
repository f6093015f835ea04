"""The import pages, under /imports/ in the `web` URL namespace."""

from django.urls import URLPattern, URLResolver, path

from clearloop.imports import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.imports, name="imports"),
    path("new", views.import_new, name="imports_new"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/map", views.import_map, name="import_map"),
    path("<int:pk>/start", views.import_start, name="import_start"),
    path("<int:pk>/status", views.import_status, name="import_status"),
    path("<int:pk>/bad-rows.csv", views.import_bad_rows, name="import_bad_rows"),
]
