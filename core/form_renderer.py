"""Django's form renderer, with Django's own widget templates rendered by Jinja2.

Django renders every widget through a template, and a `<select>` includes one more
template per option; on the Django template language that costs about a millisecond per
widget, and it was a fifth of the CPU of the staff lists with filter forms and of the
review form (issue 15). Django ships the same widget templates for Jinja2
(`django/forms/jinja2/`), which it tests to give the same markup; those are used for the
names under `django/forms/widgets/`. Every other template (field and form layouts,
Wagtail's and our own widgets) still goes through the Django template language, found
as the default renderer finds it.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.utils.functional import cached_property

JINJA2_TEMPLATES = "django/forms/widgets/"


class FastWidgetRenderer(DjangoTemplates):
    @cached_property
    def _jinja2(self) -> Jinja2:
        return Jinja2()

    def get_template(self, template_name):
        if template_name.startswith(JINJA2_TEMPLATES):
            return self._jinja2.get_template(template_name)
        return super().get_template(template_name)
