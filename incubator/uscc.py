"""Unified social credit codes (统一社会信用代码), GB 32100-2015."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# The first two characters (registration authority + organisation kind) by legal form.
PREFIX_BY_LEGAL_FORM = {
    "social_group": "51",
    "private_non_enterprise": "52",
    "foundation": "53",
}


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    value = 31 - total % 31
    return CHARSET[0 if value == 31 else value]


def is_valid_uscc(code: str) -> bool:
    if len(code) != 18 or any(char not in CHARSET for char in code):
        return False
    return check_character(code[:17]) == code[17]


def validate_uscc(code: str) -> None:
    if not code:
        return
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="uscc_length")
    if any(char not in CHARSET for char in code):
        raise ValidationError(
            _("A unified social credit code uses only digits and capital letters other than I, O, Z, S and V."),
            code="uscc_charset",
        )
    if check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code is not valid: its check character does not match."),
            code="uscc_check",
        )


def validate_uscc_for_legal_form(code: str, legal_form: str) -> None:
    """A registered NGO's code starts 51/52/53 by legal form; a filed community group has none."""
    if legal_form == "community_group":
        if code:
            raise ValidationError(
                _("A community group filed with the street office has no unified social credit code."),
                code="uscc_not_expected",
            )
        return
    if not code:
        raise ValidationError(
            _("A registered organisation needs its unified social credit code."), code="uscc_required"
        )
    expected = PREFIX_BY_LEGAL_FORM.get(legal_form)
    if expected and not code.startswith(expected):
        raise ValidationError(
            _("The code starts with %(actual)s, but this legal form's codes start with %(expected)s."),
            code="uscc_prefix",
            params={"actual": code[:2], "expected": expected},
        )
