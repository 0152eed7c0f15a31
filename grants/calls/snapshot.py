"""The frozen record of what was submitted, and the differences between two of them.

A snapshot is plain JSON: later edits of the organisation's profile, the catalogue or
the call's questions do not change what an applicant submitted.
"""

import difflib

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.labels import field_path_label
from grants.calls.questions import answer_text, question_label


def _text(value) -> str:
    return "" if value is None else str(value)


def organisation_profile(organisation) -> dict:
    return {
        "id": organisation.pk,
        "name_zh": organisation.name_zh,
        "name_en": organisation.name_en,
        "uscc": organisation.uscc,
        "legal_form": organisation.legal_form,
        "field_type": organisation.field_type,
        "registration_date": organisation.registration_date.isoformat() if organisation.registration_date else None,
        "registration_authority": organisation.registration_authority,
        "legal_representative": organisation.legal_representative,
        "contact_name": organisation.contact_name,
        "contact_phone": organisation.contact_phone,
        "contact_email": organisation.contact_email,
        "address": organisation.address,
        "website": organisation.website,
        "mission": organisation.mission,
        "staff_full_time": organisation.staff_full_time,
        "staff_volunteers": organisation.staff_volunteers,
        "staff_lawyers": organisation.staff_lawyers,
        "status": organisation.status,
        "grade": organisation.grade,
    }


def target_area(area) -> dict:
    """A place the project serves, frozen with its division code and both names, so the
    record reads the same in Chinese and English and after a later edition renames it."""
    return {"code": area.code or "", "level": area.level, "name_zh": area.name_zh, "name_en": area.name_en}


def build_snapshot(application, *, number: int, now) -> dict:
    call = application.call
    attachments = list(application.attachments.all())
    by_id = {attachment.pk: attachment for attachment in attachments}
    answers = []
    for question in call.questions:
        value = (application.answers or {}).get(question.id)
        answers.append(
            {
                "id": question.id,
                "type": question.block_type,
                "label": question_label(question),
                "value": value,
                "text": answer_text(question, value, by_id),
            }
        )
    return {
        "revision": number,
        "reference": application.reference,
        "submitted_at": timezone.localtime(now).isoformat(),
        "call": {"id": call.pk, "title": call.title, "currency": call.currency},
        "organisation": organisation_profile(application.organisation),
        "project": {
            "title": application.title,
            "summary": application.summary,
            "category": str(application.category) if application.category_id else "",
            "category_code": application.category.code if application.category_id else "",
            "service_item": str(application.service_item) if application.service_item_id else "",
            "service_item_code": application.service_item.code if application.service_item_id else "",
            "area": str(application.area) if application.area_id else "",
            "target_areas": [target_area(area) for area in application.target_areas.order_by("code", "pk")],
            "target_area_detail": application.target_area_detail,
            "beneficiaries": application.beneficiaries,
            "beneficiaries_count": application.beneficiaries_count,
            "activities": application.activities,
            "timeline": application.timeline,
        },
        "milestones": [
            {
                "title": milestone.title,
                "due_date": milestone.due_date.isoformat() if milestone.due_date else None,
                "deliverable": milestone.deliverable,
            }
            for milestone in application.milestones.all()
        ],
        "kpis": [
            {"indicator": kpi.indicator, "unit": kpi.unit, "target": _text(kpi.target)}
            for kpi in application.kpis.all()
        ],
        "budget": {
            "lines": [
                {"kind": line.kind, "description": line.description, "amount": _text(line.amount)}
                for line in application.budget_lines.all()
            ],
            "requested": _text(application.requested_amount),
            "administration": _text(application.administration_amount),
            "cofunding": _text(application.cofunding_amount),
            "cofunding_source": application.cofunding_source,
        },
        "answers": answers,
        "attachments": [
            {"id": attachment.pk, "title": attachment.title, "name": attachment.file.name, "size": attachment.size}
            for attachment in attachments
        ],
    }


def flatten(snapshot: dict) -> dict[str, str]:
    """Snapshot → {"project.title": "...", "budget.lines.1.amount": "..."}, for diffs."""
    flat = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else key, inner)
        elif isinstance(value, list):
            for index, inner in enumerate(value, start=1):
                walk(f"{prefix}.{index}", inner)
        else:
            flat[prefix] = _text(value)

    skip = {"revision", "submitted_at"}
    walk("", {key: value for key, value in snapshot.items() if key not in skip})
    return flat


