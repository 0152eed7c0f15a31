"""Keep cached public pages and impact figures in step with the data behind them, and
the default Wagtail site at SITE_URL after every migrate.

Only cache invalidation and the call of a service happen here: no business rules.
"""

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.images.models import Image
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms import caching, impact
from cms.models import Donation, MainMenu, MainMenuItem
from cms.services import default_site_follow_site_url
from grants.awards.models import Award, KPIActual, MilestoneReport
from grants.calls.models import Call, Funder
from grants.payments.models import Payment
from grants.review.models import Announcement
from home.models import SiteSettings
from incubator.models import Area, Incubatee, Organisation, ServiceCategory, ServiceItem
from purchasing.contracts.models import Contract
from purchasing.delivery.models import Delivery, DeliveryPeriod

logger = logging.getLogger(__name__)

# Models whose changes can alter public pages or impact figures.
DATA_MODELS = (
    Organisation,
    Area,
    Incubatee,
    ServiceCategory,
    ServiceItem,
    Funder,
    Call,
    Award,
    MilestoneReport,
    KPIActual,
    Payment,
    Contract,
    DeliveryPeriod,
    Delivery,
    Announcement,
    Donation,
    MainMenu,
    MainMenuItem,
    SiteSettings,
    Page,
    Site,
    Locale,
    PageViewRestriction,
    Image,
)


def purge_public_pages(**kwargs):
    # After commit: a reader must not re-cache the old page between the purge and the commit.
    transaction.on_commit(_purge)


def _purge():
    caching.purge()
    impact.invalidate()


def connect():
    page_published.connect(purge_public_pages, dispatch_uid="cms-purge-published")
    page_unpublished.connect(purge_public_pages, dispatch_uid="cms-purge-unpublished")
    post_page_move.connect(purge_public_pages, dispatch_uid="cms-purge-moved")
    for model in DATA_MODELS:
        uid = f"cms-purge-{model._meta.label}"
        if model is not Page:
            post_save.connect(purge_public_pages, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(purge_public_pages, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                purge_public_pages, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}"
            )


def follow_site_url_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate: each deploy migrates, so the default site follows SITE_URL without a
    step anyone can forget (`manage.py sync_site` does the same on demand)."""
    if using == DEFAULT_DB_ALIAS:
        default_site_follow_site_url(site_url=settings.SITE_URL)


def purge_public_pages_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate: each deploy migrates, and cached pages keep the headers and static
    file names of the release that rendered them: the new release starts afresh. A
    cache that does not answer must not stop the deploy; pages then expire by themselves."""
    if using != DEFAULT_DB_ALIAS:
        return
    try:
        caching.purge()
    except Exception:  # noqa: BLE001 - any cache backend's connection error
        logger.warning(
            "The public page cache could not be purged after migrate; purge it by hand (docs/operations.md)."
        )
