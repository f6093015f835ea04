"""The staff pages of customers and segments, under /customers/ in the `web` namespace.

Included by `clearloop.web.urls`, so names read `web:customers`, `web:customer_detail`
(kwarg `pk`) and so on.
"""

from django.urls import path

from clearloop.customers import churn_views, segment_views, views

urlpatterns = [
    path("", views.customers, name="customers"),
    path("at-risk/", churn_views.customers_at_risk, name="customers_at_risk"),
    path("duplicates/", views.customer_duplicates, name="customer_duplicates"),
    path("attributes/", views.customer_attributes, name="customer_attributes"),
    path(
        "attributes/<int:pk>/delete",
        views.customer_attribute_delete,
        name="customer_attribute_delete",
    ),
    path("erasures/", views.customer_erasures, name="customer_erasures"),
    path("<int:pk>/", views.customer_detail, name="customer_detail"),
    path("<int:pk>/timeline/", views.customer_timeline, name="customer_timeline"),
    path("<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("<int:pk>/export.json", views.customer_export_json, name="customer_export"),
    path("<int:pk>/erase/", views.customer_erase_confirm, name="customer_erase"),
    path(
        "<int:pk>/merge/<int:other_pk>/",
        views.customer_merge_confirm,
        name="customer_merge",
    ),
    # Saved segments.
    path("segments/", segment_views.segments, name="segments"),
    path("segments/new/", segment_views.segment_edit, name="segment_new"),
    path("segments/<int:pk>/", segment_views.segment_edit, name="segment_edit"),
    path("segments/<int:pk>/delete", segment_views.segment_delete, name="segment_delete"),
    path("segments/rule", segment_views.segment_rule_row, name="segment_rule_row"),
    path("segments/count", segment_views.segment_count, name="segment_count"),
]
