"""`get_FOO_display()` without rebuilding the field's choices on every call.

Django's `Model._get_FIELD_display` makes a dict of the field's flattened choices on each
call, and hashing each (value, label) pair hashes the lazy label, which translates it: a
status column of a 50-row list translated every status label 50 times (about a tenth of
the CPU of an NGO's application list, issue 15). Here the dict is made once per field and
kept while the field's choices are the same list; the labels stay lazy, so the reader's
language still decides the text. Callable choices (Django 5) are read afresh each call,
as Django does.
"""

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_DJANGO_GET_FIELD_DISPLAY = Model._get_FIELD_display
# field -> (the choices object the dict was made from, {value: label})
_CHOICES_BY_FIELD: dict = {}


def _choices_dict(field) -> dict | None:
    choices = field.choices
    if not isinstance(choices, (list, tuple)):  # callable choices: evaluated on each call
        return None
    cached = _CHOICES_BY_FIELD.get(field)
    if cached is None or cached[0] is not choices:
        # Keys are hashed, labels are not: no translation happens here.
        cached = (choices, {make_hashable(value): label for value, label in field.flatchoices})
        _CHOICES_BY_FIELD[field] = cached
    return cached[1]


def get_field_display(self, field):
    choices = _choices_dict(field)
    if choices is None:
        return _DJANGO_GET_FIELD_DISPLAY(self, field)
    value = getattr(self, field.attname)
    return force_str(choices.get(make_hashable(value), value), strings_only=True)


def install() -> None:
    """Called once from CoreConfig.ready(), when every model is loaded. Django binds each
    model's get_FOO_display() to `Model._get_FIELD_display` as the class is made, so the
    bound methods are replaced (only those Django made: a model's own stays)."""
    Model._get_FIELD_display = get_field_display
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if not getattr(field, "choices", None) or not getattr(field, "attname", None):
                continue
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if isinstance(method, partialmethod) and method.func is _DJANGO_GET_FIELD_DISPLAY:
                setattr(model, name, partialmethod(get_field_display, field=field))
