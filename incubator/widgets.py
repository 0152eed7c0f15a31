"""Area pickers for tables of tens of thousands of towns and hundreds of thousands of
villages: the page carries only the chosen areas, the browser searches as the user types.

The real form control is a ``<select>`` holding the chosen areas plus, for a browser
without JavaScript, the current areas directly under the parent field's submitted (or
saved) value: a district's towns, a town's villages. Without JavaScript a user therefore
chooses the district, saves, then the town, and so on; the form keeps everything else
typed. With JavaScript (static/incubator/area_picker.js) the select is hidden behind a
combobox that searches ``incubator:area_search`` as the user types, narrowed by the parent
field, and writes the choice back into the select, so what is posted is the same.
"""

from django import forms
from django.urls import reverse

from incubator.selectors import area_label, area_options_under, areas_by_ids

# The most a browser without JavaScript is offered beside the chosen areas: a town has a
# few hundred villages at most; a picker without a parent field (the district) lists its
# whole level, and the country has about 2,850 counties and districts.
FALLBACK_LIMIT = 500
PARENTLESS_FALLBACK_LIMIT = 3_500


class AreaPicker(forms.Widget):
    """One area, searched as the user types; `parent_field` names the form field whose
    choice narrows the search (and the options offered without JavaScript)."""

    template_name = "incubator/widgets/area_picker.html"
    allow_multiple_selected = False

    class Media:
        css = {"all": ["incubator/area_picker.css"]}
        js = ["incubator/area_picker.js"]

    def __init__(self, *, levels, parent_field: str | None = None, fallback_field: str | None = None, attrs=None):
        super().__init__(attrs)
        self.levels = list(levels)
        self.parent_field = parent_field
        # The field whose value lists the options offered without JavaScript; by default the parent.
        self.fallback_field = fallback_field or parent_field
        # Set by the form (AreaPickersMixin): the submitted or saved value of `fallback_field`,
        # and the parent's name as posted (with the form's prefix).
        self.fallback_parent: int | None = None
        self.parent_html_name: str | None = None

    def format_value(self, value) -> list[str]:
        if value is None or value == "":
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return [str(v) for v in values if v not in (None, "")]

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        # An empty multiple select posts nothing: that means "none", not "omitted".
        return False if self.allow_multiple_selected else super().value_omitted_from_data(data, files, name)

    def options(self, chosen_ids: list[str]):
        ids = [int(pk) for pk in chosen_ids if str(pk).isdigit()]
        chosen = areas_by_ids(ids)
        options = [{"value": str(area.pk), "label": area_label(area), "selected": True} for area in chosen]
        if self.fallback_field and self.fallback_parent is None:
            return options
        seen = {area.pk for area in chosen}
        limit = FALLBACK_LIMIT if self.fallback_field else PARENTLESS_FALLBACK_LIMIT
        for area in area_options_under(parent_id=self.fallback_parent, levels=self.levels, limit=limit):
            if area.pk not in seen:
                options.append({"value": str(area.pk), "label": area_label(area), "selected": False})
        return options

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["options"] = self.options(widget["value"])
        widget["multiple"] = self.allow_multiple_selected
        widget["search_url"] = reverse("incubator:area_search")
        widget["levels"] = ",".join(self.levels)
        widget["parent_field"] = self.parent_html_name or self.parent_field or ""
        widget["fallback_field"] = self.fallback_field or ""
        return context


class AreaMultiplePicker(AreaPicker):
    """Several areas: the chosen ones are listed with a button each to remove them."""

    allow_multiple_selected = True
