"""An NGO files its mid-term report with photos on a phone; the programme officer accepts it.

The payment part of this journey (tranche requested, finance approves, bank confirmation
imported, NGO sees it paid) is added by the disbursement ledger's tests.
"""

from django.utils import timezone

from grants.awards.models import MilestoneReport
from grants.awards.tranches import Trigger
from incubator.models import Membership
from tests.awards.test_uploads import jpeg_with_gps
from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, FinalCallFactory, FunderFactory, milestone
from tests.factories.incubator import MembershipFactory, OrganisationFactory


def test_ngo_submits_a_midterm_report_with_photos_and_the_officer_accepts_it(page, phone_page, live_server, tmp_path):
    officer = UserFactory(officer=True, email="officer@bureau.example.cn")
    funder = FunderFactory(officers=[officer], name_en="Wuzhong Justice Bureau")
    organisation = OrganisationFactory(verified=True, name_en="Neighbourhood Mediation Centre")
    owner = MembershipFactory(organisation=organisation, role=Membership.Role.OWNER).user
    award = AwardFactory(
        application__call=FinalCallFactory(funder=funder),
        application__organisation=organisation,
        application__title="Village mediation project",
    )
    midterm = milestone(award)
    photos = []
    for name in ("clinic.jpg", "lecture.jpg"):
        path = tmp_path / name
        path.write_bytes(jpeg_with_gps())
        photos.append(path)

    # The NGO, on a phone: accept the agreement, then write the report.
    browser_login(phone_page, live_server, owner)
    phone_page.goto(f"{live_server.url}/en/grants/awards/")
    screenshot(phone_page, "awards-my-grants-phone")
    phone_page.click("text=Village mediation project")
    phone_page.click("text=Read and accept the agreement")
    screenshot(phone_page, "awards-agreement-phone")
    phone_page.click("main form button[type=submit]")
    phone_page.wait_for_load_state()
    assert "Agreement accepted" in phone_page.content()
    award.refresh_from_db()
    assert award.accepted_by == owner
    assert award.tranches.get(trigger=Trigger.ON_SIGNING).is_payable()

    phone_page.click(f"a[href$='/milestones/{midterm.pk}/report/']")
    phone_page.fill("textarea[name=narrative]", "Forty mediation sessions in six villages; two lectures.")
    for kpi in award.kpis.all():
        phone_page.fill(f"input[name=kpi_{kpi.pk}]", str(kpi.target / 2))
    for line in award.budget_lines.all():
        phone_page.fill(f"input[name=line_{line.pk}]", "12000")
    phone_page.click("#save-report")
    phone_page.wait_for_load_state()
    assert "Report saved" in phone_page.content()

    for index, path in enumerate(photos):
        phone_page.set_input_files("input[name=file]", str(path))
        phone_page.fill("input[name=caption]", f"Photo {index + 1}")
        phone_page.click("#upload-evidence")
        phone_page.wait_for_load_state()
    assert phone_page.locator(".evidence-photos img").count() == 2
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the report page is {width}px wide on a 375px screen"
    screenshot(phone_page, "awards-report-form-phone")

    phone_page.click("#submit-report")
    phone_page.wait_for_load_state()
    assert "Report submitted" in phone_page.content()
    screenshot(phone_page, "awards-report-submitted-phone")
    report = MilestoneReport.objects.get(milestone=midterm)
    assert report.status == MilestoneReport.Status.SUBMITTED
    assert all(item.thumbnail for item in report.evidence.all())

    # The officer, at a desk: the reports queue, then accept.
    browser_login(page, live_server, officer)
    page.goto(f"{live_server.url}/admin/awards/reports/")
    screenshot(page, "awards-admin-reports-queue")
    page.click(f"a[href='/admin/awards/reports/{report.pk}/']")
    page.wait_for_load_state()
    assert page.locator("img[src*='size=thumb']").count() == 2
    page.fill("textarea[name=comment]", "Well documented, thank you.")
    screenshot(page, "awards-admin-report-detail")
    page.click("#accept-report")
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == MilestoneReport.Status.ACCEPTED
    assert report.decided_at <= timezone.now()
    assert award.tranches.get(trigger=Trigger.ON_MIDTERM_ACCEPTED).is_payable()

    # Back on the phone, the NGO sees the report accepted and the mid-term condition met.
    phone_page.goto(f"{live_server.url}/en/grants/awards/{award.pk}/")
    assert "Accepted" in phone_page.content()
    screenshot(phone_page, "awards-grant-after-acceptance-phone")
