"""The call's score descriptors: what each score level of a rubric criterion means, entered
by the funder's programme officers and shown to reviewers beside the score."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import record_event
from core.transitions import require
from grants.calls.models import Call
from grants.review.models import ScoreDescriptor
from grants.review.permissions import can_manage_panel
from grants.review.services.common import lock_call


def _criterion(call: Call, criterion_code: str):
    for criterion in call.criteria:
        if criterion.code == criterion_code:
            return criterion
    raise ValidationError(_("The call's rubric has no criterion %(code)s.") % {"code": criterion_code})


@transaction.atomic
def score_descriptors_save(*, call: Call, criterion_code: str, levels, by) -> list[ScoreDescriptor]:
    """Replace the levels of one criterion of the call. `levels` is a list of dicts with
    min_score, text_zh and text_en; an empty list brings back the generic levels. Each
    from-score lies within the criterion's range (0 to its maximum) and appears once."""
    require(can_manage_panel(by, call), _("Only programme officers of this call's funder can do this."))
    call = lock_call(call=call)
    criterion = _criterion(call, criterion_code)
    errors = []
    seen = set()
    rows = []
    for level in levels:
        low = level["min_score"]
        text_zh = (level.get("text_zh") or "").strip()
        text_en = (level.get("text_en") or "").strip()
        if low is None or not 0 <= low <= criterion.max_score:
            errors.append(_("A level's from score must lie between 0 and %(max)s.") % {"max": criterion.max_score})
            continue
        if low in seen:
            errors.append(_("Two levels start at score %(score)s: each from score appears once.") % {"score": low})
            continue
        if not text_zh:
            errors.append(_("The level from score %(score)s needs its Chinese text.") % {"score": low})
            continue
        seen.add(low)
        rows.append(
            ScoreDescriptor(call=call, criterion_code=criterion.code, min_score=low, text_zh=text_zh, text_en=text_en)
        )
    if errors:
        raise ValidationError(errors)
    for row in rows:
        row.full_clean(exclude=["call"], validate_unique=False, validate_constraints=False)
    ScoreDescriptor.objects.filter(call=call, criterion_code=criterion.code).delete()
    saved = ScoreDescriptor.objects.bulk_create(sorted(rows, key=lambda row: row.min_score))
    record_event(
        target=call,
        verb="review.descriptors_saved",
        actor=by,
        data={"criterion": criterion.code, "levels": [row.min_score for row in saved]},
    )
    return saved
