"""Identifiers as people type and paste them: the unified social credit code
(统一社会信用代码, USCC, GB 32100-2015) of NGOs, funders and, later, buyers.

One implementation for every app (issue 13, DESIGN.md "Reference data and identifiers"):

- ``normalise_uscc(text)``: what people paste (spaces, hyphens, full-width characters
  such as ＡＢＣ１２３, the ideographic space, lower case) becomes the 18-character
  canonical form. Forms normalise *before* any length check.
- ``validate_uscc(value)``: one precise message per mistake: an old 15-digit business
  registration number (注册号) or a 9-character organisation code (组织机构代码) is
  named as such; characters outside the code's alphabet (no I, O, Z, S, V); characters
  3–8 not a six-digit region code (GB/T 2260); a wrong check character. Stored values
  must be canonical.
- ``is_valid_uscc(value)``: the yes/no form, for code that publishes or exports (open data).
- ``validate_uscc_for_legal_form``: a registered NGO's code starts 51/52/53 (civil affairs
  + social group / private non-enterprise unit / foundation); a filed community group has none.
- ``USCCFormField`` and ``USCCField``: the form field (no ``maxlength`` on the input, so
  a pasted "9132 0506 MA1X XXXX X-" is not cut) and the model field that uses it.
- ``register_uscc_holder`` / ``stored_invalid_usccs``: every model that stores a USCC
  registers in its app's ``AppConfig.ready()``; ``manage.py check_identifiers`` lists the
  stored codes that fail.

The check character is python-stdnum's (``stdnum.cn.uscc``), the library the rest of the
world checks these codes with; the tests check that this module agrees with it. One
deliberate difference: stdnum requires digits in characters 1–2, but GB 32100 also gives
letters to some registration authorities (e.g. N for agriculture: rural collective
economic organisations' codes start N1/N2/N3), so here characters 1–2 only need to be
in the code's alphabet.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc

USCC_LENGTH = 18
# GB 32100-2015: digits and capital letters except I, O, Z, S and V.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# The first two characters (registration authority 5 = civil affairs + organisation kind)
# of a registered social organisation's code, by legal form.
PREFIX_BY_LEGAL_FORM = {
    "social_group": "51",
    "private_non_enterprise": "52",
    "foundation": "53",
}

# After NFKC (full-width forms become ASCII, the ideographic space a space): whitespace,
# hyphens and dashes of every kind, underscores, dots and middle dots, and the invisible
# characters that come along when a code is copied from a web page or a PDF.
_SEPARATORS = re.compile(r"[\s\-_.\u00ad\u00b7\u2010-\u2015\u2212\u30fb\u200b-\u200d\u2060\ufeff]+")
_OLD_REGISTRATION_NUMBER = re.compile(r"\d{15}")
_ORGANISATION_CODE = re.compile(r"[0-9A-Z]{8}[0-9X]")


def normalise_uscc(text: str | None) -> str:
    """The canonical form of a code as typed or pasted: NFKC, separators removed, upper case.

    Nothing else is changed (no O→0 guessing): a wrong character is reported, not fixed.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    return _SEPARATORS.sub("", text).upper()


def check_character(first17: str) -> str:
    """The 18th character of the code whose first 17 characters are given (stdnum's algorithm)."""
    if len(first17) != USCC_LENGTH - 1 or any(char not in CHARSET for char in first17):
        raise ValueError(f"Not the first 17 characters of a unified social credit code: {first17!r}")
    return stdnum_uscc.calc_check_digit(first17)


