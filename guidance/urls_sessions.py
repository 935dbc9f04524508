"""Sessions, groups and transitions, under /guidance/ (namespace "guidance")."""

from django.urls import path

from . import session_views, transition_views

urlpatterns = [
    # Individual sessions and the client's timeline
    path(
        "clients/<uuid:client>/sessions/new/",
        session_views.individual_session_create,
        name="sessions_individual_create",
    ),
    path(
        "clients/<uuid:client>/sessions/<uuid:code>/",
        session_views.individual_session_detail,
        name="sessions_individual_detail",
    ),
    path(
        "clients/<uuid:client>/sessions/<uuid:code>/edit/",
        session_views.individual_session_edit,
        name="sessions_individual_edit",
    ),
    path(
        "clients/<uuid:client>/timeline/",
        session_views.client_timeline_page,
        name="client_timeline",
    ),
    # Groups and group sessions
    path("groups/", session_views.groups_list, name="groups_list"),
    path("groups/<uuid:code>/", session_views.group_detail, name="group_detail"),
    path("groups/<uuid:code>/members/", session_views.group_members, name="group_members"),
    path(
        "groups/<uuid:code>/members/end/",
        session_views.group_member_end,
        name="group_member_end",
    ),
    path(
        "groups/<uuid:code>/sessions/new/",
        session_views.group_session_create,
        name="group_session_create",
    ),
    path(
        "group-sessions/<uuid:code>/",
        session_views.group_session_detail,
        name="group_session_detail",
    ),
    path(
        "group-sessions/<uuid:code>/edit/",
        session_views.group_session_edit,
        name="group_session_edit",
    ),
    # Transitions
    path("periods/<uuid:code>/end/", transition_views.period_end, name="period_end"),
    path(
        "periods/<uuid:code>/follow-up/<int:months>/",
        transition_views.period_follow_up,
        name="period_follow_up",
    ),
    path("follow-ups/", transition_views.follow_ups, name="follow_ups"),
]
