"""The frozen record of what was submitted, and the differences between two of them.

A snapshot is plain JSON: later edits of the organisation's profile, the catalogue or
the call's questions do not change what an applicant submitted.
"""

import difflib

from django.utils import timezone

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
        changes.append({"field": key, "old": old_value, "new": new_value, "lines": lines})
    return changes
