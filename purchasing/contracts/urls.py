from django.urls import path

from purchasing.contracts import views

app_name = "purchasing"

urlpatterns = [
    # Public
    path("", views.offer_directory, name="offer_directory"),
    path("offers/<int:pk>/", views.offer_public, name="offer_public"),
    path("offer-photos/<int:pk>/", views.offer_photo, name="offer_photo"),
    path("signed-contracts/", views.public_contracts, name="public_contracts"),
    path("signed-contracts/<int:pk>/", views.public_contract, name="public_contract"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Buyers
    path("buyer/", views.buyer_home, name="buyer_home"),
    path("buyer/needs/", views.buyer_needs, name="buyer_needs"),
    path("buyer/needs/new/", views.need_create, name="need_create"),
    path("buyer/needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("buyer/needs/<int:pk>/cancel/", views.need_cancel, name="need_cancel"),
    path("offers/<int:pk>/contract/", views.offer_contract, name="offer_contract"),
    # NGOs
    path("ngo/", views.ngo_home, name="ngo_home"),
    path("ngo/offers/new/", views.offer_create, name="offer_create"),
    path("ngo/offers/<int:pk>/", views.offer_edit, name="offer_edit"),
    path("ngo/offers/<int:pk>/<str:action>/", views.offer_status, name="offer_status"),
    path("ngo/offers/<int:pk>/photos/<int:photo_pk>/delete/", views.offer_photo_delete, name="offer_photo_delete"),
    path("ngo/needs/", views.open_needs, name="open_needs"),
    path("ngo/needs/<int:pk>/", views.need_quote, name="need_quote"),
    path("ngo/quotes/", views.quote_list, name="quote_list"),
    path("ngo/quotes/<int:pk>/withdraw/", views.quote_withdraw, name="quote_withdraw"),
    # Contracts, for both parties
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/terms/", views.contract_terms, name="contract_terms"),
    path("contracts/<int:pk>/amend/", views.contract_amend, name="contract_amend"),
    path("contracts/<int:pk>/do/<str:action>/", views.contract_action, name="contract_action"),
    path("contracts/<int:pk>/evaluation/", views.contract_evaluation, name="contract_evaluation"),
    path("contracts/<int:pk>/rate-buyer/", views.contract_rate_buyer, name="contract_rate_buyer"),
    path("amendments/<int:pk>/<str:action>/", views.amendment_action, name="amendment_action"),
]
