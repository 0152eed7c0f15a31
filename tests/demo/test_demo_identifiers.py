"""Every USCC the demo stores is valid (issue 13: the demo funder's code used to fail its
check character and was published in the open data)."""

import pytest
from django.core.management import call_command

from core.identifiers import is_valid_uscc, stored_invalid_usccs
from demo import grants as grants_demo
from grants.calls.models import Funder
from incubator.models import Organisation


def test_the_demo_funders_codes_are_valid():
    for _key, _kind, _zh, _en, uscc, _officers in grants_demo.FUNDERS:
        assert is_valid_uscc(uscc), uscc


@pytest.mark.django_db
def test_every_stored_code_after_loading_the_demo_is_valid():
    call_command("load_demo", quiet=True)
    assert Funder.objects.exclude(uscc="").count() == len(grants_demo.FUNDERS)
    assert Organisation.objects.exclude(uscc="").exists()
    assert list(stored_invalid_usccs()) == []
    call_command("check_identifiers", verbosity=0)


@pytest.mark.django_db
def test_loading_the_demo_again_repairs_a_funder_code_an_earlier_demo_stored():
    call_command("load_demo", quiet=True)
    bureau = Funder.objects.get(name_zh="苏州市吴中区司法局")
    Funder.objects.filter(pk=bureau.pk).update(uscc="11320506014160090U")  # what earlier demos stored
    call_command("load_demo", quiet=True)
    bureau.refresh_from_db()
    assert bureau.uscc == "11320506014160090X"
