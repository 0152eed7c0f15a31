"""A select's options come from one plain query (core.model_choices), the same options
Django's own iterator gives, and never kept between renders."""

from unittest import mock

import django_filters
import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import model_choices
from incubator.models import ServiceCategory, ServiceItem

pytestmark = pytest.mark.django_db


class CategoryForm(forms.Form):
    category = forms.ModelChoiceField(queryset=ServiceCategory.objects.all())
    categories = forms.ModelMultipleChoiceField(queryset=ServiceCategory.objects.all(), required=False)


class CategoryFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(queryset=ServiceCategory.objects.all(), null_label="None")

    class Meta:
        model = ServiceItem
        fields = ["category"]


def djangos_options(field):
    return [(str(value), str(label)) for value, label in model_choices._DJANGO_ITER(field.iterator(field))]


def options(field):
    return [(str(value), str(label)) for value, label in field.choices]


def test_the_options_are_djangos_in_one_query_without_a_server_side_cursor():
    form = CategoryForm()
    for name in ("category", "categories"):
        field = form.fields[name]
        expected = djangos_options(field)
        with (
            mock.patch.object(connection, "chunked_cursor", wraps=connection.chunked_cursor) as server_side,
            CaptureQueriesContext(connection) as queries,
        ):
            assert options(field) == expected
        assert len(queries) == 1 and server_side.call_count == 0
    assert ("", "---------") in options(form.fields["category"])
    assert len(options(form.fields["category"])) == ServiceCategory.objects.count() + 1


def test_django_filters_own_iterator_keeps_its_null_option():
    field = CategoryFilter().form.fields["category"]
    rendered = options(field)
    assert ("null", "None") in rendered
    assert len(rendered) == ServiceCategory.objects.count() + 2


def test_a_new_row_shows_on_the_next_render_of_the_same_form_class():
    before = len(options(CategoryForm().fields["category"]))
    ServiceCategory.objects.create(code="new-family", name_zh="新类别", name_en="New family")
    assert len(options(CategoryForm().fields["category"])) == before + 1


def test_a_prefetching_queryset_goes_through_djangos_iterator():
    field = forms.ModelChoiceField(queryset=ServiceCategory.objects.prefetch_related("items"))
    assert options(field) == djangos_options(field)
    assert ServiceItem.objects.exists()
