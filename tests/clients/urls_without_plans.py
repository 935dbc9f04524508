"""The project's URLs without any plan pages: the client page must work before (or without)
the plans app's views."""

from django.urls import URLResolver

from kuty.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    pattern
    for pattern in project_urlpatterns
    if not (isinstance(pattern, URLResolver) and pattern.namespace == "activation_plans")
]
