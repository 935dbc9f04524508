from django.urls import path

from . import access_log_views, views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<uuid:code>/", views.client_detail, name="detail"),
    path("<uuid:code>/edit/", views.client_edit, name="edit"),
    path("<uuid:code>/hetu/", views.reveal_hetu, name="reveal_hetu"),
    path("<uuid:code>/access-log/", access_log_views.client_access_log, name="access_log"),
    path(
        "<uuid:code>/access-log/pdf/",
        access_log_views.client_access_log_pdf,
        name="access_log_pdf",
    ),
]
