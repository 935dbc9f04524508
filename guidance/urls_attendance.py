"""Attendance pages, included at /guidance/attendance/ in the "guidance" namespace."""

from django.urls import path

from . import attendance_views as views

urlpatterns = [
    path("", views.attendance_index, name="attendance_index"),
    path(
        "<uuid:unit>/<int:year>/<int:month>/",
        views.attendance_month,
        name="attendance_month",
    ),
    path(
        "<uuid:unit>/<int:year>/<int:month>/lock/",
        views.attendance_lock,
        name="attendance_lock",
    ),
    path(
        "<uuid:unit>/<int:year>/<int:month>/unlock/",
        views.attendance_unlock,
        name="attendance_unlock",
    ),
]
