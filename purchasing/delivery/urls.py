from django.urls import path

from purchasing.delivery import views

app_name = "purchasing_delivery"

urlpatterns = [
    path("", views.contract_list, name="contracts"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("contracts/<int:pk>/final/", views.final_release, name="final_release"),
    path("contracts/<int:pk>/adviser/", views.adviser_register, name="adviser_register"),
    path("periods/<int:pk>/", views.period_detail, name="period"),
    path("periods/<int:pk>/log/", views.delivery_new, name="delivery_new"),
    path("periods/<int:pk>/submit/", views.period_submit, name="period_submit"),
    path("periods/<int:pk>/accept/", views.period_accept, name="period_accept"),
    path("periods/<int:pk>/dispute/", views.period_dispute, name="period_dispute"),
    path("deliveries/<int:pk>/remove/", views.delivery_remove, name="delivery_remove"),
    path("deliveries/<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("advisers/", views.adviser_list, name="advisers"),
    path("advisers/coverage/", views.coverage_public, name="coverage"),
    path("advisers/<int:pk>/", views.adviser_detail, name="adviser"),
]
