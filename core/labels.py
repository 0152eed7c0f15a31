"""Field paths as people read them: 'budget.lines.1.description' → 'Budget, line 2, description'.

Snapshot diffs, change histories and validation messages address a value by a dotted path;
the path never reaches a screen or an export, its label does.
"""

from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def humanise(code: str) -> str:
    """'payment.transfer_unexpected' → 'Payment: transfer unexpected' (for codes nobody labelled)."""
    parts = [part.replace("_", " ").strip() for part in (code or "").split(".") if part.strip("_ ")]
    if not parts:
        return ""
    text = ": ".join(parts)
    return text[:1].upper() + text[1:]


def field_path_label(
    path: str, *, names: Mapping[str, object], items: Mapping[str, object] | None = None, first_index: int = 0
) -> str:
    """``names`` labels the path's keys; ``items`` gives, for a list's key, the label of one of its
    entries with a ``%(number)s`` placeholder (``_("line %(number)s")``); indexes count from
    ``first_index`` and read from 1."""
    items = items or {}
    parts = []
    segments = [segment for segment in (path or "").split(".") if segment]
    for position, segment in enumerate(segments):
        following = segments[position + 1] if position + 1 < len(segments) else ""
        if segment.isdigit():
            previous = segments[position - 1] if position else ""
            template = items.get(previous) or _("item %(number)s")
            parts.append(str(template) % {"number": int(segment) - first_index + 1})
        elif following.isdigit() and segment in items:
            continue  # the entry's label ("line 2") names the list
        else:
            label = names.get(segment)
            parts.append(str(label) if label is not None else humanise(segment))
    return pgettext("between the parts of a field's name", ", ").join(parts)


def model_field_label(model, name: str) -> str:
    """A model field's verbose name, for a stored field name."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return humanise(name)
    label = str(getattr(field, "verbose_name", "") or name)
    return label[:1].upper() + label[1:]


def field_list_label(model, names: str) -> str:
    """A stored 'name_en, contact_phone' → 'English name, Contact phone'."""
    labels = [model_field_label(model, name.strip()) for name in (names or "").split(",") if name.strip()]
    return pgettext("between the items of a list", ", ").join(labels)
