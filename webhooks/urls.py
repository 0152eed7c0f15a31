"""Filled in by the app's own issue."""

urlpatterns = []
