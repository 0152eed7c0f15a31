"""get_FOO_display() keeps each field's choices (core/choices_display.py, issue 15): the same
text as Django's own implementation, in the reader's language, without translating every
label of the field on each call."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from core import choices_display
from grants.calls.models import Application

FIELDS_WITH_CHOICES = [
    (model, field)
    for model in apps.get_models(include_auto_created=True)
    for field in model._meta.concrete_fields
    if field.choices and isinstance(field.choices, (list, tuple))
]


def test_every_models_get_display_goes_through_the_kept_choices():
    assert FIELDS_WITH_CHOICES, "the project has fields with choices"
    for model, field in FIELDS_WITH_CHOICES:
        method = model.__dict__.get(f"get_{field.name}_display")
        if method is None:  # inherited from a parent model, checked there
            continue
        assert isinstance(method, partialmethod), (model, field.name)
        assert method.func is choices_display.get_field_display, (model, field.name)


@pytest.mark.django_db  # some models' defaults read the database
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_text_is_djangos_for_every_choice_and_an_unknown_value(language):
    with translation.override(language):
        for model, field in FIELDS_WITH_CHOICES:
            for value, _label in [*field.flatchoices, ("not-a-choice", None)]:
                instance = model()
                setattr(instance, field.attname, value)
                ours = getattr(instance, f"get_{field.name}_display")()
                django = choices_display._DJANGO_GET_FIELD_DISPLAY(instance, field)
                assert ours == django, (model, field.name, value)


def test_the_label_follows_the_readers_language_after_it_was_kept():
    application = Application(status=Application.Status.SUBMITTED)
    with translation.override("en"):
        english = application.get_status_display()
    with translation.override("zh-hans"):
        chinese = application.get_status_display()
        expected = str(Application.Status.SUBMITTED.label)
    assert english == "Submitted"
    assert chinese != english and chinese == expected


def test_one_translation_per_call_not_one_per_choice(monkeypatch):
    """Django's own hashed every (value, label) pair, translating all eleven labels."""
    translated = []
    original = translation._trans.gettext
    monkeypatch.setattr(translation._trans, "gettext", lambda message: translated.append(message) or original(message))
    application = Application(status=Application.Status.SUBMITTED)
    with translation.override("en"):
        for _ in range(50):
            application.get_status_display()
    assert len(Application.Status.choices) > 5
    assert len(translated) == 50


def test_a_change_of_the_fields_choices_is_seen():
    field = Application._meta.get_field("status")
    application = Application(status="submitted")
    assert application.get_status_display() == "Submitted"
    original = field.choices
    try:
        field.choices = [("submitted", "Handed in")]
        assert application.get_status_display() == "Handed in"
    finally:
        field.choices = original
    assert application.get_status_display() == "Submitted"


def test_callable_choices_are_read_on_each_call():
    labels = {"a": "First"}
    field = models.CharField(max_length=5, choices=lambda: list(labels.items()))
    field.attname, field.name = "letter", "letter"
    instance = type("Thing", (), {"letter": "a"})()
    assert choices_display.get_field_display(instance, field) == "First"
    labels["a"] = "Changed"
    assert choices_display.get_field_display(instance, field) == "Changed"
