from django.urls import path

from . import views

app_name = "structure"

urlpatterns = [
    path("", views.structure_index, name="index"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<uuid:code>/", views.unit_edit, name="unit_edit"),
    path("units/<uuid:code>/groups/new/", views.group_create, name="group_create"),
    path("units/<uuid:code>/closure-days/", views.closure_days, name="closure_days"),
    path(
        "units/<uuid:code>/closure-days/remove/",
        views.closure_day_delete,
        name="closure_day_remove",
    ),
    path("groups/<uuid:code>/", views.group_edit, name="group_edit"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<uuid:code>/", views.project_edit, name="project_edit"),
]
