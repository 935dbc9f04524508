from django.urls import include, path

app_name = "guidance"

urlpatterns = [
    path("attendance/", include("guidance.urls_attendance")),
    path("", include("guidance.urls_sessions")),
]
