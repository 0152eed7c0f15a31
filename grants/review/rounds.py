"""Reading a call's rounds and a defence round's rubric (issue 17).

A call with no `ReviewRound` rows has one implicit expert round of weight 100, so a call
made before rounds existed, or one whose officer never opened the rounds page, reviews
and ranks exactly as before. A defence round's rubric is kept as JSON and edited as text,
one criterion a line and its score descriptors indented under it:

    clarity | 30 | 10 | 陈述清晰 | Clear presentation
      0 | 未能说明项目 | Did not explain the project
      6 | 基本清楚 | Mostly clear
      9 | 清楚有力 | Clear and convincing
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.bilingual import in_reader_language
from grants.review.engine.aggregation import Criterion as EngineCriterion
from grants.review.models import ReviewRound
from grants.review.scoring import Level, _levels, generic_levels

DEFAULT_DEFENCE_RUBRIC = [
    {
        "code": "presentation",
        "label_zh": "陈述清晰",
        "label_en": "Clear presentation",
        "weight": 30,
        "max_score": 10,
        "levels": [
            [0, "未能说明项目", "Did not explain the project"],
            [4, "基本说明，重点不清", "Explained, without a clear focus"],
            [7, "清楚，有重点", "Clear and focused"],
            [9, "清楚有力，令人信服", "Clear and convincing"],
        ],
    },
    {
        "code": "answers",
        "label_zh": "答辩回应",
        "label_en": "Answers to the panel",
        "weight": 30,
        "max_score": 10,
        "levels": [
            [0, "未能回答", "Could not answer"],
            [4, "部分回答", "Answered in part"],
            [7, "回答充分", "Answered fully"],
            [9, "回答充分且有证据", "Answered fully, with evidence"],
        ],
    },
    {
        "code": "delivery",
        "label_zh": "实施把握",
        "label_en": "Grip on delivery",
        "weight": 40,
        "max_score": 10,
        "levels": [
            [0, "缺乏实施计划", "No plan for delivery"],
            [4, "计划粗略", "A rough plan"],
            [7, "计划可行", "A workable plan"],
            [9, "计划周密，风险可控", "A thorough plan, risks in hand"],
        ],
    },
]


@dataclass
class RoundView:
    """A round as the pages and the ranking read it; `round` is None for the implicit one."""

    kind: str
    order: int
    weight: float
    status: str
    round: ReviewRound | None = None

    @property
    def pk(self):
        return self.round.pk if self.round else None

    def get_kind_display(self):
        return ReviewRound.Kind(self.kind).label

    def get_status_display(self):
        return ReviewRound.Status(self.status).label


def rounds_of(call) -> list[RoundView]:
    """The call's rounds in order; the implicit expert round when it has none."""
    rows = list(ReviewRound.objects.filter(call=call).order_by("order"))
    if not rows:
        return [RoundView(kind=ReviewRound.Kind.EXPERT, order=1, weight=100.0, status=ReviewRound.Status.OPEN)]
    return [RoundView(kind=r.kind, order=r.order, weight=float(r.weight), status=r.status, round=r) for r in rows]


@dataclass
class DefenceCriterion:
    code: str
    label_zh: str
    label_en: str
    weight: int
    max_score: int
    levels: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return in_reader_language(self.label_zh, self.label_en)

    def reader_levels(self) -> list[Level]:
        if not self.levels:
            return generic_levels(self.max_score)
        return _levels([(int(low), in_reader_language(zh, en)) for low, zh, en in self.levels], self.max_score)


def defence_criteria(round_: ReviewRound) -> list[DefenceCriterion]:
    return [DefenceCriterion(**item) for item in (round_.rubric or DEFAULT_DEFENCE_RUBRIC)]


def engine_criteria(round_: ReviewRound) -> list[EngineCriterion]:
    return [EngineCriterion(code=c.code, weight=c.weight, max_score=c.max_score) for c in defence_criteria(round_)]


def rubric_text(rubric: list) -> str:
    lines = []
    for item in rubric or DEFAULT_DEFENCE_RUBRIC:
        lines.append(
            f"{item['code']} | {item['weight']} | {item['max_score']} | {item['label_zh']} | {item['label_en']}"
        )
        lines.extend(f"  {low} | {zh} | {en}" for low, zh, en in item.get("levels", []))
    return "\n".join(lines)


def parse_rubric(text: str) -> list:
    """The rubric from its text form; a ValidationError names the first bad line."""
    rubric: list = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        try:
            if line[:1].isspace():
                if not rubric or len(parts) != 3:
                    raise ValueError
                low = int(parts[0])
                if not 0 <= low <= rubric[-1]["max_score"]:
                    raise ValueError
                rubric[-1]["levels"].append([low, parts[1], parts[2]])
            else:
                if len(parts) != 5 or not parts[0] or not parts[3]:
                    raise ValueError
                weight, max_score = int(parts[1]), int(parts[2])
                if weight < 1 or not 1 <= max_score <= 100:
                    raise ValueError
                rubric.append(
                    {
                        "code": parts[0],
                        "label_zh": parts[3],
                        "label_en": parts[4],
                        "weight": weight,
                        "max_score": max_score,
                        "levels": [],
                    }
                )
        except ValueError:
            raise ValidationError(
                {
                    "rubric": _(
                        "Line %(number)s is not “code | weight | maximum | 中文 | English” or an indented “from score | 中文 | English”."
                    )
                    % {"number": number}
                }
            ) from None
    if not rubric:
        raise ValidationError({"rubric": _("Add at least one criterion to the rubric.")})
    codes = [item["code"] for item in rubric]
    if len(set(codes)) != len(codes):
        raise ValidationError({"rubric": _("The rubric repeats a criterion code.")})
    for item in rubric:
        item["levels"].sort(key=lambda level: level[0])
    return rubric
