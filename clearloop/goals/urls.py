"""The goal pages under /goals/ in the `web` namespace."""

from django.urls import path

from clearloop.goals import views

urlpatterns = [
    path("", views.board, name="goals"),
    path("new/", views.goal_new, name="goal_new"),
    path("<int:pk>/", views.goal_detail, name="goal_detail"),
    path("<int:pk>/plans/", views.plan_new, name="goal_plan_new"),
    path("plans/<int:pk>/tasks/", views.task_new, name="goal_task_new"),
    path("tasks/<int:pk>/status", views.task_status, name="goal_task_status"),
    path("tasks/<int:pk>/comments", views.task_comment, name="goal_task_comment"),
]
