from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    # Anyone: a company applies and confirms its e-mail; an invited colleague accepts.
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_sent, name="register_sent"),
    path("register/confirm/<str:token>/", views.register_confirm, name="register_confirm"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # METI administrators: applications.
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/approve/", views.application_approve, name="application_approve"),
    path("applications/<int:pk>/reject/", views.application_reject, name="application_reject"),
    # The organisation's administrators: its members and invitations.
    path("members/", views.member_list, name="member_list"),
    path("members/invite/", views.member_invite, name="member_invite"),
    path("members/settings/", views.organisation_settings, name="organisation_settings"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("members/<int:pk>/reactivate/", views.member_reactivate, name="member_reactivate"),
    path(
        "members/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "members/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    # METI administrators: staff accounts.
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:pk>/reactivate/", views.staff_reactivate, name="staff_reactivate"),
    path("staff/<int:pk>/password-link/", views.staff_password_link, name="staff_password_link"),
    path(
        "staff/<int:pk>/second-factor-reset/",
        views.staff_second_factor_reset,
        name="staff_second_factor_reset",
    ),
    path("staff/<int:pk>/unlock/", views.staff_unlock, name="staff_unlock"),
]
