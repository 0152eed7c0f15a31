"""Reviewer pages, under /review/ (MFA required by accounts.middleware), and the
applicant's feedback page once results are announced."""

from django.urls import path

from grants.review import defence_views, views

app_name = "review"

urlpatterns = [
    path("", views.assignment_list, name="assignment_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/declare/", views.declare, name="declare"),
    path("applications/<int:pk>/score/", views.review_edit, name="review_edit"),
    path("applications/<int:pk>/attachments/<int:number>/", views.attachment_download, name="attachment_download"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("my-reviews.csv", views.export, name="export"),
    path("profile/", views.profile, name="profile"),
    path("profile/relationships/<int:pk>/withdraw/", views.relationship_withdraw, name="relationship_withdraw"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("results/<int:pk>/", views.feedback, name="feedback"),
    # The live defence (issue 17).
    path("defence/", defence_views.seats, name="defence_seats"),
    path("defence/<int:round_pk>/", defence_views.round_for_member, name="defence_round"),
    path("defence/<int:round_pk>/slots/<int:slot_pk>/", defence_views.score, name="defence_score"),
    path("defence/<int:round_pk>/screen/", defence_views.screen, name="defence_screen"),
    path("defence/<int:round_pk>/screen/live/", defence_views.screen_live, name="defence_screen_live"),
    path("defence/presentations/<int:pk>/", defence_views.applicant_slot, name="defence_slot"),
]
