from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("runs/", views.run_lists_partial, name="run_lists"),
    path("<uuid:code>/", views.run_detail, name="run"),
    path("<uuid:code>/status/", views.run_status_partial, name="run_status"),
    path("<uuid:code>/again/", views.run_again, name="run_again"),
    path("<uuid:code>/download/<slug:fmt>/", views.run_download, name="download"),
]
