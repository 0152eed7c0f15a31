"""Django's own widget templates rendered by Jinja2 (core/form_renderer.py, issue 15): the
markup is the same as the Django template language's, widget by widget, and every other
template still goes through the Django template language."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.django import Template as DjangoTemplate
from django.test.html import parse_html
from wagtail.contrib.simple_translation.forms import CheckboxSelectMultipleWithDisabledOptions

from core.form_renderer import FastWidgetRenderer, _only_djangos_templates


class EveryWidget(forms.Form):
    text = forms.CharField(initial='a <b> & "c"', widget=forms.TextInput(attrs={"class": "x", "data-y": "1"}))
    number = forms.IntegerField(initial=3)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput)
    hidden = forms.CharField(widget=forms.HiddenInput, initial="h")
    multiple_hidden = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two")], widget=forms.MultipleHiddenInput, initial=["1", "2"]
    )
    area = forms.CharField(widget=forms.Textarea, initial="line\nline")
    date = forms.DateField(initial=datetime.date(2026, 12, 1), widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.SplitDateTimeField(initial=datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC))
    select_date = forms.DateField(widget=forms.SelectDateWidget(years=[2025, 2026]), initial=datetime.date(2026, 1, 2))
    tick = forms.BooleanField(initial=True, required=False)
    choice = forms.ChoiceField(choices=[("", "---"), ("Group", [("a", "A & a"), ("b", "B")]), ("c", "C")], initial="b")
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], initial=["b"])
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, initial="a")
    boxes = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, initial=["a"]
    )
    file = forms.FileField(required=False, widget=forms.ClearableFileInput)


def test_the_project_renders_forms_with_the_fast_renderer():
    assert isinstance(get_default_renderer(), FastWidgetRenderer)


@pytest.mark.parametrize("name", list(EveryWidget.base_fields))
def test_each_widget_renders_the_same_markup_as_djangos_template_language(name):
    ours = EveryWidget()[name].as_widget()
    djangos = EveryWidget(renderer=DjangoTemplates())[name].as_widget()
    assert parse_html(str(ours)) == parse_html(str(djangos))
    assert "<" in ours


def test_a_bound_form_with_errors_keeps_the_submitted_values():
    form = EveryWidget(data={"text": "kept <i>", "number": "not a number", "choice": "c", "many": ["a", "b"]})
    assert not form.is_valid()
    html = str(form)
    assert 'value="kept &lt;i&gt;"' in html
    assert 'value="not a number"' in html
    assert '<option value="c" selected>C</option>' in html


def test_a_widget_with_a_template_of_its_own_goes_through_the_django_template_language():
    """wagtail.contrib.simple_translation's checkboxes keep Django's container template but
    render each option with a template of their own (found only by Django's engine)."""

    class Languages(forms.Form):
        locales = forms.MultipleChoiceField(
            choices=[("1", "English"), ("2", "Chinese")],
            widget=CheckboxSelectMultipleWithDisabledOptions,
            initial=["2"],
        )

    html = Languages()["locales"].as_widget()
    assert 'data-action="w-bulk#toggle"' in html and "Chinese" in html
    assert parse_html(str(html)) == parse_html(str(Languages(renderer=DjangoTemplates())["locales"].as_widget()))


def test_a_multiwidget_with_a_subwidget_of_its_own_goes_through_the_django_template_language():
    class Own(forms.TextInput):
        template_name = "tests/own_input.html"

    widget = forms.MultiWidget(widgets=[forms.TextInput(), Own()])
    context = widget.get_context("pair", ["a", "b"], {})
    assert not _only_djangos_templates(context["widget"])
    assert _only_djangos_templates(
        forms.MultiWidget(widgets=[forms.TextInput(), forms.TextInput()]).get_context("p", ["a", "b"], {})["widget"]
    )


def test_field_and_form_layouts_stay_on_the_django_template_language():
    renderer = FastWidgetRenderer()
    assert isinstance(renderer.get_template("django/forms/div.html"), DjangoTemplate)
    assert isinstance(renderer.get_template("django/forms/widgets/select.html"), DjangoTemplate)  # asked directly
