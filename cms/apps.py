from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self):
        from cms import signals
        from cms.donations import handle_checkout_session_completed
        from cms.tasks import queue_showcase_for_award
        from grants.awards.services import on_award_made
        from grants.payments.stripe_services import on_checkout_session_completed

        signals.connect()
        post_migrate.connect(signals.follow_site_url_after_migrate, sender=self)
        post_migrate.connect(signals.purge_public_pages_after_migrate, sender=self)
        # Every funded project gets a draft showcase (published only with the NGO's consent).
        on_award_made(queue_showcase_for_award)
        # Stripe Checkout sessions that complete are donations to showcased projects.
        on_checkout_session_completed(handle_checkout_session_completed)

        # How its audit events read, and the History pages staff may open (core.audit, core.history).
        from cms.audit_labels import register_audit

        register_audit()
