"""Every scheme gets its criteria as data (the old three weights become the purchaser's and the
third party's criteria; the beneficiaries get four survey questions), and every funder-only
evaluation becomes a published case whose only part is the purchaser's (its weights say so)."""

import secrets
from decimal import Decimal

from django.db import migrations

MARKS = (
    ("quantity", "数量", "Quantity", "完成的服务数量与目标相比。", "Services delivered against the targets."),
    (
        "quality",
        "质量",
        "Quality",
        "服务的质量与效果。",
        "How well the services were delivered and what they achieved.",
    ),
    (
        "use_of_funds",
        "资金使用",
        "Use of funds",
        "资金按预算合规、合理使用。",
        "Money spent as budgeted, properly and reasonably.",
    ),
)
QUESTIONS = (
    ("helped", "这项服务对您有帮助吗？", "Did the service help you?"),
    ("respect", "工作人员对您尊重、耐心吗？", "Were you treated with respect and patience?"),
    ("clear", "讲解清楚、容易听懂吗？", "Was the advice clear and easy to understand?"),
    ("recommend", "您会向亲友推荐这项服务吗？", "Would you tell a friend about this service?"),
)


def forwards(apps, schema_editor):
    Scheme = apps.get_model("awards", "EvaluationScheme")
    Criterion = apps.get_model("awards", "EvaluationCriterion")
    Evaluation = apps.get_model("awards", "Evaluation")
    Case = apps.get_model("awards", "EvaluationCase")
    Assessment = apps.get_model("awards", "PartAssessment")
    Mark = apps.get_model("awards", "CriterionMark")
    for scheme in Scheme.objects.all():
        if Criterion.objects.filter(scheme=scheme).exists():
            continue
        weights = {
            "quantity": scheme.weight_quantity,
            "quality": scheme.weight_quality,
            "use_of_funds": scheme.weight_use_of_funds,
        }
        for part in ("purchaser", "third_party"):
            for position, (code, zh, en, dzh, den) in enumerate(MARKS):
                Criterion.objects.create(
                    scheme=scheme,
                    part=part,
                    code=code,
                    name_zh=zh,
                    name_en=en,
                    descriptor_zh=dzh,
                    descriptor_en=den,
                    weight=weights[code] or Decimal("0.01"),
                    position=position,
                )
        for position, (code, zh, en) in enumerate(QUESTIONS):
            Criterion.objects.create(
                scheme=scheme, part="beneficiaries", code=code, name_zh=zh, name_en=en, position=position
            )
    for evaluation in Evaluation.objects.select_related("award__application__call"):
        award = evaluation.award
        case = Case.objects.create(
            kind="award",
            award=award,
            organisation_id=award.application.organisation_id,
            funder_id=award.application.call.funder_id,
            title=award.reference,
            scheme_id=evaluation.scheme_id,
            feedback_token=secrets.token_urlsafe(12),
            status="published",
            score=evaluation.score,
            grade=evaluation.grade,
            weights={"purchaser": "100"},
            part_scores={"purchaser": str(evaluation.score)},
            published_at=evaluation.evaluated_at,
            published_by_id=evaluation.evaluated_by_id,
        )
        assessment = Assessment.objects.create(
            case=case,
            part="purchaser",
            score=evaluation.score,
            comment=evaluation.comment,
            submitted_by_id=evaluation.evaluated_by_id,
        )
        for criterion in Criterion.objects.filter(scheme_id=evaluation.scheme_id, part="purchaser"):
            Mark.objects.create(assessment=assessment, criterion=criterion, mark=getattr(evaluation, criterion.code))

    Award = apps.get_model("awards", "Award")
    for award in Award.objects.filter(evaluation_case__isnull=True).select_related("application__call"):
        Case.objects.create(
            kind="award",
            award=award,
            organisation_id=award.application.organisation_id,
            funder_id=award.application.call.funder_id,
            title=award.reference,
            scheme_id=award.evaluation_scheme_id,
            feedback_token=secrets.token_urlsafe(12),
        )


def backwards(apps, schema_editor):
    Case = apps.get_model("awards", "EvaluationCase")
    Evaluation = apps.get_model("awards", "Evaluation")
    Mark = apps.get_model("awards", "CriterionMark")
    for case in Case.objects.filter(kind="award", status="published", award__isnull=False):
        marks = {
            m.criterion.code: m.mark for m in Mark.objects.filter(assessment__case=case, assessment__part="purchaser")
        }
        Evaluation.objects.create(
            award_id=case.award_id,
            scheme_id=case.scheme_id,
            quantity=marks.get("quantity", case.score),
            quality=marks.get("quality", case.score),
            use_of_funds=marks.get("use_of_funds", case.score),
            score=case.score,
            grade=case.grade,
            evaluated_by_id=case.published_by_id,
        )


class Migration(migrations.Migration):
    dependencies = [("awards", "0007_three_party_evaluation")]

    operations = [migrations.RunPython(forwards, backwards)]
