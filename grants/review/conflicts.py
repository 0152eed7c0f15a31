"""Automatic conflict-of-interest detection.

A reviewer has a conflict with an application when they are or were a member of the
applicant organisation (incubator memberships, including ended ones), share an email
domain with it (free-mail domains do not count), or have declared a relationship
with it. Works in bulk: a few queries for a whole call, whatever its size.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from grants.review.models import ConflictOfInterest, DeclaredRelationship
from incubator.models import Membership, Organisation

# Addresses at these domains say nothing about where someone works.
FREE_MAIL_DOMAINS = frozenset(
    {
        "qq.com",
        "vip.qq.com",
        "foxmail.com",
        "163.com",
        "126.com",
        "yeah.net",
        "vip.163.com",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "aliyun.com",
        "139.com",
        "189.cn",
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.com.cn",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "example.org",
        "example.com",
    }
)


def email_domain(address: str) -> str:
    _local, _at, domain = (address or "").strip().lower().rpartition("@")
    return domain if _at else ""


def website_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    return host.lower().removeprefix("www.")


def is_institutional(domain: str) -> bool:
    return bool(domain) and domain not in FREE_MAIL_DOMAINS


@dataclass(frozen=True)
class DetectedConflict:
    application_id: int
    reviewer_id: int
    source: str
    detail: str


def organisation_domains(organisation_ids: Iterable[int]) -> dict[int, set[str]]:
    """Institutional domains of each organisation: its contact email, website and current members' emails."""
    organisation_ids = set(organisation_ids)
    domains: dict[int, set[str]] = defaultdict(set)
    for org_id, contact_email, website in Organisation.objects.filter(pk__in=organisation_ids).values_list(
        "pk", "contact_email", "website"
    ):
        for domain in (email_domain(contact_email), website_domain(website)):
            if is_institutional(domain):
                domains[org_id].add(domain)
    for org_id, address in Membership.objects.filter(
        organisation_id__in=organisation_ids, left_at__isnull=True
    ).values_list("organisation_id", "user__email"):
        domain = email_domain(address)
        if is_institutional(domain):
            domains[org_id].add(domain)
    return domains


def reviewer_domains(reviewer_ids: Iterable[int]) -> dict[int, set[str]]:
    reviewer_ids = set(reviewer_ids)
    domains: dict[int, set[str]] = defaultdict(set)
    User = get_user_model()
    rows = list(User.objects.filter(pk__in=reviewer_ids).values_list("pk", "email"))
    rows += list(EmailAddress.objects.filter(user_id__in=reviewer_ids, verified=True).values_list("user_id", "email"))
    for user_id, address in rows:
        domain = email_domain(address)
        if is_institutional(domain):
            domains[user_id].add(domain)
    return domains


def detect_conflicts(*, applications: Iterable[tuple[int, int]], reviewer_ids: Iterable[int]) -> list[DetectedConflict]:
    """Every automatic conflict between `applications` ((application id, organisation id)
    pairs) and the reviewers, one entry per (pair, source)."""
    Source = ConflictOfInterest.Source
    apps_of_org: dict[int, list[int]] = defaultdict(list)
    for application_id, organisation_id in applications:
        apps_of_org[organisation_id].append(application_id)
    reviewer_ids = set(reviewer_ids)
    if not apps_of_org or not reviewer_ids:
        return []
    found: dict[tuple[int, int, str], str] = {}

    def add(org_id, reviewer_id, source, detail):
        for application_id in apps_of_org.get(org_id, ()):
            found.setdefault((application_id, reviewer_id, source), detail)

    memberships = Membership.objects.filter(user_id__in=reviewer_ids, organisation_id__in=apps_of_org).values_list(
        "organisation_id", "user_id", "left_at"
    )
    for org_id, user_id, left_at in memberships:
        detail = _("Member of the organisation") if left_at is None else _("Former member of the organisation")
        add(org_id, user_id, Source.MEMBERSHIP, detail)

    relationships = DeclaredRelationship.objects.filter(
        reviewer_id__in=reviewer_ids, organisation_id__in=apps_of_org
    ).values_list("organisation_id", "reviewer_id", "nature")
    for org_id, user_id, nature in relationships:
        add(org_id, user_id, Source.RELATIONSHIP, nature)

    org_domains = organisation_domains(apps_of_org)
    orgs_by_domain: dict[str, set[int]] = defaultdict(set)
    for org_id, domains in org_domains.items():
        for domain in domains:
            orgs_by_domain[domain].add(org_id)
    for user_id, domains in reviewer_domains(reviewer_ids).items():
        for domain in domains:
            for org_id in orgs_by_domain.get(domain, ()):
                add(org_id, user_id, Source.EMAIL_DOMAIN, domain)

    return [
        DetectedConflict(application_id=a, reviewer_id=r, source=source, detail=detail)
        for (a, r, source), detail in sorted(found.items())
    ]