# How the paths of a snapshot's values read in a diff ("budget.lines.2.amount" → "Budget, line 2, amount").
FIELD_NAMES = {
    "reference": _("Reference"),
    "call": _("Call"),
    "title": _("Title"),
    "currency": _("Currency"),
    "id": _("Identifier"),
    "organisation": _("Organisation"),
    "name_zh": _("Name in Chinese"),
    "name_en": _("Name in English"),
    "uscc": _("Unified social credit code"),
    "legal_form": _("Legal form"),
    "field_type": _("Field type"),
    "registration_date": _("Registration date"),
    "registration_authority": _("Registration authority"),
    "legal_representative": _("Legal representative"),
    "contact_name": _("Contact person"),
    "contact_phone": _("Contact phone"),
    "contact_email": _("Contact email"),
    "address": _("Address"),
    "website": _("Website"),
    "mission": _("Mission"),
    "staff_full_time": _("Full-time staff"),
    "staff_volunteers": _("Volunteers"),
    "staff_lawyers": _("Lawyers"),
    "status": _("Status"),
    "grade": _("Grade"),
    "project": _("Project"),
    "summary": _("Summary"),
    "category": _("Category"),
    "category_code": _("Category code"),
    "service_item": _("Service item"),
    "service_item_code": _("Service item code"),
    "area": _("Area"),
    "code": _("Division code"),
    "level": _("Level"),
    "target_area_detail": _("Where exactly"),
    "beneficiaries": _("Beneficiaries"),
    "beneficiaries_count": _("Number of beneficiaries"),
    "activities": _("Activities"),
    "timeline": _("Timeline"),
    "due_date": _("Due date"),
    "deliverable": _("Deliverable"),
    "indicator": _("Indicator"),
    "unit": _("Unit"),
    "target": _("Target"),
    "budget": _("Budget"),
    "kind": _("Kind"),
    "description": _("Description"),
    "amount": _("Amount"),
    "requested": _("Amount requested"),
    "administration": _("Administration costs"),
    "cofunding": _("Co-funding"),
    "cofunding_source": _("Source of co-funding"),
    "type": _("Type"),
    "label": _("Question"),
    "value": _("Answer"),
    "text": _("Answer"),
    "name": _("File"),
    "size": _("Size"),
}
LIST_ITEMS = {
    "target_areas": _("area served %(number)s"),
    "milestones": _("milestone %(number)s"),
    "kpis": _("indicator %(number)s"),
    "lines": _("line %(number)s"),
    "answers": _("question %(number)s"),
    "attachments": _("attachment %(number)s"),
}


def field_label(path: str, snapshots=()) -> str:
    """A diff's field as people read it; an answer is named by its question, as submitted."""
    parts = path.split(".")
    if len(parts) >= 2 and parts[0] == "answers" and parts[1].isdigit():
        for snapshot in snapshots:
            answers = snapshot.get("answers") or []
            index = int(parts[1]) - 1
            if 0 <= index < len(answers) and answers[index].get("label"):
                rest = field_path_label(".".join(parts[2:]), names=FIELD_NAMES) if len(parts) > 2 else ""
                return ", ".join(filter(None, [str(answers[index]["label"]), rest]))
    return field_path_label(path, names=FIELD_NAMES, items=LIST_ITEMS, first_index=1)


def diff_snapshots(old: dict, new: dict) -> list[dict]:
    """The fields that changed between two revisions, with a line diff for long text."""
    before, after = flatten(old), flatten(new)
    changes = []
    for key in sorted(set(before) | set(after)):
        old_value, new_value = before.get(key), after.get(key)
        if old_value == new_value:
            continue
        lines = []
        if "\n" in (old_value or "") or "\n" in (new_value or "") or len(old_value or "") + len(new_value or "") > 200:
            lines = [
                line
                for line in difflib.ndiff((old_value or "").splitlines(), (new_value or "").splitlines())
                if not line.startswith("?")
            ]
        changes.append(
            {"field": key, "label": field_label(key, (new, old)), "old": old_value, "new": new_value, "lines": lines}
        )
    return changes
