"""Writes for the public site: showcases generated from awards, photos brought in from
accepted milestone reports, the default Wagtail site's address."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Locale, Site

from cms.models import ShowcaseIndexPage, ShowcasePage, ShowcasePhoto
from core.audit import record_event
from grants.awards.models import MilestoneReport, ReportEvidence


def _index(locale) -> ShowcaseIndexPage | None:
    return ShowcaseIndexPage.objects.filter(locale=locale).order_by("path").first()


@transaction.atomic
def showcase_create_for_award(*, award, by=None) -> ShowcasePage:
    """A draft showcase for a funded project, in the default language and translated
    into the others, with the award's organisation, title and summary.

    Rules: one showcase per award (a second call returns the first); the showcase
    stays a draft without the organisation's consent (see ShowcasePage.clean); a
    showcases index page must exist.
    """
    existing = ShowcasePage.objects.filter(award=award).order_by("pk").first()
    if existing is not None:
        return existing
    english = Locale.objects.get(language_code="en")
    index = _index(english)
    if index is None:
        raise ValidationError(_("Create a project showcases page first."))
    application = award.application
    showcase = ShowcasePage(
        title=application.title or application.call.title,
        summary=(application.summary or application.title or "")[:400] or application.call.title,
        organisation=application.organisation,
        award=award,
        live=False,
        consent_given=False,
        owner=by,
    )
    index.add_child(instance=showcase)
    showcase.save_revision(user=by)
    for locale in Locale.objects.exclude(pk=english.pk):
        if _index(locale) is not None:
            showcase.copy_for_translation(locale)
    record_event(target=showcase, verb="showcase.created", actor=by, message=award.reference)
    return showcase


@transaction.atomic
def showcase_import_report_photos(*, showcase: ShowcasePage, by=None) -> int:
    """Copy the photos of the award's accepted milestone reports into the showcase's
    gallery (as Wagtail images) in a new draft revision; returns how many were added.

    Rules: only photos from accepted reports; each photo once; every photo gets alt text
    (its caption, else a description naming the project).
    """
    if showcase.award_id is None:
        raise ValidationError(_("Link the showcase to its award first."))
    # Fresh from the database: the caller's instance may know an older latest revision.
    draft = ShowcasePage.objects.get(pk=showcase.pk).get_latest_revision_as_object()
    present = {photo.image.title for photo in draft.photos.all()}
    evidence = ReportEvidence.objects.filter(
        report__milestone__award_id=showcase.award_id,
        report__status=MilestoneReport.Status.ACCEPTED,
        kind=ReportEvidence.Kind.PHOTO,
    ).order_by("report__milestone__due_date", "pk")
    Image = get_image_model()
    photos = list(draft.photos.all())
    added = 0
    for item in evidence:
        title = f"report-evidence-{item.pk}"
        if title in present:
            continue
        image = Image.objects.filter(title=title).first()
        if image is None:
            with item.file.open("rb") as source:
                content = source.read()
            image = Image(title=title, description=item.caption)
            image.file = ImageFile(io.BytesIO(content), name=f"{title}.jpg")
            image.save()
        alt = item.caption or _("A photo from the project “%(title)s”") % {"title": showcase.title}
        photos.append(ShowcasePhoto(image=image, alt_text=alt[:250], caption=item.caption, sort_order=len(photos)))
        added += 1
    if added:
        draft.photos = photos
        draft.save_revision(user=by)
        record_event(target=showcase, verb="showcase.photos_imported", actor=by, message=str(added))
    return added


def default_site_follow_site_url(*, site_url: str) -> bool:
    """Point the default Wagtail site at `site_url` (hostname and port; https is port 443
    unless the URL names another), so page URLs, the sitemap and Wagtail's emails use the
    address the site is served at. Returns whether anything changed.

    Rules: idempotent (a site already there is not saved again); a URL without a host
    changes nothing; only the default site moves.
    """
    address = urlsplit(site_url)
    if not address.hostname:
        return False
    port = address.port or (443 if address.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (address.hostname, port):
        return False
    site.hostname, site.port = address.hostname, port
    site.full_clean()
    site.save(update_fields=["hostname", "port"])
    return True
