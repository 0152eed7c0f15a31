"""The unified social credit code as people type and paste it (issue 13): one implementation
in core.identifiers, checked against python-stdnum, used by every form that takes a USCC."""

import random

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from stdnum.cn import uscc as stdnum_uscc

from core.identifiers import (
    CHARSET,
    USCCFormField,
    check_character,
    is_valid_uscc,
    normalise_uscc,
    stored_invalid_usccs,
    uscc_error,
    validate_uscc,
    validate_uscc_for_legal_form,
)
from grants.calls.models import Funder
from incubator.models import Organisation
from tests.factories.grants import FunderFactory
from tests.factories.incubator import OrganisationFactory

VALID = "91320506MA1XXXXXX3"  # made up, valid: 9 1 (enterprise), 320506 Wuzhong District
PUBLISHED = "91110000600037341L"  # the example python-stdnum documents
FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def error_code(value):
    error = uscc_error(value)
    return error.code if error is not None else None


def message(value):
    return " ".join(uscc_error(value).messages)


# Normalising what people paste


@pytest.mark.parametrize(
    "pasted",
    [
        "9132 0506 MA1X XXXX X3",
        "9132 0506 MA1X XXXX X3-",
        "91320506-MA1XXXXXX-3",
        "91320506_MA1XXXXXX.3",
        "  91320506ma1xxxxxx3\n",
        "91320506MA1XXXXXX3".translate(FULL_WIDTH),  # ９１３２０５０６ＭＡ１ＸＸＸＸＸＸ３
        "９１３２　０５０６　ｍａ１ｘ　ｘｘｘｘ　ｘ３",  # full width with ideographic spaces, lower case
        "9132\u00a00506\u2010MA1X\u2013XXXX\u2014X3",  # no-break space, hyphen, en and em dash
        "\ufeff91320506MA1XXXXXX3\u200b",  # what a copy from a web page or a PDF brings along
        "９１３２０５０６－ＭＡ１ＸＸＸＸＸＸ－３",  # full-width hyphens
    ],
)
def test_what_people_paste_becomes_the_canonical_code(pasted):
    assert normalise_uscc(pasted) == VALID
    assert uscc_error(normalise_uscc(pasted)) is None


def test_normalising_guesses_nothing():
    # O is not 0: a wrong character is reported, not silently changed.
    assert normalise_uscc("91320506MA1XXXXXXO") == "91320506MA1XXXXXXO"
    assert normalise_uscc("") == "" and normalise_uscc(None) == ""


# Precise messages


@pytest.mark.parametrize("pasted", ["320506000012345", "3205 0600 0012 345", "320506000012345".translate(FULL_WIDTH)])
def test_an_old_15_digit_registration_number_is_named_as_such(pasted):
    assert error_code(pasted) == "uscc_registration_number"
    assert "15-digit business registration number" in message(pasted)
    assert "18-character unified social credit code" in message(pasted)


@pytest.mark.parametrize("pasted", ["MA1XXXXX-3", "01416009-0", "01416009X", "ma1xxxxx－3"])
def test_a_9_character_organisation_code_is_named_as_such(pasted):
    assert error_code(pasted) == "uscc_organisation_code"
    assert "9-character organisation code" in message(pasted)
    assert "characters 9 to 17" in message(pasted)


@pytest.mark.parametrize("code", ["9132050", VALID + "1", VALID[:-1], "1234567890123456"])
def test_another_length_says_how_many_characters_there_are(code):
    assert error_code(code) == "uscc_length"
    assert f"this one has {len(code)}" in message(code)


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_the_code_does_not_use_are_named(letter):
    code = VALID[:12] + letter + VALID[13:]
    assert error_code(code) == "uscc_charset"
    assert letter in message(code)
    assert error_code(VALID[:12] + "é" + VALID[13:]) == "uscc_charset"


@pytest.mark.parametrize("region", ["3205A6", "ABCDEF", "32050X", "3U0506"])
def test_characters_3_to_8_must_be_a_six_digit_region_code(region):
    body = "91" + region + VALID[8:17]
    code = body + check_character(body)  # the check character is right: only the region is wrong
    assert error_code(code) == "uscc_region"
    assert region in message(code) and "region code" in message(code)


def test_a_wrong_check_character_is_refused_without_giving_the_right_one_away():
    wrong = VALID[:17] + ("4" if VALID[17] != "4" else "5")
    assert error_code(wrong) == "uscc_check"
    assert "check character" in message(wrong)
    assert VALID[17] not in message(wrong).replace("18", "").replace("17", "")


def test_a_stored_value_must_be_canonical():
    with pytest.raises(ValidationError) as error:
        validate_uscc("9132 0506 MA1X XXXX X3")
    assert error.value.code == "uscc_not_canonical"
    assert VALID in error.value.messages[0]
    assert not is_valid_uscc("91320506ma1xxxxxx3")
    assert is_valid_uscc(VALID) and not is_valid_uscc("") and not is_valid_uscc(None)
    validate_uscc("")  # whether a code is required is the field's business


