"""Absence notices, included at /absence-notices/ in the "absence_notices" namespace."""

from django.urls import path

from . import views

app_name = "absence_notices"

urlpatterns = [
    path("", views.notice_units, name="index"),
    path("<uuid:unit>/", views.notice_list, name="list"),
    path("<uuid:unit>/<int:year>/<int:month>/<int:half>/pdf/", views.unit_pdf, name="unit_pdf"),
    path("<uuid:unit>/<int:year>/<int:month>/<int:half>/sent/", views.mark_sent, name="mark_sent"),
    path(
        "<uuid:unit>/<int:year>/<int:month>/<int:half>/<uuid:client>/pdf/",
        views.client_pdf,
        name="client_pdf",
    ),
]
