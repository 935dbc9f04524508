from django.urls import path

from . import views

app_name = "activation_plans"

urlpatterns = [
    path("new/<uuid:client>/", views.plan_create, name="create"),
    path("<uuid:code>/", views.plan_detail, name="detail"),
    path("<uuid:code>/edit/", views.plan_edit, name="edit"),
    path("<uuid:code>/agree/", views.plan_agree, name="agree"),
    path("<uuid:code>/versions/", views.plan_version_list, name="versions"),
    path(
        "<uuid:code>/versions/<int:version>/",
        views.plan_version_detail,
        name="version_detail",
    ),
    path("<uuid:code>/follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path("<uuid:code>/pdf/", views.plan_pdf, name="pdf"),
]
