"""The award-to-payment half of a grant competition, through the screens.

Starting state, built with the factories and the real services (no mocks): a call
taken from open to final, two submitted applications screened, reviewed, recommended
and awarded, and their awards made by `create_awards_for_call`, which also queues each
award's draft showcase (the Celery task runs eagerly on commit). From there every step
is a person at a screen; see tests/browser/competition_award_steps.py.
"""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Locale

from cms.models import ShowcaseIndexPage, ShowcasePage
from grants.awards.models import Award
from grants.awards.services import create_awards_for_call
from grants.calls.models import Application, Call
from grants.calls.services import applications as application_services
from grants.calls.services import calls as call_services
from grants.payments.models import Payment
from grants.review.models import Announcement
from home.models import HomePage
from incubator.models import Membership
from tests.browser.competition_award_steps import run_awards_to_paid
from tests.cms.site import ensure_base_pages
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory

BANKS = [
    ("Xinhe Mediation Centre", "新禾调解中心", "Bank of China Suzhou Wuzhong Branch", "6217856000012345678"),
    # No account on file: the officer enters it in the back office during the journey.
    ("Lakeside Legal Aid Society", "湖畔法律援助社", "", ""),
]


def showcases_page():
    """The public site's project showcases page (what an editor set up once)."""
    ensure_base_pages()
    home = HomePage.objects.get(depth=2, locale=Locale.objects.get(language_code="en"))
    index = ShowcaseIndexPage.objects.filter(locale=home.locale).first()
    if index is None:
        index = ShowcaseIndexPage(title="Funded projects", slug="projects")
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


def final_call_with_awards(officer):
    funder = FunderFactory(officers=[officer], name_en="Wuzhong District Justice Bureau")
    call = CallFactory(funder=funder, title="Village mediation grants 2026")
    organisations = []
    applications = []
    for index, (name_en, name_zh, bank, account) in enumerate(BANKS):
        organisation = OrganisationFactory(
            verified=True,
            complete=True,
            name_en=name_en,
            name_zh=name_zh,
            bank_name=bank,
            bank_account_name=name_zh if account else "",
            bank_account_number=account,
        )
        MembershipFactory(
            organisation=organisation,
            role=Membership.Role.OWNER,
            user=UserFactory(ngo_member=True, email=f"owner{index}@ngo{index}.org.cn"),
        )
        organisations.append(organisation)
        applications.append(ApplicationFactory(call=call, organisation=organisation, submitted=True))

    call_services.call_close(call=call, by=officer)
    for application in applications:
        application_services.application_mark_eligible(application=application, by=officer)
    call_services.call_start_review(call=call, by=officer)
    for application in applications:
        application_services.application_start_review(application=application, by=officer)
        application_services.application_recommend(application=application, by=officer)
    call_services.call_decide(call=call, by=officer)
    call_services.call_announce(call=call, by=officer)
    for application in applications:
        application_services.application_award(application=application, by=officer)
    # The announcement's objection period has passed with no objection open.
    published = timezone.now() - timedelta(days=call.objection_period_days + 1)
    Announcement.objects.create(
        call=call, published_at=published, published_by=officer, objections_close_at=published + timedelta(days=1)
    )
    call_services.call_finalise(call=call, by=officer)
    call.refresh_from_db()
    assert call.status == Call.Status.FINAL
    assert all(a.status == Application.Status.AWARDED for a in Application.objects.filter(call=call))
    create_awards_for_call(call=call, by=officer)
    return call, organisations


def test_awards_are_accepted_reported_paid_evaluated_and_published(browser, live_server, transactional_db, tmp_path):
    showcases_page()
    officer = UserFactory(officer=True, email="officer@wuzhong-justice.gov.cn")
    finance = UserFactory(finance=True, email="finance@wuzhong-justice.gov.cn")
    call, organisations = final_call_with_awards(officer)
    call.funder.officers.add(finance)
    awards = list(Award.objects.filter(application__call=call).order_by("pk"))
    assert len(awards) == 2
    # The award seam made a draft showcase per award (through the Celery task).
    assert ShowcasePage.objects.filter(award__in=awards, live=False, locale__language_code="en").count() == 2

    outcome = run_awards_to_paid(
        browser,
        live_server,
        call=call,
        officer=officer,
        finance=finance,
        organisations=organisations,
        tmp_path=tmp_path,
    )

    reporter = outcome["awards"][0]
    reporter.refresh_from_db()
    assert reporter.status == Award.Status.COMPLETED
    paid = Payment.objects.filter(tranche__award__in=awards, status=Payment.Status.PAID)
    # The reporting NGO's three tranches, and the other NGO's signing tranche.
    assert paid.filter(tranche__award=reporter).count() == 3
    assert sum(p.amount for p in paid.filter(tranche__award=reporter)) == reporter.amount
    assert paid.filter(tranche__award=awards[1]).count() == 1
    assert outcome["showcase"].live
    assert {p.approved_by_id for p in paid} == {finance.pk}
    assert {p.requested_by_id for p in paid} == {officer.pk}
