from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("invite/", views.person_invite, name="invite"),
    path("<uuid:code>/", views.person_detail, name="detail"),
    path("<uuid:code>/roles/add/", views.role_add, name="role_add"),
    path("<uuid:code>/roles/remove/", views.role_remove, name="role_remove"),
    path("<uuid:code>/deactivate/", views.person_deactivate, name="deactivate"),
    path("<uuid:code>/reactivate/", views.person_reactivate, name="reactivate"),
]
