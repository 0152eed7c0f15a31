import pytest
from django.apps import apps
from django.core.management import call_command


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    call_command("load_demo", quiet=True)
    first = row_counts()
    call_command("load_demo", quiet=True)
    assert row_counts() == first
    assert first["accounts.User"] >= 8
