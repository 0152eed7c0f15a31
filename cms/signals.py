"""Keep cached public pages and impact figures in step with the data behind them.

Only cache invalidation happens here: no business rules.
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms import caching, impact

# Models whose changes can alter public pages or impact figures. Looked up lazily so
# models that other apps add later are picked up once they exist.
DATA_MODELS = (
    "incubator.Organisation",
    "incubator.Area",
    "incubator.Incubatee",
    "grants.ServiceCategory",
    "grants.ServiceItem",
    "grants.Funder",
    "grants.Call",
    "awards.Award",
    "awards.MilestoneReport",
    "awards.KPIActual",
    "payments.Payment",
    "review.Announcement",
    "cms.Donation",
    "cms.MainMenu",
    "cms.MainMenuItem",
    "home.SiteSettings",
    "wagtailcore.Page",
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "wagtailcore.PageViewRestriction",
    "wagtailimages.Image",
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
    for label in DATA_MODELS:
        app_label, model_name = label.split(".")
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        uid = f"cms-purge-{label}"
        if model_name != "Page":
            post_save.connect(purge_public_pages, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(purge_public_pages, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                purge_public_pages, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}"
            )