def uscc_error(value: str | None) -> ValidationError | None:
    """What is wrong with a stored or submitted code, or None. An empty value is not an error
    here (whether a code is required is the field's or the legal form's business)."""
    if not value:
        return None
    code = normalise_uscc(value)
    if not code:
        return ValidationError(
            _("A unified social credit code has 18 characters; this one has none."), code="uscc_length"
        )
    if len(code) == 15 and _OLD_REGISTRATION_NUMBER.fullmatch(code):
        return ValidationError(
            _(
                "This looks like a 15-digit business registration number (注册号), not the 18-character unified "
                "social credit code (统一社会信用代码). Enter the 18-character code printed on the certificate."
            ),
            code="uscc_registration_number",
        )
    if len(code) == 9 and _ORGANISATION_CODE.fullmatch(code):
        return ValidationError(
            _(
                "This looks like a 9-character organisation code (组织机构代码), not the 18-character unified "
                "social credit code (统一社会信用代码). The organisation code is characters 9 to 17 of the unified "
                "social credit code: enter the whole 18-character code printed on the certificate."
            ),
            code="uscc_organisation_code",
        )
    if len(code) != USCC_LENGTH:
        return ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)s."),
            code="uscc_length",
            params={"length": len(code)},
        )
    wrong = "".join(dict.fromkeys(char for char in code if char not in CHARSET))
    if wrong:
        return ValidationError(
            _(
                "A unified social credit code uses only digits and capital letters other than I, O, Z, S and V; "
                "this one contains %(characters)s."
            ),
            code="uscc_charset",
            params={"characters": " ".join(wrong)},
        )
    if not code[2:8].isdigit():
        return ValidationError(
            _(
                "Characters 3 to 8 of a unified social credit code are the six digits of a region code "
                "(e.g. 320506 for Wuzhong District); here they are %(region)s."
            ),
            code="uscc_region",
            params={"region": code[2:8]},
        )
    if check_character(code[:17]) != code[17]:
        return ValidationError(
            _(
                "This unified social credit code is not valid: its last character (the check character) does not "
                "match the other 17. Check every character against the certificate."
            ),
            code="uscc_check",
        )
    if code != value:
        return ValidationError(
            _("Write the unified social credit code as 18 characters without spaces: %(code)s."),
            code="uscc_not_canonical",
            params={"code": code},
        )
    return None


def validate_uscc(value: str | None) -> None:
    """Django validator: a canonical, valid 18-character code (or empty)."""
    error = uscc_error(value)
    if error is not None:
        raise error


def is_valid_uscc(value: str | None) -> bool:
    """A canonical, valid 18-character code. What open data and exports may publish."""
    return bool(value) and uscc_error(value) is None


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


class USCCFormField(forms.CharField):
    """A USCC as people paste it, stored canonical. No ``maxlength`` on the input and no
    length check before normalising: "9132 0506 MA1X XXXX X-" is 22 characters as pasted."""

    default_validators = [validate_uscc]

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.pop("min_length", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return normalise_uscc(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs.update({"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"})
        return attrs


class USCCField(models.CharField):
    """A model's USCC: 18 characters in the database, checked by ``validate_uscc``,
    normalised by ``full_clean()``, entered through ``USCCFormField``."""

    description = _("Unified social credit code")
    default_validators = [validate_uscc]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", USCC_LENGTH)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_uscc(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": USCCFormField, **kwargs})


# Every model that stores a USCC, registered by its app in AppConfig.ready().
_HOLDERS: list[tuple[type[models.Model], str]] = []


def register_uscc_holder(model: type[models.Model], field: str = "uscc") -> None:
    if (model, field) not in _HOLDERS:
        _HOLDERS.append((model, field))


def uscc_holders() -> tuple[tuple[type[models.Model], str], ...]:
    return tuple(_HOLDERS)


@dataclass(frozen=True)
class InvalidUSCC:
    model: type[models.Model]
    pk: object
    name: str
    code: str
    message: str


def stored_invalid_usccs() -> Iterator[InvalidUSCC]:
    """Every stored code, of every registered holder, that fails ``validate_uscc``."""
    for model, field in uscc_holders():
        for obj in model._default_manager.exclude(**{field: ""}).order_by("pk").iterator(chunk_size=2000):
            code = getattr(obj, field)
            error = uscc_error(code)
            if error is not None:
                yield InvalidUSCC(model=model, pk=obj.pk, name=str(obj), code=code, message=" ".join(error.messages))
