from django.urls import path

from incubator import views

app_name = "incubator"

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.organisation_create, name="organisation_create"),
    path("areas/search/", views.area_search, name="area_search"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<int:pk>/logo/", views.organisation_logo, name="organisation_logo"),
    path("<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("<int:pk>/submit/", views.organisation_submit, name="organisation_submit"),
    path("<int:pk>/members/", views.members, name="members"),
    path("<int:pk>/members/<int:membership_pk>/role/", views.membership_role, name="membership_role"),
    path("<int:pk>/members/<int:membership_pk>/remove/", views.membership_remove, name="membership_remove"),
    path("<int:pk>/invitations/<int:invitation_pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("<int:pk>/documents/", views.documents, name="documents"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.document_delete, name="document_delete"),
    path("<int:pk>/incubation/", views.incubation, name="incubation"),
    path("<int:pk>/incubation/<int:incubatee_pk>/withdraw/", views.incubation_withdraw, name="incubation_withdraw"),
    path("<int:pk>/subsidies/", views.subsidies, name="subsidies"),
    path("<int:pk>/subsidies/<int:subsidy_pk>/withdraw/", views.subsidy_withdraw, name="subsidy_withdraw"),
]