def test_the_legal_form_prefix_rule_for_registered_ngos():
    validate_uscc_for_legal_form("52320506MJ0000099A", "private_non_enterprise")
    with pytest.raises(ValidationError) as error:
        validate_uscc_for_legal_form("52320506MJ0000099A", "social_group")
    assert error.value.code == "uscc_prefix"
    with pytest.raises(ValidationError):
        validate_uscc_for_legal_form(VALID, "community_group")
    with pytest.raises(ValidationError):
        validate_uscc_for_legal_form("", "foundation")


# Agreement with python-stdnum


def random_body(rng, *, digits_first_two=True):
    first = "".join(rng.choice("0123456789") for _ in range(2)) if digits_first_two else rng.choice("ANY") + "2"
    region = "".join(rng.choice("0123456789") for _ in range(6))
    rest = "".join(rng.choice(CHARSET) for _ in range(9))
    return first + region + rest


def mutations(rng, code):
    """Wrong versions of a valid code: one character changed, two swapped, one dropped or
    added, a letter in the region code, a character outside the alphabet."""
    position = rng.randrange(18)
    yield code[:position] + rng.choice(CHARSET.replace(code[position], "")) + code[position + 1 :]
    position = rng.randrange(17)
    yield code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    yield code[:position] + code[position + 1 :]
    yield code[:position] + rng.choice(CHARSET) + code[position:]
    position = rng.randrange(2, 8)
    yield code[:position] + rng.choice("ABCDEFGHJKLMNPQRTUWXY") + code[position + 1 :]
    position = rng.randrange(18)
    yield code[:position] + rng.choice("IOZSV") + code[position + 1 :]


def test_the_validator_agrees_with_python_stdnum_on_thousands_of_codes():
    rng = random.Random(32100)
    checked = 0
    for _ in range(2000):
        body = random_body(rng)
        code = body + check_character(body)
        assert stdnum_uscc.is_valid(code) and is_valid_uscc(code), code
        assert check_character(body) == stdnum_uscc.calc_check_digit(body)
        for wrong in mutations(rng, code):
            assert is_valid_uscc(wrong) == stdnum_uscc.is_valid(wrong), wrong
            checked += 1
    assert checked >= 10000
    assert is_valid_uscc(PUBLISHED) and stdnum_uscc.is_valid(PUBLISHED)


def test_letters_in_the_first_two_characters_are_where_stdnum_is_stricter():
    # GB 32100 gives some registration authorities a letter (N: agriculture, for rural
    # collective economic organisations): stdnum refuses them, we only check the alphabet.
    rng = random.Random(2018)
    for _ in range(200):
        body = random_body(rng, digits_first_two=False)
        code = body + check_character(body)
        assert is_valid_uscc(code) and not stdnum_uscc.is_valid(code)
        assert stdnum_uscc.calc_check_digit(body) == code[17]
    assert is_valid_uscc("N2320506MF0000001G")


# The form field


class PastedForm(forms.Form):
    uscc = USCCFormField(required=False, max_length=18)


@pytest.mark.parametrize(
    "pasted", ["9132 0506 MA1X XXXX X3-", "９１３２０５０６ＭＡ１ＸＸＸＸＸＸ３", "91320506ma1xxxxxx3"]
)
def test_the_form_field_normalises_before_any_length_check(pasted):
    form = PastedForm(data={"uscc": pasted})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["uscc"] == VALID


def test_the_rendered_input_has_no_maxlength_that_would_cut_a_pasted_code():
    html = str(PastedForm()["uscc"])
    assert "maxlength" not in html
    assert 'autocapitalize="characters"' in html and 'spellcheck="false"' in html


def test_the_form_field_puts_the_precise_message_on_the_field():
    form = PastedForm(data={"uscc": "320506000012345"})
    assert not form.is_valid()
    assert "15-digit business registration number" in form.errors["uscc"][0]


# Models and the operators' command


@pytest.mark.django_db
def test_a_funders_code_is_validated_and_stored_canonical():
    funder = FunderFactory.build(uscc="9132 0506 ma1x xxxx x3")
    funder.full_clean()
    assert funder.uscc == VALID
    funder.uscc = "11320506014160090U"  # the old demo funder's code: its check character is wrong
    with pytest.raises(ValidationError) as error:
        funder.full_clean()
    assert "check character" in " ".join(error.value.message_dict["uscc"])


@pytest.mark.django_db
def test_check_identifiers_lists_every_stored_invalid_code():
    good_funder = FunderFactory(uscc=VALID)
    bad_funder = FunderFactory()
    Funder.objects.filter(pk=bad_funder.pk).update(uscc="11320506014160090U")
    OrganisationFactory()
    bad_organisation = OrganisationFactory()
    Organisation.objects.filter(pk=bad_organisation.pk).update(uscc="320506000012345")

    found = {(item.model, item.pk): item for item in stored_invalid_usccs()}
    assert set(found) == {(Funder, bad_funder.pk), (Organisation, bad_organisation.pk)}
    assert "registration number" in found[(Organisation, bad_organisation.pk)].message
    assert (Funder, good_funder.pk) not in found

    with pytest.raises(CommandError, match="2 stored"):
        call_command("check_identifiers")
    Funder.objects.filter(pk=bad_funder.pk).update(uscc="")
    Organisation.objects.filter(pk=bad_organisation.pk).delete()
    call_command("check_identifiers", verbosity=0)
