from django.urls import path, re_path

from cms import views
from cms.opendata import views as open_data_views

app_name = "cms"

urlpatterns = [
    path("calls/", views.calls, name="calls"),
    path("directory/", views.directory, name="directory"),
    path("directory/<int:pk>/", views.organisation_profile, name="organisation"),
    path("search/", views.search, name="search"),
    path("donate/<int:pk>/", views.donate, name="donate"),
    path("donate/<int:pk>/thanks/", views.donation_thanks, name="donation_thanks"),
    path("open-data/", open_data_views.open_data, name="open_data"),
    path("open-data/360giving.json", open_data_views.open_data_json, name="open_data_json"),
    path("open-data/360giving.csv", open_data_views.open_data_csv, name="open_data_csv"),
    path("open-data/calls.json", views.calls_feed, name="calls_feed"),
    path("feeds/news.rss", views.news_rss, name="news_rss"),
    path("feeds/news.atom", views.news_atom, name="news_atom"),
    path("feeds/calls.rss", views.calls_rss, name="calls_rss"),
    path("feeds/calls.atom", views.calls_atom, name="calls_atom"),
    path("calendar/events/<int:pk>.ics", views.event_ics, name="event_ics"),
    path("calendar/calls.ics", views.calls_ics, name="calls_ics"),
    path("calendar/calls/<str:key>.ics", views.call_ics, name="call_ics"),
    # Wagtail's pages, through the public page cache; Wagtail's own _util/ views pass by.
    re_path(r"^(?!_util/)(?P<path>(?:[\w\-]+/)*)$", views.serve_page, name="page"),
]
