from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<uuid:code>/", views.client_detail, name="detail"),
    path("<uuid:code>/edit/", views.client_edit, name="edit"),
    path("<uuid:code>/hetu/", views.reveal_hetu, name="reveal_hetu"),
    path("<uuid:code>/access-log/", views.client_access_log, name="access_log"),
]
