from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import invitations, otp_views, password_reset
from clients import log_search

from . import views
from .forms import LoginForm

urlpatterns = [
    path("", views.root, name="root"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("home/", views.home, name="home"),
    path("home/counsellor/", views.home_counsellor, name="home_counsellor"),
    path("home/unit-manager/", views.home_unit_manager, name="home_unit_manager"),
    path("home/project-manager/", views.home_project_manager, name="home_project_manager"),
    path("home/municipal-official/", views.home_municipal_official, name="home_municipal_official"),
    path("home/administrator/", views.home_administrator, name="home_administrator"),
    path("home/no-role/", views.home_no_role, name="home_no_role"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/keep-alive/", views.keep_alive, name="keep_alive"),
    path("accounts/mfa/enrol/", otp_views.mfa_enrol, name="mfa_enrol"),
    path("accounts/mfa/verify/", otp_views.mfa_verify, name="mfa_verify"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        password_reset.RateLimitedPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        password_reset.LoggedPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        invitations.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("people/", include("accounts.people.urls")),
    path("organisation/", include("organisations.urls")),
    path("clients/", include("clients.urls")),
    path("access-log/", log_search.access_log_search_view, name="access_log_search"),
    path("plans/", include("activation_plans.urls")),
    path("guidance/", include("guidance.urls")),
    path("reports/", include("reporting.urls")),
    path("absence-notices/", include("absence_notices.urls")),
    path("dashboards/", include("reporting.dashboard_urls")),
    path("help/", include("help.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Media files (report files with identity codes) are never served directly: downloads go
# through views that check access and write the access log.

handler400 = "kuty.errors.bad_request"
handler403 = "kuty.errors.permission_denied"
handler404 = "kuty.errors.page_not_found"
handler500 = "kuty.errors.server_error"
