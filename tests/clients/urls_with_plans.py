"""The project's URLs with stand-in plan pages, so that the client page's links to plans are
tested whatever the plans app's own views do."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from tests.clients.urls_without_plans import urlpatterns as without_plans


def _stand_in(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse()


_plans = (
    [
        path("new/<uuid:client>/", _stand_in, name="create"),
        path("<uuid:code>/", _stand_in, name="detail"),
    ],
    "activation_plans",
)

urlpatterns = [*without_plans, path("plans/", include(_plans))]
