"""What a reviewer sees of an application.

Under blind review the reviewer never sees the applicant organisation's name, its
people or its USCC: the organisation block is left out, attachments are offered as
"Attachment 1, 2, …" and served under neutral file names, and every text the
applicant typed has the organisation's identifiers (names, USCC, representative,
contacts, members' names and emails, web address) replaced by a placeholder.
"""

import re
from pathlib import PurePath

from django.utils.translation import gettext as _

from grants.calls.questions import answer_text, question_label
from grants.review.conflicts import website_domain
from incubator.models import Membership

MIN_IDENTIFIER_LENGTH = 2


def identifiers(organisation) -> list[str]:
    """Strings that would identify the organisation, longest first."""
    values = [
        organisation.name_zh,
        organisation.name_en,
        organisation.uscc,
        organisation.legal_representative,
        organisation.contact_name,
        organisation.contact_phone,
        organisation.contact_email,
        organisation.address,
        organisation.website,
        website_domain(organisation.website),
    ]
    for first, last, email in Membership.objects.filter(organisation=organisation).values_list(
        "user__first_name", "user__last_name", "user__email"
    ):
        values += [f"{first} {last}".strip(), f"{last}{first}".strip(), f"{first}{last}".strip(), email]
    cleaned = {value.strip() for value in values if value and len(value.strip()) >= MIN_IDENTIFIER_LENGTH}
    return sorted(cleaned, key=len, reverse=True)


def redactor(organisation):
    """A function that hides the organisation's identifiers in a text."""
    found = identifiers(organisation)
    if not found:
        return lambda text: text or ""
    pattern = re.compile("|".join(re.escape(value) for value in found), re.IGNORECASE)
    placeholder = _("[applicant]")
    return lambda text: pattern.sub(placeholder, text or "")


def neutral_filename(number: int, name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix or "") else ""
    return f"attachment-{number}{suffix}"


def reviewer_view(application, *, blind: bool) -> dict:
    """The application as plain data for the reviewer's page, redacted when blind."""
    clean = redactor(application.organisation) if blind else (lambda text: text or "")
    attachments = list(application.attachments.all())
    by_id = {attachment.pk: attachment for attachment in attachments}
    numbers = {attachment.pk: i for i, attachment in enumerate(attachments, start=1)}
    answers = []
    for question in application.call.questions:
        value = (application.answers or {}).get(question.id)
        if question.block_type == "file" and value in by_id:
            text = (
                _("See attachment %(number)s") % {"number": numbers[value]}
                if blind
                else answer_text(question, value, by_id)
            )
        else:
            text = clean(answer_text(question, value, by_id))
        answers.append({"label": question_label(question), "text": text})
    return {
        "title": clean(application.display_title),
        "reference": application.reference or "",
        "organisation": None if blind else application.organisation,
        "summary": clean(application.summary),
        "category": str(application.category) if application.category_id else "",
        "service_item": str(application.service_item) if application.service_item_id else "",
        "area": str(application.area) if application.area_id else "",
        # Public places by their national codes, never the organisation's identifiers.
        "target_areas": list(application.target_areas.all()),
        "target_area_detail": clean(application.target_area_detail),
        "beneficiaries": clean(application.beneficiaries),
        "beneficiaries_count": application.beneficiaries_count,
        "activities": clean(application.activities),
        "timeline": clean(application.timeline),
        "milestones": [
            {"title": clean(m.title), "due_date": m.due_date, "deliverable": clean(m.deliverable)}
            for m in application.milestones.all()
        ],
        "kpis": [{"indicator": clean(k.indicator), "target": k.target, "unit": k.unit} for k in application.kpis.all()],
        "budget_lines": [
            {"kind": line.get_kind_display(), "description": clean(line.description), "amount": line.amount}
            for line in application.budget_lines.all()
        ],
        "requested_amount": application.requested_amount,
        "cofunding_amount": application.cofunding_amount,
        "cofunding_source": clean(application.cofunding_source),
        "answers": answers,
        "attachments": [
            {
                "number": numbers[a.pk],
                "label": _("Attachment %(number)s") % {"number": numbers[a.pk]} if blind else a.title,
                "size": a.size,
            }
            for a in attachments
        ],
        "currency": application.call.currency,
    }
