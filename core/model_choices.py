"""The options of a model choice field read in one query.

Django's `ModelChoiceIterator` reads the options with `QuerySet.iterator()`, which on
PostgreSQL opens a server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a
select of a few dozen options (every filter of a staff list has three or four: issue 15).
Here the options are read from a fresh copy of the queryset in one query; nothing is kept
on the field's queryset (a form class's field shows new rows on its next render, as
Django's does). A queryset with `prefetch_related` goes through Django's own code, which
already reads it without `iterator()`. Subclasses (django-filter's, Wagtail's) call this
through `super()`.
"""

from django.forms.models import ModelChoiceIterator

_DJANGO_ITER = ModelChoiceIterator.__iter__


def _iter_in_one_query(self):
    if self.queryset._prefetch_related_lookups:
        yield from _DJANGO_ITER(self)
        return
    if self.field.empty_label is not None:
        yield ("", self.field.empty_label)
    for obj in self.queryset.all():
        yield self.choice(obj)


def install() -> None:
    ModelChoiceIterator.__iter__ = _iter_in_one_query
