"""Server-side request forgery: webhooks go to https on public addresses only, unless
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES (development, tests) allows loopback over http."""

import pytest
from django.core.exceptions import ValidationError

from webhooks.addresses import check_url

REFUSED = [
    "https://127.0.0.1/hook",
    "https://localhost/hook",
    "https://10.1.2.3/hook",
    "https://172.16.0.9/hook",
    "https://192.168.1.1/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://100.64.0.1/hook",
    "https://[::1]/hook",
    "https://[fe80::1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",
]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False


@pytest.mark.parametrize("url", REFUSED)
def test_private_loopback_link_local_and_reserved_addresses_are_refused(production, url):
    with pytest.raises(ValidationError) as refused:
        check_url(url)
    assert refused.value.code == "private"


def test_a_public_https_address_is_accepted(production):
    check_url("https://93.184.216.34/hooks")  # an address literal: no DNS needed


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://93.184.216.34/hooks", "https"),
        ("ftp://93.184.216.34/hooks", "scheme"),
        ("https://user:pw@93.184.216.34/hooks", "credentials"),
        ("https://no-such-host.invalid/hooks", "unresolved"),
    ],
)
def test_plain_http_other_schemes_credentials_and_unknown_hosts_are_refused(production, url, code):
    with pytest.raises(ValidationError) as refused:
        check_url(url)
    assert refused.value.code == code


def test_development_allows_loopback_over_http_but_no_other_plain_http(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    check_url("http://127.0.0.1:8001/hook")
    check_url("http://localhost:8001/hook")
    check_url("https://10.0.0.5/hook")
    with pytest.raises(ValidationError):
        check_url("http://10.0.0.5/hook")


def test_the_setting_follows_debug_when_unset(settings):
    del settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES
    settings.DEBUG = True
    check_url("http://127.0.0.1:8001/hook")
    settings.DEBUG = False
    with pytest.raises(ValidationError):
        check_url("http://127.0.0.1:8001/hook")
