"""Django's form renderer, with Django's own widget templates rendered by Jinja2.

Django renders every widget through a template, and a `<select>` includes one more
template per option; on the Django template language that costs about a millisecond per
widget, and it was a fifth of the CPU of the staff lists with filter forms and of the
review form (issue 15). Django ships the same widget templates for Jinja2
(`django/forms/jinja2/`), which it tests to give the same markup. A widget goes through
Jinja2 only when every template it renders is one of those: its own, its options' and its
subwidgets'. A widget with a template of its own anywhere (Wagtail's, ours, a package's,
such as wagtail.contrib.simple_translation's option template) is rendered by the Django
template language as before, as is every field and form layout.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.utils.functional import cached_property

JINJA2_TEMPLATES = "django/forms/widgets/"


def _only_djangos_templates(widget: dict) -> bool:
    """Whether every template the widget's context names is one of Django's own."""
    if not str(widget.get("template_name", "")).startswith(JINJA2_TEMPLATES):
        return False
    for _group, options, _index in widget.get("optgroups") or ():
        if not all(_only_djangos_templates(option) for option in options):
            return False
    return all(_only_djangos_templates(subwidget) for subwidget in widget.get("subwidgets") or ())


class FastWidgetRenderer(DjangoTemplates):
    @cached_property
    def _jinja2(self) -> Jinja2:
        return Jinja2()

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if template_name.startswith(JINJA2_TEMPLATES) and isinstance(widget, dict) and _only_djangos_templates(widget):
            return self._jinja2.render(template_name, context, request)
        return super().render(template_name, context, request)
