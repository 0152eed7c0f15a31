"""The award-to-payment half of a grant competition, driven through the screens as each role.

`run_awards_to_paid` takes a final call whose awards exist (made by
`grants.awards.services.create_awards_for_call`, the path the officer's "final" button
takes) and walks them to money paid and published:

1. each NGO sees its award in the portal and accepts the agreement;
2. one NGO files the mid-term report (KPI actuals, spending per budget line, one line
   over budget, a photo); the officer returns it with a comment, the NGO answers and
   resubmits, the officer accepts it;
3. the officer requests the tranches that became payable, a finance officer (another
   person) approves them, exports a bank batch with exactly the payments ticked, and
   imports the bank's confirmation built from the downloaded batch file; the NGO sees
   the payment paid;
4. the NGO files its final report, the officer accepts it and records the evaluation,
   which releases the final tranche; it is paid the same way;
5. an editor publishes the award's draft showcase (made by the Celery task when the
   award was made) in the Wagtail admin; the showcase shows the grant, and the open-data
   page's 360Giving JSON and CSV carry its id and amount.

Each role works in its own browser context (its own cookies), signed in once.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from decimal import Decimal
from pathlib import Path

from django.core.cache import cache
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from cms.models import ShowcaseIndexPage, ShowcasePage
from cms.opendata.threesixty import grant_id
from core.money import format_money
from grants.awards.models import Award, AwardMilestone, MilestoneReport
from grants.awards.tranches import Trigger
from grants.payments.models import Payment
from home.models import HomePage
from incubator.models import Membership
from tests.browser.helpers import (
    TOTP_PERIOD,
    browser_login,
    current_totp_code,
    new_page,
    screenshot,
    serve_media,
    submit,
)
from tests.factories.accounts import TEST_PASSWORD, UserFactory

MONEY = re.compile(r"[¥$€£][\d,]+\.\d\d")


# --- Pages and sign-in -------------------------------------------------------------------------


def staff_login(page, live_server, user):
    """Sign in with TOTP, waiting for the next 30-second step when this step's code was
    already used by this user (allauth refuses a code twice; an earlier half of the
    journey may just have signed the same officer in)."""
    key = f"allauth.mfa.totp.used?user={user.pk}&code={current_totp_code()}"
    if cache.get(key) is not None:
        time.sleep(TOTP_PERIOD - (time.time() % TOTP_PERIOD) + 0.5)
    return browser_login(page, live_server, user)


def main_text(page) -> str:
    return page.inner_text("main") if page.locator("main").count() else page.inner_text("body")


def assert_message(page, text: str):
    body = page.inner_text("body")
    assert text in body, f"expected the message {text!r} on {page.url}:\n{body[:3000]}"


def assert_no_database_ids(page, noun: str):
    """Messages and headings name things by reference, never "Award 12"."""
    found = re.findall(rf"\b{noun} #?\d+\b", main_text(page))
    assert not found, f"{page.url} names {found} by database id"


def manager_of(organisation):
    membership = (
        Membership.objects.filter(
            organisation=organisation,
            left_at__isnull=True,
            role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert membership is not None, f"{organisation} has no owner or admin to accept its agreement"
    return membership.user


def small_jpeg(path: Path, *, colour=(40, 120, 200), label: str = "") -> Path:
    """A real small JPEG made with Pillow (a coloured card with a few shapes)."""
    image = Image.new("RGB", (320, 240), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 300, 220), outline=(255, 255, 255), width=4)
    draw.ellipse((110, 70, 210, 170), fill=(250, 200, 60))
    if label:
        draw.text((30, 190), label, fill=(255, 255, 255))
    image.save(path, format="JPEG", quality=85)
    return path


# --- 1. The NGO accepts its award ---------------------------------------------------------------


def officer_enters_bank_details(page, live_server, organisation, *, bank: str, account: str, confirmer_page):
    """A bank transfer needs the payee's account. A verified organisation's bank details
    are locked in its own form (only the programme office changes them), so the officer
    enters them in the back office, from the organisation's bank letter. Four eyes, as for
    payments: even a first account of a verified organisation is only proposed, and a
    second person (``confirmer_page``: finance) confirms it under "Bank account changes"."""
    page.goto(f"{live_server.url}/admin/incubator_organisations/edit/{organisation.pk}/")
    page.fill("input[name=bank_name]", bank)
    page.fill("input[name=bank_account_name]", organisation.name_zh or organisation.name_en)
    page.fill("input[name=bank_account_number]", account)
    screenshot(page, f"award-journey-00-officer-bank-details-{organisation.pk}")
    submit(page, "button[type=submit]:has-text('Save')")
    assert_message(page, "another programme or finance officer must confirm it")
    organisation.refresh_from_db()
    assert organisation.bank_account_number != account, "not in use before a second person confirms"

    confirmer_page.goto(f"{live_server.url}/admin/incubator/bank-changes/")
    row = confirmer_page.locator("tr.bank-change", has_text=organisation.name_zh)
    assert row.count() == 1, main_text(confirmer_page)[:2000]
    assert account in row.inner_text()
    screenshot(confirmer_page, f"award-journey-00-finance-confirms-bank-details-{organisation.pk}")
    with confirmer_page.expect_navigation():
        row.locator("button[value=confirm]").click()
    assert_message(confirmer_page, "is confirmed")
    organisation.refresh_from_db()
    assert organisation.bank_account_number == account, main_text(confirmer_page)[:2000]


def ngo_sees_award_and_accepts(page, live_server, award: Award):
    page.goto(f"{live_server.url}/en/grants/awards/")
    card = page.locator("a.card", has_text=award.reference)
    assert card.count() == 1, main_text(page)
    card_text = card.inner_text()
    assert format_money(award.amount, award.currency) in card_text, card_text
    screenshot(page, f"award-journey-01-ngo-my-grants-{award.reference}")
    submit(page, f"a.card:has-text('{award.reference}')")
    assert award.reference in main_text(page)
    submit(page, "text=Read and accept the agreement")
    agreement = main_text(page)
    assert format_money(award.amount, award.currency) in agreement
    for tranche in award.tranches.all():
        assert format_money(tranche.amount, award.currency) in agreement, agreement
    screenshot(page, f"award-journey-02-ngo-agreement-{award.reference}")
    submit(page, "main form button[type=submit]")
    assert_message(page, "Agreement accepted")
    assert_no_database_ids(page, "Award")
    award.refresh_from_db()
    assert award.status == Award.Status.ACTIVE
    assert award.tranches.get(trigger=Trigger.ON_SIGNING).is_payable()
    screenshot(page, f"award-journey-03-ngo-agreement-accepted-{award.reference}")


# --- 2. Milestone reports -------------------------------------------------------------------------


def _open_report(page, live_server, award: Award, milestone: AwardMilestone):
    page.goto(f"{live_server.url}/en/grants/awards/{award.pk}/")
    submit(page, f"a[href$='/milestones/{milestone.pk}/report/']")


def ngo_files_report(
    page,
    live_server,
    award: Award,
    milestone: AwardMilestone,
    *,
    narrative: str,
    photo: Path | None,
    overspend_first_line: bool,
    label: str,
) -> MilestoneReport:
    """Narrative, every KPI, every budget line (the first at 119% when asked), a photo; submit."""
    _open_report(page, live_server, award, milestone)
    page.fill("textarea[name=narrative]", narrative)
    for kpi in award.kpis.all():
        page.fill(f"input[name=kpi_{kpi.pk}]", str((kpi.target * Decimal("0.6")).quantize(Decimal(1))))
    for index, line in enumerate(award.budget_lines.order_by("position", "pk")):
        share = Decimal("1.19") if overspend_first_line and index == 0 else Decimal("0.5")
        page.fill(f"input[name=line_{line.pk}]", str((line.amount * share).quantize(Decimal("0.01"))))
    submit(page, "#save-report")
    assert_message(page, "Report saved")
    if photo is not None:
        page.set_input_files("input[name=file]", str(photo))
        page.fill("input[name=caption]", "Mediation session in the village hall")
        submit(page, "#upload-evidence")
        assert_message(page, "File added to the report")
        assert page.locator(".evidence-photos img").count() >= 1
    if overspend_first_line:
        first = award.budget_lines.order_by("position", "pk").first()
        row = page.locator(".field", has_text=first.description).last.inner_text()
        assert "(119%)" in row and "Over budget" in row, row
    text = main_text(page)
    assert MONEY.search(text), "money is not formatted on the report page"
    screenshot(page, f"award-journey-04-ngo-{label}-report-filled")
    submit(page, "#submit-report")
    assert_message(page, "Report submitted")
    report = MilestoneReport.objects.get(milestone=milestone)
    assert report.status == MilestoneReport.Status.SUBMITTED
    return report


def officer_opens_report(page, live_server, report: MilestoneReport):
    page.goto(f"{live_server.url}/admin/awards/reports/")
    row = page.locator("tr", has_text=report.milestone.award.reference)
    assert row.count() >= 1, main_text(page)
    submit(page, f"a[href='/admin/awards/reports/{report.pk}/']")
    text = main_text(page)
    assert report.milestone.award.reference in text
    assert page.locator("img[src*='size=thumb']").count() >= (1 if report.evidence.exists() else 0)


def officer_returns_report(page, live_server, report: MilestoneReport, *, comment: str):
    officer_opens_report(page, live_server, report)
    first = report.milestone.award.budget_lines.order_by("position", "pk").first()
    row = page.locator("tr", has_text=first.description).inner_text()
    assert "119%" in row, f"the overspent line does not show its real share: {row}"
    screenshot(page, "award-journey-05-officer-report-overspent")
    page.fill("textarea[name=comment]", comment)
    submit(page, "#return-report")
    assert_message(page, report.milestone.award.reference)
    assert_message(page, "returned")
    report.refresh_from_db()
    assert report.status == MilestoneReport.Status.RETURNED
    screenshot(page, "award-journey-06-officer-report-returned")


def ngo_answers_and_resubmits(page, live_server, report: MilestoneReport, *, comment: str, note: str):
    award = report.milestone.award
    _open_report(page, live_server, award, report.milestone)
    assert comment in main_text(page), "the officer's comment is not shown to the NGO"
    first = award.budget_lines.order_by("position", "pk").first()
    page.fill(f"input[name=line_{first.pk}_note]", note)
    submit(page, "#save-report")
    assert_message(page, "Report saved")
    screenshot(page, "award-journey-07-ngo-report-answered")
    submit(page, "#submit-report")
    assert_message(page, "Report submitted")
    report.refresh_from_db()
    assert report.status == MilestoneReport.Status.SUBMITTED


def officer_accepts_report(page, live_server, report: MilestoneReport, *, label: str):
    officer_opens_report(page, live_server, report)
    page.fill("textarea[name=comment]", "Thank you, accepted.")
    submit(page, "#accept-report")
    assert_message(page, report.milestone.award.reference)
    report.refresh_from_db()
    assert report.status == MilestoneReport.Status.ACCEPTED
    screenshot(page, f"award-journey-08-officer-{label}-report-accepted")


# --- 3. Money --------------------------------------------------------------------------------------


def officer_requests_tranches(page, live_server, tranches) -> list[Payment]:
    """Request each payable tranche from "Ready to request"; returns their payments."""
    payments = []
    for tranche in tranches:
        page.goto(f"{live_server.url}/admin/payments/payable/")
        row = page.locator("tr", has_text=tranche.award.reference).filter(has_text=tranche.trigger_label)
        assert row.count() == 1, f"{tranche.award.reference} {tranche.trigger_label} is not ready:\n{main_text(page)}"
        assert format_money(tranche.amount, tranche.award.currency) in row.inner_text()
        if not payments:
            screenshot(page, "award-journey-09-officer-ready-to-request")
        with page.expect_navigation():
            row.locator("button[type=submit]").click()
        payment = Payment.objects.get(tranche=tranche)
        assert payment.status == Payment.Status.REQUESTED
        assert_message(page, f"Payment {payment.reference} requested")
        payments.append(payment)
    return payments


def finance_approves(page, live_server, payments, *, label: str):
    page.goto(f"{live_server.url}/admin/payments/queue/?status=requested")
    for payment in payments:
        page.check(f"input[name=payment][value='{payment.pk}']")
    screenshot(page, f"award-journey-10-finance-approves-{label}")
    submit(page, "button:has-text('Approve selected')")
    for payment in payments:
        assert_message(page, payment.reference)
    assert_message(page, "approved")
    for payment in payments:
        payment.refresh_from_db()
        assert payment.status == Payment.Status.APPROVED, (payment.reference, payment.status)
        assert payment.approved_by_id != payment.requested_by_id


def finance_exports_batch(page, live_server, payments, *, label: str) -> tuple[str, list[dict]]:
    """Tick exactly `payments` (none is ticked in advance), create the batch, download it.
    Returns the batch reference and the downloaded file's rows."""
    page.goto(f"{live_server.url}/admin/payments/batches/")
    boxes = page.locator("input[type=checkbox][name=payment]")
    assert boxes.count() >= len(payments)
    assert all(not boxes.nth(i).is_checked() for i in range(boxes.count())), "a payment was ticked in advance"
    waiting = boxes.count()
    for payment in payments:
        page.check(f"input[name=payment][value='{payment.pk}']")
    screenshot(page, f"award-journey-11-finance-batch-{label}")
    submit(page, "button:has-text('Create batch and mark these sent')")
    batch_reference = re.search(r"Batch (\S+) created with (\d+) payment", page.inner_text("body"))
    assert batch_reference, page.inner_text("body")[:2000]
    assert int(batch_reference.group(2)) == len(payments)
    for payment in payments:
        payment.refresh_from_db()
        assert payment.status == Payment.Status.SENT and payment.batch is not None
    assert page.locator("input[type=checkbox][name=payment]").count() == waiting - len(payments)
    row = page.locator("tr", has_text=batch_reference.group(1))
    with page.expect_download() as download_info:
        row.locator("a:has-text('Download CSV')").click()
    content = Path(download_info.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert sorted(r["reference"] for r in rows) == sorted(p.reference for p in payments), rows
    return batch_reference.group(1), rows


def bank_confirmation_file(rows: list[dict], *, paid_on) -> bytes:
    """The bank's confirmation export as the import expects it: a CSV with the
    reference, amount and value date of each transfer, Chinese headers, GB18030."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["参考号", "金额", "日期"])
    for row in rows:
        writer.writerow([row["reference"], row["amount"], paid_on.strftime("%Y-%m-%d")])
    return out.getvalue().encode("gb18030")


def finance_imports_confirmation(page, live_server, rows, *, paid_on, label: str):
    page.goto(f"{live_server.url}/admin/payments/reconciliation/")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": f"boc-confirmation-{label}.csv",
                "mimeType": "text/csv",
                "buffer": bank_confirmation_file(rows, paid_on=paid_on),
            }
        ],
    )
    submit(page, "form[enctype] button[type=submit]")
    paid = f"{len(rows)} payment marked paid" if len(rows) == 1 else f"{len(rows)} payments marked paid"
    assert_message(page, f"{paid}; 0 lines reported")
    report = main_text(page)
    for row in rows:
        assert row["reference"] in report
        assert format_money(Decimal(row["amount"]), row["currency"]) in report, report
    screenshot(page, f"award-journey-12-finance-confirmation-{label}")
    for row in rows:
        payment = Payment.objects.get(reference=row["reference"])
        assert payment.status == Payment.Status.PAID and payment.paid_on == paid_on


def ngo_sees_paid(page, live_server, award: Award, payments, *, label: str):
    page.goto(f"{live_server.url}/en/grants/awards/{award.pk}/")
    table = page.locator("#payments + .table-wrap").inner_text()
    for payment in payments:
        row = page.locator("#payments + .table-wrap tr", has_text=payment.tranche.trigger_label)
        text = row.inner_text()
        assert "Paid" in text and format_money(payment.amount, payment.currency) in text, table
    screenshot(page, f"award-journey-13-ngo-grant-paid-{label}")
    page.goto(f"{live_server.url}/en/payments/organisations/{award.application.organisation_id}/")
    for payment in payments:
        item = page.locator("li", has_text=payment.reference)
        text = item.inner_text()
        assert "Paid" in text and format_money(payment.amount, payment.currency) in text, text
        assert award.reference in text, text
    screenshot(page, f"award-journey-14-ngo-payments-paid-{label}")


def pay(pages, live_server, tranches, *, paid_on, label: str, batch_only=None) -> list[Payment]:
    """Officer requests, finance approves, exports (only `batch_only` when given) and confirms."""
    payments = officer_requests_tranches(pages["officer"], live_server, tranches)
    finance_approves(pages["finance"], live_server, payments, label=label)
    in_batch = [p for p in payments if batch_only is None or p.tranche_id in {t.pk for t in batch_only}]
    _reference, rows = finance_exports_batch(pages["finance"], live_server, in_batch, label=label)
    for payment in payments:
        if payment not in in_batch:
            payment.refresh_from_db()
            assert payment.status == Payment.Status.APPROVED and payment.batch_id is None, "an unticked payment left"
    finance_imports_confirmation(pages["finance"], live_server, rows, paid_on=paid_on, label=label)
    return payments


# --- 4. Evaluation ---------------------------------------------------------------------------------


def officer_evaluates(page, live_server, award: Award):
    page.goto(f"{live_server.url}/admin/awards/{award.pk}/")
    text = main_text(page)
    assert award.reference in text and format_money(award.amount, award.currency) in text
    submit(page, "text=Evaluate the grant")
    page.fill("input[name=quantity]", "90")
    page.fill("input[name=quality]", "85")
    page.fill("input[name=use_of_funds]", "80")
    page.fill("textarea[name=comment]", "Targets met; the overspend on one line was explained.")
    screenshot(page, "award-journey-15-officer-evaluation")
    submit(page, "button:has-text('Record the evaluation')")
    assert_message(page, f"Evaluation of {award.reference} recorded")
    award.refresh_from_db()
    assert award.status == Award.Status.COMPLETED
    final = award.tranches.get(trigger=Trigger.ON_FINAL_ACCEPTED_AND_EVALUATED)
    assert final.is_payable()
    assert re.search(r"Final report accepted and evaluation done\s+\S+\s+Yes", main_text(page)), main_text(page)
    screenshot(page, "award-journey-16-officer-evaluated")
    return final


# --- 5. Showcase and open data ---------------------------------------------------------------------


def _publish(page):
    """Wagtail's publish action sits in the footer's dropdown when a workflow is on."""
    publish = page.locator("button[name=action-publish]")
    if not publish.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle'], footer .w-dropdown__toggle").first.click()
    with page.expect_navigation():
        publish.click()
    page.wait_for_load_state()


def editor_creates_showcases_page(page, live_server) -> ShowcaseIndexPage:
    """The site has no "funded projects" page yet: the editor adds it under the home page."""
    home = HomePage.objects.get(depth=2, locale__language_code="en")
    page.goto(f"{live_server.url}/admin/pages/add/cms/showcaseindexpage/{home.pk}/")
    page.fill("input[name=title]", "Funded projects")
    page.press("input[name=title]", "Tab")
    page.click("a[role=tab]:has-text('Promote'), button[role=tab]:has-text('Promote')")
    page.fill("input[name=slug]", "projects")
    screenshot(page, "award-journey-17-editor-adds-showcases-page")
    _publish(page)
    index = ShowcaseIndexPage.objects.filter(locale__language_code="en").first()
    assert index is not None and index.live, main_text(page)[:2000]
    return index


def editor_publishes_showcase(page, live_server, award: Award) -> ShowcasePage:
    """The draft showcase made for the award (by the Celery task, or from "Showcases from
    awards" when there was no showcases page then) is given consent and published."""
    if not ShowcaseIndexPage.objects.filter(locale__language_code="en").exists():
        editor_creates_showcases_page(page, live_server)
    page.goto(f"{live_server.url}/admin/showcases/from-awards/")
    screenshot(page, "award-journey-17-editor-showcases-from-awards")
    if not ShowcasePage.objects.filter(award=award).exists():
        row = page.locator("tr", has_text=award.reference)
        with page.expect_navigation():
            row.locator("button:has-text('Create draft showcase')").click()
        page.goto(f"{live_server.url}/admin/showcases/from-awards/")
    row = page.locator("tr", has_text=award.reference).filter(has=page.locator("form"))
    assert "draft" in row.inner_text(), row.inner_text()
    # The photos of the accepted reports go into the showcase's gallery.
    with page.expect_navigation():
        row.locator("button:has-text('Add photos from accepted reports')").click()
    showcase = ShowcasePage.objects.get(award=award, locale__language_code="en")
    photos = award.milestones.filter(report__status="accepted", report__evidence__kind="photo").count()
    assert_message(page, f"added to a draft of “{showcase.title}”")
    assert f"/pages/{showcase.pk}/edit/" in page.url, page.url
    page.check("input[name=consent_given]")
    page.fill(
        "input[name=consent_note]", f"Agreed by the organisation's owner with the agreement of {award.reference}."
    )
    screenshot(page, "award-journey-18-editor-showcase-edit")
    _publish(page)
    showcase.refresh_from_db()
    assert showcase.live, main_text(page)[:2000]
    assert showcase.photos.count() == photos
    return showcase


def visitor_sees_showcase_and_open_data(page, live_server, award: Award, showcase: ShowcasePage, *, paid):
    serve_media(page, live_server)
    page.goto(f"{live_server.url}{showcase.url}")
    text = main_text(page)
    assert showcase.title in text
    assert format_money(award.amount, award.currency) in text, text
    assert format_money(paid, award.currency) in text, text
    gallery = page.locator("main img[alt='Mediation session in the village hall']")
    assert gallery.count() >= 1, "the report's photo is not in the showcase's gallery"
    gallery.first.scroll_into_view_if_needed()
    # expect() rather than wait_for_function(): the page's policy forbids eval (script-src 'self').
    expect(gallery.first).to_have_js_property("complete", True)
    assert gallery.first.evaluate("img => img.naturalWidth") > 0, "the report's photo did not load"
    screenshot(page, "award-journey-19-visitor-showcase")

    page.goto(f"{live_server.url}/en/open-data/")
    row = page.locator("tr", has_text=award.reference)
    assert row.count() == 1, main_text(page)
    assert format_money(award.amount, award.currency) in row.inner_text()
    screenshot(page, "award-journey-20-visitor-open-data")
    json_url = page.locator("a:has-text('Download JSON')").get_attribute("href")
    csv_url = page.locator("a:has-text('Download CSV')").get_attribute("href")
    package = json.loads(page.request.get(f"{live_server.url}{json_url}").text())
    grants = {grant["id"]: grant for grant in package["grants"]}
    grant = grants.get(grant_id(award.reference))
    assert grant is not None, sorted(grants)
    assert Decimal(str(grant["amountAwarded"])) == award.amount
    assert Decimal(str(grant["amountDisbursed"])) == paid
    assert grant["currency"] == award.currency
    table = page.request.get(f"{live_server.url}{csv_url}").body().decode("utf-8-sig")
    rows = {row["Identifier"]: row for row in csv.DictReader(io.StringIO(table))}
    assert grant_id(award.reference) in rows, list(rows)[:5]
    assert Decimal(rows[grant_id(award.reference)]["Amount Awarded"]) == award.amount


# --- The whole half -----------------------------------------------------------------------------------


def run_awards_to_paid(
    browser, live_server, *, call, officer, finance=None, organisations=None, editor=None, tmp_path=None
):
    """A final call with its awards made → agreements accepted, reports, tranches paid,
    evaluation, showcase published and open data, all through the screens.

    `organisations` (default: every awarded organisation, in award order): each has an
    owner or admin who signs in with the test password; the officer enters the bank
    account of one that has none on file (once verified, only the back office can change
    it); the first one reports. `finance` (created when None) is a finance officer of the
    call's funder, another person than `officer`. `editor` (created when None) publishes
    the showcase, adding the site's "funded projects" page first when it has none.
    Returns {"awards", "payments", "final_payment", "showcase", "reports"}.
    """

    made = list(Award.objects.filter(application__call=call).select_related("application__organisation").order_by("pk"))
    assert made, "the call has no awards: they are made when its results become final"
    if organisations is None:
        organisations = [award.application.organisation for award in made]
    if finance is None:
        finance = UserFactory(finance=True, email=f"finance.{call.pk}@{call.funder.pk}.funder.example.cn")
        call.funder.officers.add(finance)
    assert finance.pk != officer.pk, "four eyes: the finance officer must be another person"
    awards = {award.application.organisation_id: award for award in made}
    missing = [org for org in organisations if org.pk not in awards]
    assert not missing, f"no award for {missing}: the call's awards must be made when it becomes final"
    awards = [awards[org.pk] for org in organisations]
    editor = editor or UserFactory(editor=True, email=f"editor.{call.pk}@legalaidhub.example.cn")
    photo_dir = Path(tmp_path) if tmp_path else Path(__file__).resolve().parents[2] / "artifacts"
    photo_dir.mkdir(parents=True, exist_ok=True)
    photo = small_jpeg(photo_dir / f"mediation-session-{call.pk}.jpg", label=awards[0].reference)

    pages = {"officer": new_page(browser), "finance": new_page(browser)}
    ngo_pages = [new_page(browser) for _ in organisations]
    try:
        # 1. Each NGO accepts its agreement.
        staff_login(pages["officer"], live_server, officer)
        staff_login(pages["finance"], live_server, finance)
        for index, organisation in enumerate(organisations):
            if not organisation.bank_account_number:
                officer_enters_bank_details(
                    pages["officer"],
                    live_server,
                    organisation,
                    bank="Bank of China Suzhou Branch",
                    account=f"62178560000{index:08d}",
                    confirmer_page=pages["finance"],
                )
        for page, organisation, award in zip(ngo_pages, organisations, awards, strict=True):
            browser_login(page, live_server, manager_of(organisation), password=TEST_PASSWORD)
            ngo_sees_award_and_accepts(page, live_server, award)

        # 2. The first NGO's mid-term report: returned, resubmitted, accepted.
        reporter, award = ngo_pages[0], awards[0]
        midterm = award.milestones.get(kind=AwardMilestone.Kind.MIDTERM)
        report = ngo_files_report(
            reporter,
            live_server,
            award,
            midterm,
            narrative="Forty-eight mediation sessions in six villages; two legal lectures.",
            photo=photo,
            overspend_first_line=True,
            label="midterm",
        )
        comment = "Please explain why the first budget line is over budget."
        officer_returns_report(pages["officer"], live_server, report, comment=comment)
        ngo_answers_and_resubmits(
            reporter,
            live_server,
            report,
            comment=comment,
            note="Two extra mediators were needed during the harvest season disputes.",
        )
        officer_accepts_report(pages["officer"], live_server, report, label="midterm")
        midterm_tranche = award.tranches.get(trigger=Trigger.ON_MIDTERM_ACCEPTED)
        assert midterm_tranche.is_payable()

        # 3. Payable tranches: every signing tranche and the mid-term one. The first batch
        # takes only the reporting NGO's two payments; the others wait for the next batch.
        today = timezone.localdate()
        signing = [a.tranches.get(trigger=Trigger.ON_SIGNING) for a in awards]
        first_batch = [signing[0], midterm_tranche]
        payments = pay(
            pages, live_server, [*signing, midterm_tranche], paid_on=today, label="first", batch_only=first_batch
        )
        ngo_sees_paid(
            reporter,
            live_server,
            award,
            [p for p in payments if p.tranche_id in {t.pk for t in first_batch}],
            label="first",
        )

        # 4. Final report, evaluation, final tranche (paid with the others still waiting).
        final_milestone = award.milestones.get(kind=AwardMilestone.Kind.FINAL)
        final_report = ngo_files_report(
            reporter,
            live_server,
            award,
            final_milestone,
            narrative="All twelve villages reached; 130 disputes mediated over the year.",
            photo=None,
            overspend_first_line=False,
            label="final",
        )
        officer_accepts_report(pages["officer"], live_server, final_report, label="final")
        final_tranche = officer_evaluates(pages["officer"], live_server, award)
        final_payment = officer_requests_tranches(pages["officer"], live_server, [final_tranche])[0]
        finance_approves(pages["finance"], live_server, [final_payment], label="final")
        waiting = [p for p in payments if p.tranche_id not in {t.pk for t in first_batch}]
        _reference, rows = finance_exports_batch(
            pages["finance"], live_server, [final_payment, *waiting], label="second"
        )
        finance_imports_confirmation(pages["finance"], live_server, rows, paid_on=today, label="second")
        ngo_sees_paid(reporter, live_server, award, [final_payment], label="final")
        for page, other in zip(ngo_pages[1:], awards[1:], strict=True):
            ngo_sees_paid(
                page, live_server, other, [p for p in waiting if p.tranche.award_id == other.pk], label=other.reference
            )

        # 5. Showcase and open data.
        editor_page = new_page(browser)
        pages["editor"] = editor_page
        staff_login(editor_page, live_server, editor)
        showcase = editor_publishes_showcase(editor_page, live_server, award)
        visitor = new_page(browser)
        pages["visitor"] = visitor
        paid = award.amount  # every tranche of the reporting NGO's award is paid
        visitor_sees_showcase_and_open_data(visitor, live_server, award, showcase, paid=paid)
        return {
            "awards": awards,
            "payments": [*payments, final_payment],
            "final_payment": final_payment,
            "showcase": showcase,
            "reports": [report, final_report],
        }
    finally:
        for page in [*pages.values(), *ngo_pages]:
            page.context.close()
