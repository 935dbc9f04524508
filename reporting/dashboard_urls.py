"""Dashboards, included at /dashboards/ in the "dashboards" namespace."""

from django.urls import path

from reporting.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("project/", views.project_dashboard, name="project"),
    path("municipality/", views.municipal_dashboard, name="municipality"),
    path("records/", views.records, name="records"),
]
